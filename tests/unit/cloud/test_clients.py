# Copyright 2026 The masakari-blazar Authors.
#
#    Licensed under the Apache License, Version 2.0 (the "License"); you may
#    not use this file except in compliance with the License. You may obtain
#    a copy of the License at
#
#         http://www.apache.org/licenses/LICENSE-2.0
#
#    Unless required by applicable law or agreed to in writing, software
#    distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
#    WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
#    License for the specific language governing permissions and limitations
#    under the License.

import types

import pytest

from masakari_blazar.cloud import clients


def _group(auth_type, **given):
    return types.SimpleNamespace(auth_type=auth_type, **given)


@pytest.mark.parametrize('auth_type,given,missing', [
    ('password', {'password': 'p', 'project_name': 'admin'},
     'username (or user_id)'),
    ('v3password', {'user_id': 'u', 'project_id': 'x'}, 'password'),
    ('password', {'username': 'u', 'password': 'p'},
     'project_name (or project_id, or a domain or system scope)'),
    ('password', {'username': 'u', 'password': 'p', 'domain_name': 'd'},
     None),
    ('password', {'username': 'u', 'password': 'p', 'system_scope': 'all'},
     None),
    # An application credential is scoped to its project already.
    ('v3applicationcredential',
     {'application_credential_id': 'a', 'application_credential_secret': 's'},
     None),
])
def test_missing_credential_names_the_option(auth_type, given, missing):
    assert clients._missing_credential(_group(auth_type, **given)) == missing


@pytest.mark.parametrize('url,bad', [
    ('https://keystone.example.com/identity/v3', False),
    ('http://127.0.0.1:5000', False),
    ('not a url', True),
    ('keystone.example.com:5000/v3', True),
    ('ftp://keystone.example.com/v3', True),
    ('http:///v3', True),
])
def test_an_auth_url_that_is_no_url_is_named(url, bad):
    problem = clients._bad_auth_url(types.SimpleNamespace(auth_url=url))
    assert bool(problem) is bad, problem
