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

"""Finding the Blazar reservation of each instance of the failed host.

Servers are shaped like novaclient's ``Server.to_dict()`` at microversion
2.100 (embedded flavor with extra specs, ``scheduler_hints``), aggregates
like ``Aggregate.to_dict()`` and leases like python-blazarclient's
``lease.list()``.
"""

import types

import pytest

from masakari_blazar.decisions import model
from masakari_blazar.decisions import reservations

FAILED = 'compute-1'
PROJECT = 'c1e5b9a2d7f84e0b9a3c6d2e1f0a4b5c'
OTHER_PROJECT = '7a6b5c4d3e2f41a0b9c8d7e6f5a4b3c2'
HOST_RES = '0f5e2ad1-7b4a-4c39-9d0e-6f1b8d3c2a10'
HOST_RES2 = '51c0a3b7-22d4-4e8f-a1b9-0c7d6e5f4a32'
INST_RES = '9a7c3e21-4b5d-4f6a-8e9b-1c2d3e4f5a6b'
NAMES = reservations.BlazarNames('freepool', 'blazar_')


def aggregate(agg_id, name, hosts, az=None, metadata=None):
    meta = dict(metadata or {})
    if az:
        meta['availability_zone'] = az
    return {'id': agg_id, 'uuid': 'agg-uuid-%d' % agg_id, 'name': name,
            'availability_zone': az, 'hosts': list(hosts), 'metadata': meta,
            'created_at': '2026-01-01T00:00:00.000000',
            'updated_at': None, 'deleted_at': None, 'deleted': False}


def host_res_aggregate(agg_id, res_id, hosts, owner=PROJECT):
    return aggregate(agg_id, res_id, hosts, az='blazar_%s' % res_id,
                     metadata={'blazar:owner': owner})


def freepool(hosts):
    return aggregate(1, 'freepool', hosts)


def server(name, hints=None, extra_specs=None, tenant=PROJECT):
    data = {
        'id': 'uuid-%s' % name, 'name': name, 'status': 'ACTIVE',
        'tenant_id': tenant, 'user_id': 'user-1',
        'OS-EXT-SRV-ATTR:host': FAILED,
        'OS-EXT-SRV-ATTR:hypervisor_hostname': FAILED,
        'OS-EXT-AZ:availability_zone': 'nova',
        'flavor': {'vcpus': 2, 'ram': 4096, 'disk': 20, 'ephemeral': 0,
                   'swap': 0, 'original_name': 'm1.medium',
                   'extra_specs': dict(extra_specs or {})},
    }
    if hints is not None:
        data['scheduler_hints'] = hints
    return data


def lease(lease_id, res_ids, degraded, status='ACTIVE', project=PROJECT,
          resource_type='physical:host'):
    return {'id': lease_id, 'name': 'lease-%s' % lease_id,
            'status': status, 'degraded': degraded, 'project_id': project,
            'user_id': 'user-1',
            'start_date': '2026-01-01T00:00:00.000000',
            'end_date': '2026-12-31T00:00:00.000000',
            'reservations': [{'id': r, 'lease_id': lease_id,
                              'resource_type': resource_type,
                              'status': 'active',
                              'missing_resources': False,
                              'resources_changed': degraded}
                             for r in res_ids]}


def host_reservation(res_id, owner=PROJECT):
    return model.Reservation(res_id, model.HOST_RESERVATION, owner)


def test_instance_reservation_flavor_extra_spec():
    finder = reservations.ReservationFinder(
        [freepool([]), aggregate(4, INST_RES, [FAILED],
                                 metadata={'reservation': INST_RES})],
        FAILED, NAMES)
    vm = server('vm1', extra_specs={
        'aggregate_instance_extra_specs:reservation': INST_RES,
        'resources:CUSTOM_RESERVATION_%s' % INST_RES.upper().replace(
            '-', '_'): '1'})
    assert finder.find(vm) == model.Reservation(
        INST_RES, model.INSTANCE_RESERVATION, PROJECT)


def test_a_reservation_carries_its_aggregate_s_metadata():
    """A spare that joins it meets Nova's aggregate filters with it."""
    finder = reservations.ReservationFinder(
        [aggregate(4, INST_RES, [FAILED], metadata={
            'reservation': INST_RES, 'filter_tenant_id': PROJECT}),
         host_res_aggregate(5, HOST_RES, ['compute-2'])], FAILED, NAMES)
    found = finder.find(server('vm1', extra_specs={
        'aggregate_instance_extra_specs:reservation': INST_RES}))
    assert found.metadata == (('filter_tenant_id', PROJECT),
                              ('reservation', INST_RES))
    found = finder.find(server('vm2', hints={'reservation': HOST_RES}))
    assert found.metadata == (
        ('availability_zone', 'blazar_%s' % HOST_RES),
        ('blazar:owner', PROJECT))
    assert finder.find(server('vm3', hints={
        'reservation': HOST_RES2})).metadata == ()


def test_flavor_extra_spec_wins_over_a_host_reservation_aggregate():
    finder = reservations.ReservationFinder(
        [host_res_aggregate(5, HOST_RES, [FAILED])], FAILED, NAMES)
    vm = server('vm1', extra_specs={
        'aggregate_instance_extra_specs:reservation': INST_RES})
    assert finder.find(vm).kind == model.INSTANCE_RESERVATION


@pytest.mark.parametrize('hint', [HOST_RES, [HOST_RES]])
def test_scheduler_hint_as_string_or_list(hint):
    finder = reservations.ReservationFinder(
        [host_res_aggregate(5, HOST_RES, ['compute-9'])], FAILED, NAMES)
    assert finder.find(server('vm1', {'reservation': hint})) == \
        host_reservation(HOST_RES)


def test_hint_wins_over_the_failed_hosts_aggregate():
    finder = reservations.ReservationFinder(
        [host_res_aggregate(5, HOST_RES, [FAILED]),
         host_res_aggregate(6, HOST_RES2, [], owner=OTHER_PROJECT)],
        FAILED, NAMES)
    assert finder.find(server('vm1', {'reservation': HOST_RES2})) == \
        host_reservation(HOST_RES2, OTHER_PROJECT)


@pytest.mark.parametrize('hints', [{}, {'reservation': []},
                                   {'group': 'g-1'}])
def test_visible_hints_without_a_reservation_mean_unreserved(hints):
    # An admin's forced placement, or an instance older than the
    # BlazarFilter: the filter refuses it in the reservation.
    finder = reservations.ReservationFinder(
        [host_res_aggregate(5, HOST_RES, [FAILED])], FAILED, NAMES,
        allocated=[HOST_RES])
    assert finder.find(server('vm1', hints)) is None
    assert finder.find(server('vm2')) == host_reservation(HOST_RES)


def test_failed_hosts_blazar_aggregate():
    finder = reservations.ReservationFinder(
        [freepool(['spare-x']), aggregate(2, 'az1-hosts', [FAILED], 'az1'),
         host_res_aggregate(5, HOST_RES, [FAILED, 'compute-2'])],
        FAILED, NAMES)
    assert finder.find(server('vm2')) == host_reservation(HOST_RES)


def test_the_failed_hosts_aggregate_by_the_configured_zone_prefix():
    aggregates = [aggregate(5, HOST_RES, [FAILED], 'lease_%s' % HOST_RES,
                            metadata={'blazar:owner': PROJECT})]
    assert reservations.ReservationFinder(
        aggregates, FAILED, NAMES).find(server('vm1')) is None
    assert reservations.ReservationFinder(
        aggregates, FAILED, reservations.BlazarNames('freepool', 'lease_')
    ).find(server('vm1')) == host_reservation(HOST_RES)


def test_owner_missing_when_the_aggregate_is_gone():
    finder = reservations.ReservationFinder([], FAILED, NAMES)
    assert finder.find(server('vm1', {'reservation': HOST_RES})) == \
        host_reservation(HOST_RES, None)


def test_allocation_when_the_host_is_in_no_blazar_aggregate():
    finder = reservations.ReservationFinder(
        [host_res_aggregate(5, HOST_RES, ['compute-9'])], FAILED, NAMES,
        allocated=[HOST_RES])
    assert finder.find(server('vm1')) == host_reservation(HOST_RES)


def test_two_blazar_aggregates_are_ambiguous_and_fall_to_allocations():
    aggregates = [host_res_aggregate(5, HOST_RES, [FAILED]),
                  host_res_aggregate(6, HOST_RES2, [FAILED])]
    assert reservations.ReservationFinder(
        aggregates, FAILED, NAMES).find(server('vm1')) is None
    assert reservations.ReservationFinder(
        aggregates, FAILED, NAMES, allocated=[HOST_RES2]).find(
            server('vm1')) == host_reservation(HOST_RES2)


def test_two_allocations_are_ambiguous():
    finder = reservations.ReservationFinder(
        [freepool([])], FAILED, NAMES, allocated=[HOST_RES, HOST_RES2])
    assert finder.find(server('vm1')) is None


def test_healed_host_uses_the_only_degraded_lease_of_the_project():
    # Healing put the failed host back into freepool and dropped its
    # allocation; the instance's reservation is still ACTIVE and degraded.
    leases = [lease('l-1', [HOST_RES], degraded=True),
              lease('l-2', [HOST_RES2], degraded=False),
              lease('l-3', ['old'], degraded=True, status='TERMINATED'),
              lease('l-4', [INST_RES], degraded=True,
                    resource_type='virtual:instance'),
              lease('l-5', ['theirs'], degraded=True,
                    project=OTHER_PROJECT)]
    finder = reservations.ReservationFinder(
        [freepool([FAILED]), host_res_aggregate(5, HOST_RES, ['compute-2'])],
        FAILED, NAMES, allocated=[], leases=leases)
    assert finder.find(server('vm1')) == host_reservation(HOST_RES)
    assert finder.find(server('vm2', tenant=OTHER_PROJECT)) == \
        host_reservation('theirs', None)


def test_healed_host_with_two_degraded_leases_is_ambiguous():
    leases = [lease('l-1', [HOST_RES], degraded=True),
              lease('l-2', [HOST_RES2], degraded=True)]
    finder = reservations.ReservationFinder(
        [freepool([FAILED])], FAILED, NAMES, leases=leases)
    assert finder.find(server('vm1')) is None


def test_unreserved_instance_on_a_plain_host_ignores_degraded_leases():
    # An unreserved instance on a host Blazar does not manage must not be
    # taken for a member of its project's degraded reservation: it would be
    # evacuated into that reservation and deleted when it ends.
    leases = [lease('l-1', [HOST_RES], degraded=True)]
    finder = reservations.ReservationFinder(
        [freepool(['compute-5']), aggregate(2, 'az1-hosts', [FAILED], 'az1'),
         host_res_aggregate(5, HOST_RES, ['compute-2'])],
        FAILED, NAMES, leases=leases)
    assert finder.find(server('vm1')) is None


def test_healed_case_honours_the_freepool_name():
    leases = [lease('l-1', [HOST_RES], degraded=True)]
    aggregates = [aggregate(1, 'blazar-free', [FAILED])]
    assert reservations.ReservationFinder(
        aggregates, FAILED, reservations.BlazarNames('blazar-free', 'blazar_'),
        leases=leases).find(
            server('vm1')) == host_reservation(HOST_RES, None)
    assert reservations.ReservationFinder(
        aggregates, FAILED, NAMES, leases=leases).find(server('vm1')) is None


def test_no_reservation_at_all():
    finder = reservations.ReservationFinder(
        [freepool(['spare-x']), aggregate(2, 'az1-hosts', [FAILED], 'az1')],
        FAILED, NAMES)
    assert finder.find(server('vm1')) is None
    assert finder.find(server('vm2', {'group': 'g-1'})) is None


def test_instance_reservation_aggregate_is_not_a_host_reservation():
    finder = reservations.ReservationFinder(
        [aggregate(4, INST_RES, [FAILED], metadata={'reservation': INST_RES})],
        FAILED, NAMES)
    assert finder.find(server('vm1')) is None


def test_hosts_of_reads_the_reservation_aggregate():
    finder = reservations.ReservationFinder(
        [host_res_aggregate(5, HOST_RES, ['compute-2', 'compute-3'])],
        FAILED, NAMES)
    assert finder.hosts_of(host_reservation(HOST_RES)) == [
        'compute-2', 'compute-3']
    assert finder.hosts_of(host_reservation(HOST_RES2)) is None


@pytest.mark.parametrize('agg,expected', [
    (aggregate(1, 'freepool', []), True),
    (aggregate(5, HOST_RES, [], 'blazar_%s' % HOST_RES), True),
    (aggregate(2, 'az1-hosts', [], 'az1'), False),
    (aggregate(3, 'ssd', []), False),
    (aggregate(4, INST_RES, [], metadata={'reservation': INST_RES}), False),
])
def test_blazar_owns(agg, expected):
    assert NAMES.owns(agg) is expected


def test_blazar_owns_honours_the_freepool_name():
    agg = aggregate(1, 'blazar-free', [])
    assert reservations.BlazarNames('blazar-free', 'blazar_').owns(agg)
    assert not NAMES.owns(agg)


def test_blazar_owns_honours_the_zone_prefix():
    agg = aggregate(5, HOST_RES, [], 'lease_%s' % HOST_RES)
    assert reservations.BlazarNames('freepool', 'lease_').owns(agg)
    assert not NAMES.owns(agg)


def test_names_come_from_the_options():
    opts = types.SimpleNamespace(aggregate_freepool_name='blazar-free',
                                 blazar_az_prefix='lease_')
    assert reservations.BlazarNames.from_options(opts) == \
        reservations.BlazarNames('blazar-free', 'lease_')


def test_host_reservation_aggregates_of_a_host():
    aggregates = [freepool([FAILED]),
                  aggregate(2, 'az1-hosts', [FAILED], 'az1'),
                  host_res_aggregate(5, HOST_RES, [FAILED]),
                  host_res_aggregate(6, HOST_RES2, ['compute-2'])]
    assert [a['name'] for a in reservations.host_reservation_aggregates(
        aggregates, FAILED, NAMES)] == [HOST_RES]
