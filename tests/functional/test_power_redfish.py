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
"""The redfish power driver against a real Redfish service.

sushy-tools' emulator (:mod:`tests.functional.redfish_emulator`) answers as
a BMC does, authentication included; the driver is the one
masakari-engine and the commands load, through its entry point.
"""

import json

from oslo_config import cfg
import pytest

from masakari_blazar import conf as mb_conf
from masakari_blazar import exceptions
from masakari_blazar.power import driver
from masakari_blazar.power import loader
from tests.functional import backend_server
from tests.functional import conftest as fconf
from tests.functional import redfish_emulator


@pytest.fixture
def emulator(tmp_path):
    server = redfish_emulator.RedfishEmulator(
        tmp_path, {'spare-1': 'On', 'spare-2': 'Off'}).start()
    yield server
    server.stop()


def _conf(**redfish):
    conf = cfg.ConfigOpts()
    mb_conf.register_opts(conf)
    conf([], default_config_files=[], default_config_dirs=[])
    conf.set_override('power_driver', 'redfish', group=mb_conf.PLUGIN_GROUP)
    conf.set_override('api_retries', 1, group=mb_conf.PLUGIN_GROUP)
    conf.set_override('api_retry_delay', 0.01, group=mb_conf.PLUGIN_GROUP)
    for name, value in redfish.items():
        conf.set_override(name, value, group=mb_conf.REDFISH_GROUP)
    return conf


def _driver(emulator, tmp_path, password=redfish_emulator.PASSWORD):
    """spare-1 in [redfish] systems, spare-2 in the credentials file."""
    path = tmp_path / 'bmc.json'
    path.write_text(json.dumps({'spare-2': {
        'system': emulator.system_url('spare-2'),
        'username': redfish_emulator.USERNAME, 'password': password,
        'verify': False}}))
    return loader.load(_conf(
        systems={'spare-1': emulator.system_url('spare-1')},
        username=redfish_emulator.USERNAME, password=password,
        credentials_file=str(path)), clients=None)


def test_reads_each_spares_power_from_its_bmc(emulator, tmp_path):
    power = _driver(emulator, tmp_path)
    assert power.manages_power
    assert power.power_state('spare-1') == driver.ON
    assert power.power_state('spare-2') == driver.OFF
    assert power.target('spare-2') == 'BMC %s' % emulator.system_url(
        'spare-2')


def test_powers_a_spare_off_and_on_again(emulator, tmp_path):
    """The emulator applies a reset 1 to 11 s after it is asked."""
    power = _driver(emulator, tmp_path)
    power.power_off('spare-1')
    assert fconf.wait_for(lambda: emulator.power('spare-1') == 'Off',
                          timeout=30)
    assert power.power_state('spare-1') == driver.OFF
    power.power_on('spare-1')
    assert fconf.wait_for(lambda: emulator.power('spare-1') == 'On',
                          timeout=30)
    assert power.power_state('spare-1') == driver.ON
    # The other system was not touched.
    assert emulator.power('spare-2') == 'Off'


def test_a_wrong_password_is_one_line_without_the_password(emulator,
                                                           tmp_path):
    power = _driver(emulator, tmp_path, password='not-the-password')
    with pytest.raises(exceptions.PowerError) as caught:
        power.power_state('spare-1')
    text = str(caught.value)
    assert 'spare-1' in text and emulator.system_url('spare-1') in text
    assert 'not-the-password' not in text
    assert '\n' not in text
    assert emulator.power('spare-1') == 'On'


def test_a_bmc_that_does_not_answer_is_one_line(tmp_path):
    url = 'http://127.0.0.1:%d/redfish/v1/Systems/1' % \
        backend_server.free_port()
    power = loader.load(_conf(systems={'spare-1': url}), clients=None)
    with pytest.raises(exceptions.PowerError) as caught:
        power.power_state('spare-1')
    assert 'reading the power state of spare-1 (BMC %s) failed' % url in \
        str(caught.value)


def test_a_host_without_a_bmc_is_named(emulator, tmp_path):
    power = _driver(emulator, tmp_path)
    with pytest.raises(exceptions.PowerError,
                       match='no BMC is known for spare-9: add it to '
                             r'\[redfish\] systems or credentials_file'):
        power.power_on('spare-9')
