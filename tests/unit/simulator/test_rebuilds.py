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

"""The contention model of a host's rebuilds, alone and inside Nova."""

import time

import pytest

from masakari_blazar.simulator import config
from masakari_blazar.simulator.nova import rebuilds
from masakari_blazar.simulator import SimulatedCloud


def test_rebuilds_beyond_the_parallelism_share_the_host():
    alone = rebuilds.all_at_once([('a', 10.0)], 64, 2)
    crowded = rebuilds.all_at_once([(i, 10.0) for i in range(6)], 64, 2)
    assert alone == {'a': 10.0}
    # Six at a third of full speed each: drawn * k / parallelism.
    assert crowded == {i: pytest.approx(30.0) for i in range(6)}


def test_up_to_the_parallelism_rebuilds_cost_each_other_nothing():
    assert rebuilds.all_at_once([(i, 10.0) for i in range(2)], 64, 2) == \
        {0: 10.0, 1: 10.0}
    # 0: no shared cost however many run.
    assert rebuilds.all_at_once([(i, 10.0) for i in range(50)], 64, 0) == \
        {i: 10.0 for i in range(50)}


def test_a_rebuild_speeds_up_as_the_others_end():
    ended = rebuilds.all_at_once([('short', 5.0), ('long', 20.0)], 64, 1)
    # Both at half speed until the short one ends at 10 s; then the long
    # one, 15 s of work left, runs alone.
    assert ended == {'short': 10.0, 'long': 25.0}


def test_the_slot_limit_queues_rebuilds_in_arrival_order():
    ended = rebuilds.all_at_once([(i, 10.0) for i in range(65)], 64, 0)
    assert {ended[i] for i in range(64)} == {10.0}
    assert ended[64] == 20.0


def test_the_default_slots_are_the_rpc_executor_pool():
    assert config.DEFAULTS['rebuild_slots'] == 64
    assert config.DEFAULTS['rebuild_parallelism'] == 0


def test_a_removed_rebuild_frees_its_slot_and_its_share():
    host = rebuilds.HostRebuilds(slots=1, parallelism=1, now=0.0)
    host.add('first', 10.0, 0.0)
    host.add('second', 10.0, 0.0)
    assert host.due('second') is None
    host.remove('first', 4.0)
    assert host.due('second') == 14.0
    assert host.finish(13.0) == []
    assert host.finish(20.0) == [('second', 14.0)]


def test_hosts_do_not_share_their_cost():
    model = rebuilds.Rebuilds(slots=64, parallelism=1)
    model.add('spare-1', 'a', 10.0, 0.0)
    model.add('spare-2', 'b', 10.0, 0.0)
    model.add('spare-2', 'c', 10.0, 0.0)
    assert model.finish(100.0) == [('a', 10.0), ('b', 20.0), ('c', 20.0)]
    assert model.due('a') is None


def _crowded_cloud(instances, **settings):
    """A failed host with ``instances`` servers and a spare (unserved)."""
    spec = {'projects': {'admin': None, 'demo': None},
            'flavors': [{'name': 'tiny', 'id': 'tiny', 'vcpus': 1,
                         'ram': 64, 'disk': 1}],
            'hosts': [{'name': n, 'vcpus': 64, 'memory_mb': 131072,
                       'disk_gb': 1000} for n in ('failed', 'spare')],
            'servers': [{'name': 'vm-%d' % i, 'host': 'failed',
                         'flavor': 'tiny', 'project': 'demo'}
                        for i in range(instances)]}
    settings.setdefault('evacuation_delay', 10.0)
    cloud = SimulatedCloud(spec, **settings)
    cloud.state.power_off('failed', forced_down=True)
    return cloud


def _evacuate(cloud, names):
    for name in names:
        cloud.state.evacuate(cloud.server(name)['id'], host='spare')
    return {name: cloud.state.evacuations[cloud.server(name)['id']].due
            for name in names}


def test_a_spare_rebuilding_many_at_once_lands_each_later():
    alone = _evacuate(_crowded_cloud(1, rebuild_parallelism=2), ['vm-0'])
    names = ['vm-%d' % i for i in range(8)]
    crowded = _evacuate(_crowded_cloud(8, rebuild_parallelism=2), names)
    # Alone: its drawn 10 s; among 8 at a parallelism of 2: about 40 s.
    span = max(crowded.values()) - min(crowded.values())
    assert span < 1.0
    assert min(crowded.values()) - alone['vm-0'] > 25.0


def test_nova_queues_the_rebuild_beyond_the_slots():
    names = ['vm-%d' % i for i in range(65)]
    dues = _evacuate(_crowded_cloud(65), names)
    assert all(dues['vm-%d' % i] is not None for i in range(64))
    assert dues['vm-64'] is None


def test_an_evacuation_lands_when_its_rebuild_ends_not_when_polled():
    cloud = _crowded_cloud(1, evacuation_delay=0.01)
    due = _evacuate(cloud, ['vm-0'])['vm-0']
    time.sleep(0.1)
    server_id = cloud.server('vm-0')['id']
    assert cloud.landings()[server_id] == pytest.approx(due, abs=1e-9)
    assert cloud.server('vm-0')['host'] == 'spare'
