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

"""No secret and no control character in what the plugin shows."""

import pytest

from masakari_blazar import exceptions
from masakari_blazar import safe_text


@pytest.mark.parametrize('text,shown', [
    ('redis://:TopSecretRedisPw@127.0.0.1:6379',
     'redis://:***@127.0.0.1:6379'),
    ('etcd3+http://root:pw@10.0.0.1:2379?timeout=5',
     'etcd3+http://root:***@10.0.0.1:2379?timeout=5'),
    ('mysql+pymysql://masakari:S3cr3t@db.example.com/masakari',
     'mysql+pymysql://masakari:***@db.example.com/masakari'),
    ('Cannot reach the lock backend redis://:pw@h:1: refused',
     'Cannot reach the lock backend redis://:***@h:1: refused'),
    ('redis://h:6379?password=abc&db=0', 'redis://h:6379?password=***'),
    ('password = hunter2', 'password = ***'),
    ('redis://127.0.0.1:6379', 'redis://127.0.0.1:6379'),
    ('http://keystone:5000/v3', 'http://keystone:5000/v3'),
    ('host-a:8774 and user@example.com', 'host-a:8774 and user@example.com'),
])
def test_credentials_are_masked(text, shown):
    assert safe_text.clean(text) == shown


@pytest.mark.parametrize('text,shown', [
    ('vm-1\n[EvacuateInstancesTask] Evacuated 0 instance(s)',
     'vm-1\\n[EvacuateInstancesTask] Evacuated 0 instance(s)'),
    ('\x1b[2J\x1b[31mred', '\\x1b[2J\\x1b[31mred'),
    ('tab\there\r', 'tab\\there\\r'),
    ('line\u2028separator', 'line\\u2028separator'),
    ('\x9bC1 control', '\\x9bC1 control'),
    ('café – ünïcode 名前', 'café – ünïcode 名前'),
])
def test_control_characters_are_shown_escaped(text, shown):
    assert safe_text.clean(text) == shown


def test_every_plugin_error_is_clean_however_it_was_built():
    error = exceptions.ApiError(
        'Blazar', 'GET /leases', 'lease "evil\nname" at '
        'redis://:pw@127.0.0.1:1')
    assert str(error) == ('Blazar call "GET /leases" failed: lease '
                          '"evil\\nname" at redis://:***@127.0.0.1:1')
    assert str(exceptions.ConfigError('x\x1b[0m')) == 'x\\x1b[0m'
