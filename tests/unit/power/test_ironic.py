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
"""What the ironic driver makes of a node, and of the [ironic] options."""

import types

import pytest

from masakari_blazar import conf as mb_conf
from masakari_blazar.power import driver
from masakari_blazar.power import ironic


@pytest.mark.parametrize('power,target,expected', [
    ('power on', None, driver.ON),
    ('power off', None, driver.OFF),
    ('power off', 'power on', driver.POWERING_ON),
    ('power on', 'power off', driver.POWERING_OFF),
    (None, None, None),
    ('error', None, None),
])
def test_the_state_of_a_node(power, target, expected):
    node = types.SimpleNamespace(power_state=power, target_power_state=target)
    assert ironic.power_state(node) == expected


def test_the_endpoint_options_become_openstacksdks(conf):
    group = mb_conf.IRONIC_GROUP
    assert ironic.sdk_options(conf[group]) == {
        'baremetal_service_type': 'baremetal'}
    conf.set_override('endpoint_override', 'http://ironic:6385', group=group)
    conf.set_override('region_name', 'RegionTwo', group=group)
    conf.set_override('valid_interfaces', ['internal'], group=group)
    assert ironic.sdk_options(conf[group]) == {
        'baremetal_service_type': 'baremetal',
        'baremetal_endpoint_override': 'http://ironic:6385',
        'baremetal_interface': ['internal'],
        'region_name': 'RegionTwo'}


def test_a_spare_is_the_node_named_as_its_host_unless_told(conf):
    conf.set_override('node_names', {'compute-7': 'rack3-u12'},
                      group=mb_conf.IRONIC_GROUP)
    conf.set_override('power_driver', 'ironic', group=mb_conf.PLUGIN_GROUP)
    power = ironic.Ironic(conf, clients=None)
    assert power.target('compute-7') == 'Ironic node rack3-u12'
    assert power.target('compute-8') == 'Ironic node compute-8'
