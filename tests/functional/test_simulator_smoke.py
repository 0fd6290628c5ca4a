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

"""Smoke test: the real clients talk to every simulated service."""

import copy

from masakari_blazar.simulator import SimulatedCloud
from tests.functional import conftest


def test_clients_see_the_basic_scenario(sim_cloud):
    nova = conftest.nova_for(sim_cloud)
    names = sorted(s.name for s in nova.servers.list(
        search_opts={'all_tenants': True, 'host': 'compute-1'}))
    assert names == ['ha-vm-1', 'ha-vm-2', 'plain-vm-1']
    services = nova.services.list(binary='nova-compute')
    assert {s.host for s in services} == {'compute-1', 'compute-2',
                                          'spare-1', 'spare-2'}
    assert all(s.state == 'up' and s.status == 'enabled' for s in services)

    blazar = conftest.blazar_for(sim_cloud)
    leases = {lease['name']: lease for lease in blazar.lease.list()}
    assert set(leases) == {'masakari-spare-spare-1', 'masakari-spare-spare-2'}
    assert all(lease['status'] == 'ACTIVE' for lease in leases.values())
    hosts = {h['hypervisor_hostname']: h['id'] for h in blazar.host.list()}
    assert set(hosts) == {'spare-1', 'spare-2'}
    allocations = {a['resource_id']: a['reservations']
                   for a in blazar.allocation.list('os-hosts')}
    reservation = leases['masakari-spare-spare-1']['reservations'][0]
    assert [r['id'] for r in allocations[hosts['spare-1']]] == \
        [reservation['id']]
    assert sim_cloud.hosts_in_aggregate(reservation['id']) == ['spare-1']

    placement = conftest.placement_for(sim_cloud)
    names = {rp['name'] for rp in placement.get(
        '/resource_providers').json()['resource_providers']}
    assert {'compute-1', 'blazar_spare-1', 'blazar_spare-2'} <= names


def test_snapshots_are_deterministic():
    first = SimulatedCloud('basic').snapshot()
    second = SimulatedCloud('basic').snapshot()
    assert first == second
    assert copy.deepcopy(first) == first
