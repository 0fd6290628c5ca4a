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

"""Reading the spare pool out of Blazar's answers.

The literals have the shapes python-blazarclient 4.6.0 returns:
``lease.list()`` gives the ``leases`` of ``GET /v1/leases``,
``host.list()`` the ``hosts`` of ``GET /v1/os-hosts`` (ids are strings) and
``allocation.list('os-hosts')`` the ``allocations`` of
``GET /v1/os-hosts/allocations``.
"""

import pytest

from masakari_blazar.decisions import model
from masakari_blazar.decisions import spare_pool

OPS = 'b2c5a1e0c3f94f6e8a1f6f1c1e0d0a01'
USER = '5d6c7b8a9f0e4d3c2b1a0f9e8d7c6b5a'
PREFIX = 'masakari-spare'


def reservation(res_id, lease_id, count=1):
    return {'id': res_id, 'lease_id': lease_id,
            'resource_id': 'rp-%s' % res_id,
            'resource_type': 'physical:host', 'status': 'active',
            'min': count, 'max': count,
            'hypervisor_properties': '', 'resource_properties': '',
            'before_end': 'default', 'missing_resources': False,
            'resources_changed': False,
            'created_at': '2026-01-01 00:00:00', 'updated_at': None}


def lease(lease_id, name, res_ids, status='ACTIVE', project=OPS):
    return {'id': lease_id, 'name': name, 'status': status,
            'degraded': False, 'project_id': project, 'user_id': USER,
            'trust_id': 'trust-%s' % lease_id,
            'start_date': '2026-01-01T00:00:00.000000',
            'end_date': '2036-01-01T00:00:00.000000',
            'created_at': '2026-01-01 00:00:00', 'updated_at': None,
            'reservations': [reservation(r, lease_id) for r in res_ids],
            'events': [{'id': 'ev-%s' % lease_id, 'lease_id': lease_id,
                        'event_type': 'start_lease', 'status': 'DONE',
                        'time': '2026-01-01T00:00:00.000000'}]}


def host(host_id, hostname):
    return {'id': host_id, 'hypervisor_hostname': hostname,
            'service_name': hostname, 'hypervisor_type': 'QEMU',
            'hypervisor_version': 8002000, 'vcpus': 32,
            'memory_mb': 131072, 'local_gb': 800, 'cpu_info': '{}',
            'reservable': True, 'trust_id': 'trust-host-%s' % host_id,
            'created_at': '2026-01-01 00:00:00', 'updated_at': None}


def allocation(host_id, *res_lease):
    return {'resource_id': host_id,
            'reservations': [{'id': r, 'lease_id': lease_id,
                              'start_date': '2026-01-01T00:00:00.000000',
                              'end_date': '2036-01-01T00:00:00.000000'}
                             for r, lease_id in res_lease]}


HOSTS = [host('1', 'compute-1'), host('2', 'spare-a'), host('3', 'spare-b'),
         host('4', 'spare-c'), host('5', 'compute-2')]


def read(leases, allocations, prefix=PREFIX, lease_ids=(), project=OPS,
         hosts=HOSTS):
    chosen = spare_pool.spare_leases(leases, prefix, list(lease_ids), project)
    return spare_pool.spares(chosen, allocations, hosts)


def test_one_lease_per_spare():
    leases = [lease('l-a', 'masakari-spare-spare-a', ['r-a']),
              lease('l-b', 'masakari-spare-spare-b', ['r-b'])]
    allocations = [allocation('2', ('r-a', 'l-a')),
                   allocation('3', ('r-b', 'l-b'))]
    assert read(leases, allocations) == [
        model.Spare('spare-a', '2', 'l-a', 'masakari-spare-spare-a', 'r-a',
                    lease_size=1),
        model.Spare('spare-b', '3', 'l-b', 'masakari-spare-spare-b', 'r-b',
                    lease_size=1),
    ]


def test_one_lease_holding_several_spares():
    leases = [lease('l-pool', 'masakari-spare-pool', ['r-pool'])]
    allocations = [allocation('4', ('r-pool', 'l-pool')),
                   allocation('2', ('r-pool', 'l-pool')),
                   allocation('3', ('r-pool', 'l-pool'))]
    found = read(leases, allocations)
    assert [s.hostname for s in found] == ['spare-a', 'spare-b', 'spare-c']
    assert {(s.lease_id, s.reservation_id, s.lease_size)
            for s in found} == {('l-pool', 'r-pool', 3)}
    assert [s.blazar_host_id for s in found] == ['2', '3', '4']


def test_lease_size_counts_the_spares_of_every_reservation_of_the_lease():
    # Deleting a lease frees every host of every one of its reservations,
    # so a spare of a two-reservation lease is not alone in its lease.
    leases = [lease('l-pool', 'masakari-spare-pool', ['r-1', 'r-2'])]
    allocations = [allocation('2', ('r-1', 'l-pool')),
                   allocation('3', ('r-2', 'l-pool'))]
    found = read(leases, allocations)
    assert [(s.hostname, s.reservation_id, s.lease_size)
            for s in found] == [('spare-a', 'r-1', 2),
                                ('spare-b', 'r-2', 2)]


def test_integer_resource_ids_match_string_host_ids():
    leases = [lease('l-a', 'masakari-spare-spare-a', ['r-a'])]
    assert [s.blazar_host_id for s in read(
        leases, [allocation(2, ('r-a', 'l-a'))])] == ['2']


@pytest.mark.parametrize('status', ['PENDING', 'STARTING', 'UPDATING',
                                    'TERMINATING', 'TERMINATED', 'ERROR',
                                    'DELETING'])
def test_leases_that_are_not_active_are_ignored(status):
    leases = [lease('l-a', 'masakari-spare-spare-a', ['r-a'], status=status),
              lease('l-b', 'masakari-spare-spare-b', ['r-b'])]
    allocations = [allocation('2', ('r-a', 'l-a')),
                   allocation('3', ('r-b', 'l-b'))]
    assert [s.hostname for s in read(leases, allocations)] == ['spare-b']


def test_allocations_of_other_leases_are_ignored():
    leases = [lease('l-a', 'masakari-spare-spare-a', ['r-a']),
              lease('l-user', 'my-experiment', ['r-user'], project=USER)]
    allocations = [
        allocation('2', ('r-a', 'l-a')),
        # A user's host, and a spare that also has a future user lease.
        allocation('1', ('r-user', 'l-user')),
        allocation('3', ('r-future', 'l-future')),
    ]
    found = read(leases, allocations)
    assert [(s.hostname, s.reservation_id) for s in found] == [
        ('spare-a', 'r-a')]


def test_allocation_of_an_unregistered_host_is_ignored():
    leases = [lease('l-a', 'masakari-spare-spare-a', ['r-a'])]
    assert read(leases, [allocation('99', ('r-a', 'l-a'))]) == []


def test_prefix_selects_leases_by_name():
    leases = [lease('l-a', 'masakari-spare-spare-a', ['r-a']),
              lease('l-b', 'other-spare-b', ['r-b'])]
    assert [x['id'] for x in spare_pool.spare_leases(
        leases, PREFIX, [], OPS)] == ['l-a']


def test_explicit_ids_select_leases_whatever_their_name():
    leases = [lease('l-a', 'masakari-spare-spare-a', ['r-a']),
              lease('l-b', 'ops-reserve', ['r-b']),
              lease('l-c', 'ops-reserve-2', ['r-c'])]
    assert [x['id'] for x in spare_pool.spare_leases(
        leases, PREFIX, ['l-b'], OPS)] == ['l-a', 'l-b']


def test_empty_prefix_means_only_explicit_ids():
    leases = [lease('l-a', 'masakari-spare-spare-a', ['r-a']),
              lease('l-b', 'ops-reserve', ['r-b'])]
    assert [x['id'] for x in spare_pool.spare_leases(
        leases, '', ['l-b'], OPS)] == ['l-b']
    assert spare_pool.spare_leases(leases, '', [], OPS) == []


def test_a_lease_without_a_name_never_matches_by_prefix():
    nameless = lease('l-a', None, ['r-a'])
    assert not spare_pool.is_spare_lease(nameless, PREFIX, [], OPS)


def test_project_owner_restricts_both_prefix_and_ids():
    leases = [lease('l-ops', 'masakari-spare-spare-a', ['r-a']),
              # An ordinary user copying the prefix, or an id listed by
              # mistake, must not turn a user's lease into spares.
              lease('l-user', 'masakari-spare-mine', ['r-u'], project=USER),
              lease('l-user2', 'reserve', ['r-u2'], project=USER)]
    chosen = spare_pool.spare_leases(leases, PREFIX, ['l-user2'], OPS)
    assert [x['id'] for x in chosen] == ['l-ops']


def test_without_a_spare_project_no_lease_is_a_spare():
    # The caller always knows the spare project (the configured one, or
    # the credentials'); not knowing it must never mean "any project".
    leases = [lease('l-user', 'masakari-spare-mine', ['r-u'], project=USER),
              lease('l-ops', 'masakari-spare-spare-a', ['r-a'])]
    assert spare_pool.spare_leases(leases, PREFIX, ['l-ops'], None) == []
    assert spare_pool.spare_leases(leases, PREFIX, ['l-ops'], '') == []


def test_spares_are_ordered_by_host_name_across_leases():
    leases = [lease('l-1', 'masakari-spare-c', ['r-1']),
              lease('l-2', 'masakari-spare-ab', ['r-2'])]
    allocations = [allocation('4', ('r-1', 'l-1')),
                   allocation('3', ('r-2', 'l-2')),
                   allocation('2', ('r-2', 'l-2'))]
    assert [s.hostname for s in read(leases, allocations)] == [
        'spare-a', 'spare-b', 'spare-c']
