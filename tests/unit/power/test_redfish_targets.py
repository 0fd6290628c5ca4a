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
"""Which BMC each spare has: the [redfish] options and the credentials file."""

import json
import os

import pytest

from masakari_blazar import conf as mb_conf
from masakari_blazar import exceptions
from masakari_blazar.power import redfish_targets

URL = 'https://10.0.0.17/redfish/v1/Systems/1'


def _group(conf, **options):
    for name, value in options.items():
        conf.set_override(name, value, group=mb_conf.REDFISH_GROUP)
    return conf[mb_conf.REDFISH_GROUP]


def _file(tmp_path, data):
    path = tmp_path / 'bmc.json'
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return str(path)


def test_a_system_url_splits_into_the_bmc_and_the_resource():
    assert redfish_targets.split_system(URL + '/') == (
        'https://10.0.0.17', '/redfish/v1/Systems/1')


@pytest.mark.parametrize('url,reason', [
    ('10.0.0.17/redfish/v1/Systems/1', r'is not an http\(s\) URL'),
    ('https://10.0.0.17/redfish/v1/Systems', 'is not a system resource'),
    ('https://10.0.0.17/redfish/v1/Systems/1/Bios',
     'is not a system resource'),
    ('https://10.0.0.17/Systems/1', 'is not a system resource'),
    ('https://root:pw@10.0.0.17/redfish/v1/Systems/1',
     'carries credentials in its address'),
])
def test_a_url_that_is_no_system_is_refused(url, reason):
    with pytest.raises(ValueError, match=reason):
        redfish_targets.split_system(url)


def test_systems_share_the_sections_credentials(conf):
    targets = redfish_targets.load(_group(
        conf, systems={'compute-7': URL}, username='root', password='pw',
        verify='false'))
    assert targets['compute-7'] == redfish_targets.Target(
        'compute-7', URL, 'https://10.0.0.17', '/redfish/v1/Systems/1',
        'root', 'pw', False)


def test_the_file_gives_each_host_its_own(conf, tmp_path):
    ca = tmp_path / 'ca.pem'
    ca.write_text('')
    path = _file(tmp_path, {
        'compute-8': {'system': URL, 'username': 'a', 'password': 'b',
                      'verify': str(ca)},
        'compute-9': {'system': URL}})
    targets = redfish_targets.load(_group(conf, credentials_file=path,
                                          username='shared'))
    assert targets['compute-8'].verify == str(ca)
    assert (targets['compute-8'].username,
            targets['compute-8'].password) == ('a', 'b')
    # The section's credentials are for its systems only.
    assert targets['compute-9'].username is None
    assert targets['compute-9'].verify is True


def test_a_host_in_both_places_is_refused(conf, tmp_path):
    path = _file(tmp_path, {'compute-7': {'system': URL}})
    with pytest.raises(exceptions.ConfigError,
                       match=r'\[redfish\] systems and credentials_file both '
                             'name compute-7; keep each host in one of '
                             'them'):
        redfish_targets.load(_group(conf, systems={'compute-7': URL},
                                    credentials_file=path))


@pytest.mark.parametrize('data,problem', [
    ('{"compute-7": ', 'is not JSON'),
    ({'compute-7': {'username': 'root'}},
     "at compute-7: 'system' is a required property"),
    ({'compute-7': {'system': URL, 'pasword': 'x'}},
     'at compute-7: Additional properties are not allowed'),
    ({'compute-7': {'system': URL, 'password': 12345}},
     'at compute-7/password: must be type string'),
    ({'compute-7': {'system': URL, 'verify': 7}},
     'at compute-7/verify: must be true, false or the path of a CA bundle'),
    ([URL], 'at the top: must be type object'),
])
def test_a_bad_file_is_one_line_naming_where(conf, tmp_path, data, problem):
    path = _file(tmp_path, data)
    with pytest.raises(exceptions.ConfigError) as caught:
        redfish_targets.load(_group(conf, credentials_file=path))
    text = str(caught.value)
    assert text.startswith('[redfish] credentials_file %s' % path)
    assert problem in text
    assert '\n' not in text
    # A value from the file may be a password: it is never quoted.
    assert '12345' not in text


def test_a_missing_file_is_named(conf, tmp_path):
    path = os.path.join(str(tmp_path), 'absent.json')
    with pytest.raises(exceptions.ConfigError,
                       match='credentials_file %s cannot be read: No such '
                             'file' % path):
        redfish_targets.load(_group(conf, credentials_file=path))


@pytest.mark.parametrize('where,options', [
    ('systems', {'systems': {'compute-7': 'https://10.0.0.17/'}}),
    ('credentials_file', None),
])
def test_a_bad_url_names_its_host(conf, tmp_path, where, options):
    if options is None:
        options = {'credentials_file': _file(tmp_path, {
            'compute-7': {'system': 'https://10.0.0.17/'}})}
    with pytest.raises(exceptions.ConfigError,
                       match=r'\[redfish\] %s: the system of compute-7 is '
                             'not a system resource' % where):
        redfish_targets.load(_group(conf, **options))


def test_a_ca_bundle_that_does_not_exist_is_named(conf):
    with pytest.raises(exceptions.ConfigError,
                       match='verify of compute-7 names no file '
                             r'\(/nowhere/ca.pem\)'):
        redfish_targets.load(_group(conf, systems={'compute-7': URL},
                                    verify='/nowhere/ca.pem'))
