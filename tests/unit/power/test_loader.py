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
"""Loading the configured power driver through its entry point."""

import pytest

from masakari_blazar import conf as mb_conf
from masakari_blazar import exceptions
from masakari_blazar.power import ironic
from masakari_blazar.power import loader
from masakari_blazar.power import redfish
from masakari_blazar.power import unmanaged


def _load(conf, name, **redfish_options):
    conf.set_override('power_driver', name, group=mb_conf.PLUGIN_GROUP)
    for option, value in redfish_options.items():
        conf.set_override(option, value, group=mb_conf.REDFISH_GROUP)
    return loader.load(conf, clients=None)


def test_the_shipped_drivers_are_installed():
    assert loader.installed() == ['ironic', 'none', 'redfish']


@pytest.mark.parametrize('name,cls', [('none', unmanaged.Unmanaged),
                                      ('ironic', ironic.Ironic),
                                      ('redfish', redfish.Redfish)])
def test_each_name_loads_its_driver(conf, name, cls):
    assert type(_load(conf, name)) is cls


def test_the_default_leaves_power_alone(conf):
    power = loader.load(conf, clients=None)
    assert not power.manages_power
    assert power.power_state('compute-1') is None
    with pytest.raises(exceptions.PowerError,
                       match='cannot switch the power of compute-1: '
                             r'\[masakari_blazar\] power_driver is none'):
        power.power_on('compute-1')


def test_an_unknown_name_lists_the_installed_ones(conf):
    with pytest.raises(exceptions.ConfigError,
                       match=r'^\[masakari_blazar\] power_driver: no power '
                             'driver is named "redfsh"; the installed ones '
                             'are ironic, none, redfish$'):
        _load(conf, 'redfsh')


def test_a_driver_that_cannot_start_says_why_in_one_line(conf, tmp_path):
    with pytest.raises(exceptions.ConfigError,
                       match=r'^\[redfish\] credentials_file .* cannot be '
                             'read'):
        _load(conf, 'redfish',
              credentials_file=str(tmp_path / 'absent.json'))
