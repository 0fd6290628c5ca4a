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

"""Taking a spare out of Blazar: lease shapes and lease surgery."""

import json

from blazarclient import exception as blazar_exc
import pytest

from masakari_blazar.cloud import blazar_spares
from masakari_blazar.cloud import calls
from masakari_blazar.decisions import model
from masakari_blazar.decisions import spare_pool
from masakari_blazar import exceptions


def test_spare_lease_name_joins_prefix_and_host():
    assert spare_pool.spare_lease_name(
        'masakari-spare', 'compute-7') == 'masakari-spare-compute-7'


def test_single_host_reservation_pins_the_hypervisor_hostname():
    res = spare_pool.single_host_reservation('compute-7')
    assert res['resource_type'] == 'physical:host'
    assert (res['min'], res['max']) == (1, 1)
    # Blazar takes hypervisor_properties as a JSON string of a filter.
    assert isinstance(res['hypervisor_properties'], str)
    assert json.loads(res['hypervisor_properties']) == [
        '=', '$hypervisor_hostname', 'compute-7']
    assert res['resource_properties'] == ''


# A small stand-in for python-blazarclient: it keeps leases, hosts and
# allocations, and answers the calls spare_leases makes the way the real
# client does (lists of dicts, BlazarClientException with kwargs['code']).

class _Leases(object):
    def __init__(self, cloud):
        self.cloud = cloud

    def delete(self, lease_id):
        if lease_id not in self.cloud.leases:
            raise blazar_exc.BlazarClientException(
                'ERROR: Object with id %s not found' % lease_id, code=404)
        self.cloud.events.append(('delete lease', lease_id))
        del self.cloud.leases[lease_id]
        self.cloud.allocations = [
            a for a in self.cloud.allocations
            if a['reservations'][0]['lease_id'] != lease_id]

    def create(self, name, start, end, reservations, events):
        self.cloud.events.append(('create lease', name))
        lease = {'id': 'new-%s' % name, 'name': name, 'status': 'PENDING',
                 'reservations': reservations}
        self.cloud.leases[lease['id']] = lease
        return lease


class _Hosts(object):
    def __init__(self, cloud):
        self.cloud = cloud
        self.request_manager = self

    def list(self):
        return list(self.cloud.hosts)

    def delete(self, host_id):
        self.cloud.events.append(('delete host', host_id))
        self.cloud.hosts = [h for h in self.cloud.hosts
                            if h['id'] != host_id]
        self.cloud.deleted_hosts.append(host_id)

    def put(self, path, body):
        if not self.cloud.reallocate:
            raise blazar_exc.BlazarClientException(
                'ERROR: The resource could not be found.', code=404)
        self.cloud.reallocated.append((path, body))
        # The fork with force: the host leaves the reservation.
        host_id = path.split('/')[2]
        self.cloud.allocations = [
            a for a in self.cloud.allocations
            if str(a['resource_id']) != host_id]
        return None, {'allocation': {}}


class _Allocations(object):
    def __init__(self, cloud):
        self.cloud = cloud

    def list(self, resource):
        assert resource == 'os-hosts'
        return list(self.cloud.allocations)

    def get(self, resource, host_id):
        assert resource == 'os-hosts'
        for allocation in self.cloud.allocations:
            if str(allocation['resource_id']) == str(host_id):
                return allocation
        return {'resource_id': host_id, 'reservations': []}


class FakeBlazar(object):
    def __init__(self, leases, hosts, allocations, reallocate=False):
        # The calls that change something, in order.
        self.events = []
        self.leases = {x['id']: x for x in leases}
        self.hosts = hosts
        self.allocations = allocations
        self.reallocate = reallocate
        self.reallocated = []
        self.deleted_hosts = []
        self.lease = _Leases(self)
        self.host = _Hosts(self)
        self.allocation = _Allocations(self)


class FakeLedger(object):
    """The journal of spares awaiting a lease, in memory.

    Its changes go into ``history``, which may be a FakeBlazar's events so
    that the order of both shows.
    """

    def __init__(self, history=None, claims=()):
        self.entries = {}
        self.history = [] if history is None else history
        self.claims = {h: 'claim' for h in claims}

    def read(self):
        return dict(self.claims)

    def pending(self):
        return dict(self.entries)

    def mark_pending(self, hostnames, lease_name):
        self.history.append(('mark', sorted(hostnames)))
        self.entries.update({h: lease_name for h in hostnames})

    def clear_pending(self, hostname):
        self.history.append(('clear', hostname))
        self.entries.pop(hostname, None)


class FakeClients(object):
    def __init__(self, blazar):
        self.blazar = blazar
        self.call = calls.Caller(0, 0, 0)


def _alloc(host_id, res_id, lease_id):
    return {'resource_id': host_id,
            'reservations': [{'id': res_id, 'lease_id': lease_id,
                              'start_date': '2026-01-01T00:00:00.000000',
                              'end_date': '2036-01-01T00:00:00.000000'}]}


HOSTS = [{'id': '2', 'hypervisor_hostname': 'spare-a'},
         {'id': '3', 'hypervisor_hostname': 'spare-b'},
         {'id': '4', 'hypervisor_hostname': 'spare-c'}]


def test_lone_spare_lease_is_deleted_and_host_removed(conf):
    blazar = FakeBlazar([{'id': 'l-a', 'name': 'masakari-spare-spare-a'}],
                        list(HOSTS), [_alloc('2', 'r-a', 'l-a')])
    leases = blazar_spares.SpareLeases(FakeClients(blazar), conf, FakeLedger())
    spare = model.Spare('spare-a', '2', 'l-a', 'masakari-spare-spare-a',
                        'r-a', lease_size=1)
    account = leases.detach(spare)
    assert 'l-a' not in blazar.leases
    assert blazar.deleted_hosts == ['2']
    assert 'deleted its spare lease masakari-spare-spare-a' in account


def test_split_keeps_the_spares_of_every_reservation_of_the_lease(conf):
    conf.set_override('reallocate_api', 'disabled', 'masakari_blazar')
    blazar = FakeBlazar(
        [{'id': 'l-pool', 'name': 'masakari-spare-pool'}], list(HOSTS),
        [_alloc('2', 'r-1', 'l-pool'), _alloc('3', 'r-1', 'l-pool'),
         _alloc('4', 'r-2', 'l-pool')])
    leases = blazar_spares.SpareLeases(FakeClients(blazar), conf, FakeLedger())
    spare = model.Spare('spare-a', '2', 'l-pool', 'masakari-spare-pool',
                        'r-1', lease_size=3)
    leases.detach(spare)
    assert sorted(x['name'] for x in blazar.leases.values()) == [
        'masakari-spare-spare-b', 'masakari-spare-spare-c']
    assert blazar.deleted_hosts == ['2']


def test_split_never_puts_a_spare_claimed_elsewhere_into_a_lease(conf):
    conf.set_override('reallocate_api', 'disabled', 'masakari_blazar')
    blazar = FakeBlazar(
        [{'id': 'l-pool', 'name': 'masakari-spare-pool'}], list(HOSTS),
        [_alloc('2', 'r-1', 'l-pool'), _alloc('3', 'r-1', 'l-pool'),
         _alloc('4', 'r-1', 'l-pool')])
    leases = blazar_spares.SpareLeases(FakeClients(blazar), conf, FakeLedger())
    spare = model.Spare('spare-a', '2', 'l-pool', 'masakari-spare-pool',
                        'r-1', lease_size=3)
    leases.detach(spare, held_elsewhere={'spare-c'})
    assert [x['name'] for x in blazar.leases.values()] == [
        'masakari-spare-spare-b']


def test_split_never_leases_a_spare_claimed_after_the_view_was_read(conf):
    """With the lock lost, another recovery anchored spare-c meanwhile."""
    conf.set_override('reallocate_api', 'disabled', 'masakari_blazar')
    blazar = FakeBlazar(
        [{'id': 'l-pool', 'name': 'masakari-spare-pool'}], list(HOSTS),
        [_alloc('2', 'r-1', 'l-pool'), _alloc('3', 'r-1', 'l-pool'),
         _alloc('4', 'r-1', 'l-pool')])
    leases = blazar_spares.SpareLeases(
        FakeClients(blazar), conf, FakeLedger(claims=['spare-a', 'spare-c']))
    spare = model.Spare('spare-a', '2', 'l-pool', 'masakari-spare-pool',
                        'r-1', lease_size=3)
    account = leases.detach(spare)
    assert [x['name'] for x in blazar.leases.values()] == [
        'masakari-spare-spare-b']
    assert 'one lease per remaining spare (spare-b)' in account


def test_split_without_a_prefix_is_a_config_error(conf):
    conf.set_override('reallocate_api', 'disabled', 'masakari_blazar')
    conf.set_override('spare_lease_prefix', '', 'masakari_blazar')
    blazar = FakeBlazar(
        [{'id': 'l-pool', 'name': 'ops-reserve'}], list(HOSTS),
        [_alloc('2', 'r-1', 'l-pool'), _alloc('3', 'r-1', 'l-pool')])
    leases = blazar_spares.SpareLeases(FakeClients(blazar), conf, FakeLedger())
    spare = model.Spare('spare-a', '2', 'l-pool', 'ops-reserve', 'r-1',
                        lease_size=2)
    with pytest.raises(exceptions.ConfigError, match='spare_lease_prefix'):
        leases.detach(spare)
    # Nothing was taken apart.
    assert 'l-pool' in blazar.leases
    assert blazar.deleted_hosts == []


def test_reallocate_api_swaps_the_spare_out_when_offered(conf):
    blazar = FakeBlazar(
        [{'id': 'l-pool', 'name': 'masakari-spare-pool'}], list(HOSTS),
        [_alloc('2', 'r-1', 'l-pool'), _alloc('3', 'r-1', 'l-pool')],
        reallocate=True)
    leases = blazar_spares.SpareLeases(FakeClients(blazar), conf, FakeLedger())
    spare = model.Spare('spare-a', '2', 'l-pool', 'masakari-spare-pool',
                        'r-1', lease_size=2)
    leases.detach(spare)
    assert blazar.reallocated == [(
        '/os-hosts/2/allocation',
        {'lease_id': 'l-pool', 'reservation_id': 'r-1', 'force': True})]
    assert list(blazar.leases) == ['l-pool']
    assert blazar.deleted_hosts == ['2']


def test_missing_reallocate_api_falls_back_to_splitting(conf):
    blazar = FakeBlazar(
        [{'id': 'l-pool', 'name': 'masakari-spare-pool'}], list(HOSTS),
        [_alloc('2', 'r-1', 'l-pool'), _alloc('3', 'r-1', 'l-pool')])
    leases = blazar_spares.SpareLeases(FakeClients(blazar), conf, FakeLedger())
    spare = model.Spare('spare-a', '2', 'l-pool', 'masakari-spare-pool',
                        'r-1', lease_size=2)
    leases.detach(spare)
    assert [x['name'] for x in blazar.leases.values()] == [
        'masakari-spare-spare-b']
    assert blazar.deleted_hosts == ['2']


def test_reallocate_that_keeps_the_host_falls_back_to_splitting(conf):
    """The allocation is read back after a reallocate, not assumed gone.

    A reallocate API without ``force`` leaves a host that has no
    replacement in its reservation.
    """
    blazar = FakeBlazar(
        [{'id': 'l-pool', 'name': 'masakari-spare-pool'}], list(HOSTS),
        [_alloc('2', 'r-1', 'l-pool'), _alloc('3', 'r-1', 'l-pool')],
        reallocate=True)
    blazar.host.put = lambda path, body: (
        blazar.reallocated.append((path, body)), {'allocation': {}})
    leases = blazar_spares.SpareLeases(FakeClients(blazar), conf, FakeLedger())
    spare = model.Spare('spare-a', '2', 'l-pool', 'masakari-spare-pool',
                        'r-1', lease_size=2)
    leases.detach(spare)
    assert len(blazar.reallocated) == 1
    assert [x['name'] for x in blazar.leases.values()] == [
        'masakari-spare-spare-b']
    assert blazar.deleted_hosts == ['2']


def test_split_journals_the_other_spares_until_each_has_a_lease(conf):
    """A crash between two of these calls loses no spare.

    Each spare the split leaves without a lease is journalled before the
    lease is deleted, and crossed out only once its own lease exists.
    """
    blazar = FakeBlazar(
        [{'id': 'l-pool', 'name': 'masakari-spare-pool'}], list(HOSTS),
        [_alloc('2', 'r-1', 'l-pool'), _alloc('3', 'r-1', 'l-pool'),
         _alloc('4', 'r-1', 'l-pool')])
    ledger = FakeLedger(history=blazar.events)
    leases = blazar_spares.SpareLeases(FakeClients(blazar), conf, ledger)
    conf.set_override('reallocate_api', 'disabled', 'masakari_blazar')
    spare = model.Spare('spare-a', '2', 'l-pool', 'masakari-spare-pool',
                        'r-1', lease_size=3)
    leases.detach(spare)
    assert blazar.events == [
        ('mark', ['spare-b', 'spare-c']),
        ('delete lease', 'l-pool'),
        ('create lease', 'masakari-spare-spare-b'),
        ('clear', 'spare-b'),
        ('create lease', 'masakari-spare-spare-c'),
        ('clear', 'spare-c'),
        ('delete host', '2')]


def test_finish_pending_gives_an_orphaned_spare_its_lease(conf):
    blazar = FakeBlazar([], list(HOSTS), [])
    ledger = FakeLedger()
    ledger.mark_pending(['spare-b'], 'masakari-spare-pool')
    leases = blazar_spares.SpareLeases(FakeClients(blazar), conf, ledger)
    lines = leases.finish_pending(ledger.pending())
    assert [x['name'] for x in blazar.leases.values()] == [
        'masakari-spare-spare-b']
    assert ledger.pending() == {}
    assert 'spare-b' in lines[0]


def test_finish_pending_gives_no_second_lease_to_a_spare_that_has_one(conf):
    """The split may have created its lease just before the crash."""
    blazar = FakeBlazar([{'id': 'l-b', 'name': 'masakari-spare-spare-b'}],
                        list(HOSTS), [_alloc('3', 'r-b', 'l-b')])
    ledger = FakeLedger(history=blazar.events)
    ledger.mark_pending(['spare-b', 'spare-c'], 'masakari-spare-pool')
    leases = blazar_spares.SpareLeases(FakeClients(blazar), conf, ledger)
    lines = leases.finish_pending(ledger.pending())
    assert blazar.events == [
        ('mark', ['spare-b', 'spare-c']),
        ('clear', 'spare-b'),
        ('create lease', 'masakari-spare-spare-c'),
        ('clear', 'spare-c')]
    assert len(lines) == 1 and 'spare-c' in lines[0]
