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

"""A scenario that no cloud could be in is refused whole, in one line."""

import copy
import os

import pytest
import yaml

from masakari_blazar.simulator import cloud as cloud_mod
from masakari_blazar.simulator import scenario

GOOD = {
    'flavors': [{'name': 'm1.small', 'vcpus': 1, 'ram': 2048, 'disk': 20}],
    'hosts': [{'name': 'compute-1', 'vcpus': 2, 'memory_mb': 8192,
               'cpu_allocation_ratio': 1.0, 'ram_allocation_ratio': 1.0,
               'reserved_host_memory_mb': 0},
              {'name': 'spare-1', 'blazar': True}],
    'leases': [{'name': 'masakari-spare-1', 'hosts': ['spare-1']}],
    'servers': [{'name': 'vm-1', 'host': 'compute-1',
                 'flavor': 'm1.small'}],
}


def _edited(path, value):
    spec = copy.deepcopy(GOOD)
    target = spec
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return spec


BAD = [
    # (edit path, value, where the message points, what it says)
    (('hosts', 0, 'vcpus'), 'abc', 'hosts[0].vcpus', "'abc' is not of type"),
    (('hosts', 0, 'vcpus'), 0, 'hosts[0].vcpus', 'less than the minimum'),
    (('hosts', 0, 'name'), KeyError, 'hosts[0]', "'name' is a required"),
    (('hosts', 0, 'colour'), 'red', 'hosts[0]', "'colour' was unexpected"),
    (('flavors', 0, 'ram'), -1, 'flavors[0].ram', 'less than the minimum'),
    (('servers', 0, 'flavor'), 'm1.huge', 'servers[0].flavor',
     "unknown flavor 'm1.huge'"),
    (('servers', 0, 'host'), 'compute-9', 'servers[0].host',
     "unknown host 'compute-9'"),
    (('servers', 0, 'vm_state'), 'paused', 'servers[0].vm_state',
     "'paused' is not one of"),
    (('servers', 0, 'reservation'), 'nope', 'servers[0].reservation',
     "unknown lease 'nope'"),
    (('servers', 0, 'project'), 'ghost', 'servers[0].project',
     "unknown project 'ghost'"),
    (('leases', 0, 'hosts'), ['compute-7'], 'leases[0].hosts',
     "unknown host 'compute-7'"),
    (('leases', 0, 'hosts'), ['compute-1'], 'leases[0].hosts',
     'not registered in Blazar'),
    (('leases', 0, 'type'), 'network', 'leases[0].type', 'is not one of'),
    (('config',), {'service_down_tme': 60}, 'config',
     "'service_down_tme' was unexpected"),
    (('config',), {'service_down_time': 'soon'}, 'config.service_down_time',
     "'soon' is not of type"),
    (('aggregates',), [{'name': 'az1', 'hosts': ['compute-5']}],
     'aggregates[0].hosts', "unknown host 'compute-5'"),
    (('hosts',), 'compute-1', 'hosts', "'compute-1' is not of type"),
]


def test_the_good_scenario_builds():
    with cloud_mod.SimulatedCloud(copy.deepcopy(GOOD)) as cloud:
        assert [s['name'] for s in cloud.snapshot()['servers']] == ['vm-1']


@pytest.mark.parametrize('path,value,where,what', BAD)
def test_a_bad_scenario_file_is_one_line_naming_the_place(
        tmp_path, path, value, where, what):
    bad = tmp_path / 'bad.yaml'
    bad.write_text(yaml.safe_dump(_edited(path, value)))
    with pytest.raises(scenario.ScenarioError) as raised:
        cloud_mod.SimulatedCloud(str(bad))
    message = str(raised.value)
    assert '\n' not in message
    assert message.startswith('scenario %s: %s: ' % (bad, where)), message
    assert what in message, message


def test_an_overcommitted_host_is_refused_after_placement_counts_it():
    # Three 1-vCPU servers on a 2-vCPU host at allocation ratio 1.0:
    # Placement would never have admitted the third.
    spec = copy.deepcopy(GOOD)
    spec['servers'] += [{'name': 'vm-%d' % i, 'host': 'compute-1',
                         'flavor': 'm1.small'} for i in (2, 3)]
    with pytest.raises(scenario.ScenarioError) as raised:
        cloud_mod.SimulatedCloud(spec)
    assert str(raised.value) == (
        'scenario (given as a dict): hosts[compute-1]: its servers need 3 '
        'VCPU, more than the 2 it has')


def test_a_pcpu_server_on_a_host_without_pcpu_is_refused():
    # Placement gives no PCPU where there is no cpu_dedicated_set.
    spec = copy.deepcopy(GOOD)
    spec['flavors'].append({'name': 'pinned', 'vcpus': 1, 'ram': 2048,
                            'disk': 20,
                            'extra_specs': {'hw:cpu_policy': 'dedicated'}})
    spec['servers'][0]['flavor'] = 'pinned'
    with pytest.raises(scenario.ScenarioError) as raised:
        cloud_mod.SimulatedCloud(spec)
    assert str(raised.value) == (
        'scenario (given as a dict): servers[vm-1]: its flavor needs PCPU, '
        'which host compute-1 has no inventory of (cpu_dedicated_set for '
        'PCPU)')
    spec['hosts'][0]['cpu_dedicated_set'] = '2-3'
    cloud = cloud_mod.SimulatedCloud(spec)
    root = cloud.state.placement.providers[
        cloud.state.hosts['compute-1'].node_uuid]
    assert root.inventories['PCPU']['total'] == 2
    assert root.inventories['PCPU']['allocation_ratio'] == 1.0


def test_a_file_that_is_not_yaml_names_the_line(tmp_path):
    bad = tmp_path / 'broken.yaml'
    bad.write_text('hosts:\n  - name: [compute-1\n')
    with pytest.raises(scenario.ScenarioError) as raised:
        scenario.load(str(bad))
    message = str(raised.value)
    assert message.startswith('scenario %s: not valid YAML: ' % bad)
    assert 'line 2' in message and '\n' not in message


def test_a_file_that_is_not_a_mapping_is_refused(tmp_path):
    bad = tmp_path / 'list.json'
    bad.write_text('[1, 2]')
    with pytest.raises(scenario.ScenarioError, match='top level must be a '
                       'mapping of sections, not list'):
        scenario.load(str(bad))


def test_an_unknown_scenario_lists_the_shipped_ones():
    with pytest.raises(scenario.ScenarioError) as raised:
        scenario.load('no-such-scenario')
    assert "Unknown scenario 'no-such-scenario'" in str(raised.value)
    assert 'demo' in str(raised.value)


@pytest.mark.parametrize('name', scenario.available())
def test_every_shipped_scenario_is_valid(name):
    path = scenario.describe(name)
    assert os.path.dirname(path) == scenario.SCENARIO_DIR
    scenario.load(name)
