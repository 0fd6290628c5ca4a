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

"""Fidelity of the list calls that serve many hosts or servers at once.

A recovery that polls one list per round instead of one call per instance,
and reads the capacity of every spare in one call, relies on these: Nova's
``changes-since`` filter and paging, Placement's allocation candidates, and
the simulator's model of how long each evacuation takes.  Each test names
the upstream code it follows.
"""

import time

from novaclient import exceptions as nova_exc
import pytest

from masakari_blazar.simulator import durations
from tests.functional import conftest


def _ids(servers):
    return sorted(s.id for s in servers)


def test_changes_since_lists_updated_and_deleted_servers(sim_cloud):
    """changes-since: updated_at >= the time, deleted servers included.

    nova/api/openstack/compute/servers.py (_get_servers): with
    ``changes-since`` the ``deleted`` filter is not forced to False, and
    nova/db/main/api.py filters ``updated_at >= changes-since``.
    """
    nova = conftest.nova_for(sim_cloud)
    ha_1 = sim_cloud.server('ha-vm-1')['id']
    ha_3 = sim_cloud.server('ha-vm-3')['id']
    sim_cloud.clock.advance(10)
    since = sim_cloud.clock.now().strftime('%Y-%m-%dT%H:%M:%SZ')
    opts = {'all_tenants': True, 'changes-since': since}
    assert nova.servers.list(search_opts=opts) == []

    nova.servers.lock(ha_1)
    nova.servers.delete(ha_3)
    changed = nova.servers.list(search_opts=opts)
    assert _ids(changed) == sorted([ha_1, ha_3])
    assert {s.id: s.status for s in changed}[ha_3] == 'DELETED'
    # Without changes-since a deleted server is gone from lists.
    assert ha_3 not in _ids(nova.servers.list(
        search_opts={'all_tenants': True}))


def test_changes_since_must_be_a_time(sim_cloud):
    """A malformed changes-since is Nova's 400 (servers.py _get_servers)."""
    nova = conftest.nova_for(sim_cloud)
    with pytest.raises(nova_exc.BadRequest) as raised:
        nova.servers.list(search_opts={'changes-since': 'yesterday'})
    assert 'Invalid filter field: changes-since.' in str(raised.value)


def test_changes_since_sees_an_evacuation_land(sim_cloud_factory):
    """The landing of an evacuation updates the server's updated_at."""
    cloud = sim_cloud_factory('basic', evacuation_delay=0)
    nova = conftest.nova_for(cloud)
    conftest.force_down(nova, 'compute-1')
    server_id = cloud.server('ha-vm-1')['id']
    cloud.clock.advance(10)
    since = cloud.clock.now().strftime('%Y-%m-%dT%H:%M:%SZ')
    nova.servers.evacuate(server_id, host='compute-2')
    changed = conftest.wait_for(lambda: [
        s for s in nova.servers.list(search_opts={
            'all_tenants': True, 'changes-since': since})
        if getattr(s, 'OS-EXT-SRV-ATTR:host') == 'compute-2'])
    assert _ids(changed) == [server_id]


def test_lists_are_paged_at_max_limit_with_a_next_link(sim_cloud_factory):
    """Pages of at most [api] max_limit items; a full page links the next.

    nova.api.openstack.common.ViewBuilder._get_collection_links adds the
    ``next`` link when a page holds max_limit (or ``limit``) items;
    ``marker`` continues after that server, an unknown one is a 400.
    """
    cloud = sim_cloud_factory('basic', nova_max_limit=3)
    nova = conftest.nova_for(cloud)
    compute = nova.client
    _, first = compute.get('/servers/detail?all_tenants=1')
    assert len(first['servers']) == 3
    link = first['servers_links'][0]
    assert link['rel'] == 'next'
    assert 'marker=%s' % first['servers'][-1]['id'] in link['href']
    assert 'all_tenants=1' in link['href']
    _, second = compute.get('/servers/detail?all_tenants=1&marker=%s'
                            % first['servers'][-1]['id'])
    assert len(second['servers']) == 1
    assert 'servers_links' not in second
    assert {s['id'] for s in first['servers'] + second['servers']} == {
        cloud.server(n)['id'] for n in ('ha-vm-1', 'ha-vm-2', 'plain-vm-1',
                                        'ha-vm-3')}
    _, limited = compute.get('/servers?all_tenants=1&limit=2')
    assert len(limited['servers']) == 2 and limited['servers_links']
    with pytest.raises(nova_exc.BadRequest):
        compute.get('/servers?marker=no-such-server')


def test_allocation_candidates_summarise_every_fitting_tree(sim_cloud):
    """Allocation candidates: capacity and usage of every fitting provider.

    placement/handlers/allocation_candidate.py: from 1.27 a provider
    summary lists all of the provider's classes, from 1.29 every provider
    of a candidate's tree; capacity is (total - reserved) *
    allocation_ratio, as in Placement's usage checks.
    """
    placement = conftest.placement_for(sim_cloud)
    body = placement.get('/allocation_candidates?resources=MEMORY_MB:1',
                         microversion='1.29').json()
    snapshot = sim_cloud.snapshot()['placement']
    roots = {name: p['uuid'] for name, p in snapshot.items()
             if p['parent'] is None}
    # The spares' blazar_<host> children come with their trees.
    assert sorted(body['provider_summaries']) == sorted(
        p['uuid'] for p in snapshot.values())
    assert sorted(next(iter(r['allocations']))
                  for r in body['allocation_requests']) == sorted(
        roots.values())
    compute_1 = body['provider_summaries'][roots['compute-1']]
    # basic: 16 vCPU at ratio 4.0, 32768 MB less 512 reserved; ha-vm-1,
    # ha-vm-2 and plain-vm-1 use 1 + 2 + 1 vCPU and 2 + 4 + 2 GB.
    assert compute_1['resources']['VCPU'] == {'capacity': 64, 'used': 4}
    assert compute_1['resources']['MEMORY_MB'] == {'capacity': 32256,
                                                   'used': 8192}
    assert compute_1['root_provider_uuid'] == roots['compute-1']


def test_allocation_candidates_leave_out_trees_that_cannot_fit(sim_cloud):
    """A tree without room for the request is no candidate."""
    placement = conftest.placement_for(sim_cloud)
    body = placement.get(
        '/allocation_candidates?resources=MEMORY_MB:30000',
        microversion='1.29').json()
    names = {p['uuid']: name for name, p in
             sim_cloud.snapshot()['placement'].items()}
    assert sorted(names[u] for u in body['provider_summaries']) == [
        'blazar_spare-1', 'blazar_spare-2', 'compute-2', 'spare-1',
        'spare-2']
    bad = placement.get('/allocation_candidates?resources=RAM:1',
                        microversion='1.29', raise_exc=False)
    assert bad.status_code == 400


def test_evacuation_time_is_drawn_per_server(sim_cloud_factory):
    """Each server's evacuation takes its own seeded draw.

    The draw depends on the seed and the server, not on the order of the
    evacuations, so two flows run on one scenario face the same times.
    """
    setting = {'distribution': 'uniform', 'low': 100, 'high': 200,
               'seed': 7}
    cloud = sim_cloud_factory('basic', evacuation_delay=setting)
    nova = conftest.nova_for(cloud)
    conftest.force_down(nova, 'compute-1')
    server_id = cloud.server('ha-vm-2')['id']
    expected = cloud.evacuation_time('ha-vm-2')
    assert expected == durations.evacuation_time(setting, server_id)
    before = time.monotonic()
    nova.servers.evacuate(server_id, host='compute-2')
    after = time.monotonic()
    due = cloud.state.evacuations[server_id].due
    assert before + expected <= due <= after + expected
    assert cloud.server('ha-vm-2')['task_state'] == 'rebuilding'
    assert cloud.landings() == {}
