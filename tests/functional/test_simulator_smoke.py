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

import json

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


def _create_delete_and_move(cloud):
    """Calls that create an aggregate, end a lease and evacuate a server."""
    nova = conftest.nova_for(cloud)
    blazar = conftest.blazar_for(cloud)
    nova.aggregates.create('extra', None)
    blazar.lease.delete(
        conftest.lease_named(blazar, 'masakari-spare-spare-2')['id'])
    conftest.force_down(nova, 'compute-1')
    nova.servers.evacuate(cloud.server('ha-vm-1')['id'], host='compute-2')
    conftest.wait_for(lambda: cloud.server('ha-vm-1')['task_state'] is None)


def test_the_same_calls_give_equal_snapshots(sim_cloud_factory):
    """Tests compare snapshots of two runs, so ids and times must not vary.

    The snapshot is also JSON as it is: no tuple, no integer key, no
    datetime, which would not survive the round trip.
    """
    first = sim_cloud_factory('basic')
    second = sim_cloud_factory('basic')
    before = first.snapshot()
    assert second.snapshot() == before

    _create_delete_and_move(first)
    _create_delete_and_move(second)

    after = first.snapshot()
    assert after != before
    assert after['aggregates']['extra']['id']
    assert after['hosts']['compute-2']['servers'] == ['ha-vm-1', 'ha-vm-3']
    assert second.snapshot() == after
    assert json.loads(json.dumps(after)) == after
