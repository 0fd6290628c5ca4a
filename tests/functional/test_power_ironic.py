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
"""The ironic power driver against the simulated cloud's Ironic.

The driver reaches Ironic as in a deployment: through openstacksdk's
baremetal proxy, on the plugin's Keystone session, at the endpoint the
catalog lists for ``baremetal``.
"""

from oslo_config import cfg
import pytest

from masakari_blazar.cloud import clients as mb_clients
from masakari_blazar import conf as mb_conf
from masakari_blazar import exceptions
from masakari_blazar.local import engine as local_engine
from masakari_blazar.power import driver
from masakari_blazar.power import loader
from tests.functional.conftest import wait_for


def _power(cloud, **ironic):
    conf = cfg.ConfigOpts()
    mb_conf.register_opts(conf)
    conf([], default_config_files=[], default_config_dirs=[])
    local_engine.set_credentials(conf, cloud.credentials)
    conf.set_override('power_driver', 'ironic', group=mb_conf.PLUGIN_GROUP)
    conf.set_override('api_retries', 0, group=mb_conf.PLUGIN_GROUP)
    for name, value in ironic.items():
        conf.set_override(name, value, group=mb_conf.IRONIC_GROUP)
    return loader.load(conf, mb_clients.Clients(conf))


@pytest.fixture
def cloud(sim_cloud_factory):
    return sim_cloud_factory('basic', boot_delay=0.2, service_down_time=5)


def test_reads_and_switches_each_spares_node(cloud):
    power = _power(cloud)
    assert power.power_state('spare-1') == driver.ON
    power.power_off('spare-1')
    assert wait_for(lambda: power.power_state('spare-1') == driver.OFF)
    # Nova hears of it as of any host that lost power.
    cloud.clock.advance(6)
    assert cloud.snapshot()['hosts']['spare-1']['service']['state'] == \
        'down'
    power.power_on('spare-1')
    assert wait_for(lambda: power.power_state('spare-1') == driver.ON)
    assert wait_for(lambda: cloud.snapshot()['hosts']['spare-1'][
        'service']['state'] == 'up')
    assert power.power_state('spare-2') == driver.ON


def test_a_spare_is_found_under_the_node_name_it_is_given(cloud):
    power = _power(cloud, node_names={'spare-9': 'spare-2'})
    assert power.target('spare-9') == 'Ironic node spare-2'
    assert power.power_state('spare-9') == driver.ON


def test_a_host_ironic_does_not_know_is_one_line(cloud):
    power = _power(cloud)
    with pytest.raises(exceptions.PowerError) as caught:
        power.power_on('rack3-u12')
    assert str(caught.value) == (
        'powering on of rack3-u12 failed: Ironic has no node rack3-u12; '
        'name the node of each spare in [ironic] node_names')


def test_an_ironic_that_does_not_answer_is_one_line(cloud):
    power = _power(cloud, endpoint_override='http://127.0.0.1:9/v1')
    with pytest.raises(exceptions.RecoveryError) as caught:
        power.power_state('spare-1')
    text = str(caught.value)
    assert text.startswith('Ironic call "GET /v1/nodes/spare-1" failed: '), \
        text
    assert '\n' not in text
