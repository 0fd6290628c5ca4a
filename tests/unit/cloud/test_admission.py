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

"""Making a spare acceptable to its instances' reservations."""

import copy

from novaclient import exceptions as nova_exc
import pytest

from masakari_blazar.cloud import admission
from masakari_blazar.cloud import calls
from masakari_blazar.decisions import model
from masakari_blazar.decisions import reservations
from masakari_blazar import exceptions

HOST_RES = '0f5e2ad1-7b4a-4c39-9d0e-6f1b8d3c2a10'
OLD_RES = '51c0a3b7-22d4-4e8f-a1b9-0c7d6e5f4a32'
INST_RES = '9a7c3e21-4b5d-4f6a-8e9b-1c2d3e4f5a6b'
NAMES = reservations.BlazarNames('freepool', 'blazar_')


def test_resource_class_is_blazars_custom_class():
    assert reservations.resource_class(INST_RES) == (
        'CUSTOM_RESERVATION_9A7C3E21_4B5D_4F6A_8E9B_1C2D3E4F5A6B')


def _agg(agg_id, name, hosts=(), az=None, metadata=None):
    meta = dict(metadata or {})
    if az:
        meta['availability_zone'] = az
    return {'id': agg_id, 'name': name, 'availability_zone': az,
            'hosts': list(hosts), 'metadata': meta}


@pytest.mark.parametrize('aggregate,expected', [
    (_agg(5, HOST_RES, az='blazar_' + HOST_RES,
          metadata={'blazar:owner': 'p'}), True),
    (_agg(6, INST_RES, metadata={'reservation': INST_RES}), True),
    (_agg(1, 'freepool'), False),
    (_agg(2, 'rack-1', az='az1'), False),
    (_agg(3, 'masakari-blazar-claims',
          metadata={'claim:spare-a': '{}'}), False),
    (_agg(4, 'ssd', metadata=None), False),
])
def test_is_reservation_aggregate(aggregate, expected):
    assert NAMES.is_reservation(aggregate) is expected


def test_a_host_reservation_is_told_by_the_configured_zone_prefix():
    aggregate = _agg(5, HOST_RES, az='lease_' + HOST_RES)
    assert not NAMES.is_reservation(aggregate)
    assert reservations.BlazarNames('freepool', 'lease_').is_reservation(
        aggregate)


def test_aggregate_with_null_metadata_is_not_a_reservation():
    agg = _agg(4, 'ssd')
    agg['metadata'] = None
    assert not NAMES.is_reservation(agg)


# Joining host reservations through a stand-in for novaclient ------------

class _Aggregate(object):
    def __init__(self, data):
        self._data = copy.deepcopy(data)
        self.hosts = self._data['hosts']

    def to_dict(self):
        return copy.deepcopy(self._data)


class _Aggregates(object):
    """Nova's aggregate API with its 409 on a zone conflict."""

    def __init__(self, aggregates):
        self.data = {a['id']: a for a in aggregates}
        self.actions = []

    def list(self):
        return [_Aggregate(a) for a in self.data.values()]

    def get(self, agg_id):
        return _Aggregate(self.data[agg_id])

    def add_host(self, agg_id, host):
        agg = self.data[agg_id]
        if host in agg['hosts']:
            raise nova_exc.Conflict(409, 'Aggregate %s already has host %s.'
                                    % (agg_id, host))
        for other in self.data.values():
            if (host in other['hosts'] and agg['availability_zone'] and
                    other['availability_zone'] not in (
                        None, agg['availability_zone'])):
                raise nova_exc.Conflict(
                    409, 'Cannot add host to aggregate %s. Reason: One or '
                    'more hosts already in availability zone(s)' % agg_id)
        agg['hosts'].append(host)
        self.actions.append(('add', agg['name'], host))

    def remove_host(self, agg_id, host):
        agg = self.data[agg_id]
        if host not in agg['hosts']:
            raise nova_exc.NotFound(404, 'not found')
        agg['hosts'].remove(host)
        self.actions.append(('remove', agg['name'], host))


class FakeClients(object):
    def __init__(self, aggregates):
        self.nova = type('Nova', (), {})()
        self.nova.aggregates = _Aggregates(aggregates)
        self.call = calls.Caller(0, 0, 0)


HOST_R = model.Reservation(HOST_RES, model.HOST_RESERVATION, 'p')


def _host_res_agg(agg_id, res_id, hosts=()):
    return _agg(agg_id, res_id, hosts, az='blazar_' + res_id,
                metadata={'blazar:owner': 'p'})


def test_join_adds_the_spare_to_the_reservation_aggregate():
    clients = FakeClients([_host_res_agg(5, HOST_RES, ['compute-2'])])
    done = admission.Admission(clients, NAMES).join('spare-a', HOST_R, 2)
    assert clients.nova.aggregates.data[5]['hosts'] == [
        'compute-2', 'spare-a']
    assert len(done) == 1 and 'added spare-a' in done[0]


def test_join_leaves_another_blazar_zone_first():
    clients = FakeClients([_host_res_agg(5, HOST_RES),
                           _host_res_agg(6, OLD_RES, ['spare-a']),
                           _agg(7, 'ssd', ['spare-a'])])
    admission.Admission(clients, NAMES).join('spare-a', HOST_R, 1)
    assert clients.nova.aggregates.actions == [
        ('remove', OLD_RES, 'spare-a'), ('add', HOST_RES, 'spare-a')]
    assert clients.nova.aggregates.data[7]['hosts'] == ['spare-a']


def test_join_refuses_a_spare_in_an_operator_zone():
    clients = FakeClients([_host_res_agg(5, HOST_RES),
                           _agg(2, 'rack-1', ['spare-a'], az='az1')])
    with pytest.raises(exceptions.ClaimError, match='rack-1 with zone az1'):
        admission.Admission(clients, NAMES).join('spare-a', HOST_R, 1)
    assert clients.nova.aggregates.actions == []


def test_join_is_idempotent():
    clients = FakeClients([_host_res_agg(5, HOST_RES, ['spare-a'])])
    assert admission.Admission(clients, NAMES).join('spare-a', HOST_R, 1) == []
    assert clients.nova.aggregates.actions == []


def test_conflict_because_already_there_is_accepted():
    # Another engine added the host between our read and our add.
    clients = FakeClients([_host_res_agg(5, HOST_RES)])
    aggregates = clients.nova.aggregates
    stale = aggregates.list()
    aggregates.data[5]['hosts'].append('spare-a')
    aggregates.list = lambda: stale
    admission.Admission(clients, NAMES).join('spare-a', HOST_R, 1)
    assert aggregates.data[5]['hosts'] == ['spare-a']


def test_conflict_for_a_zone_is_not_taken_for_already_there():
    clients = FakeClients([_host_res_agg(5, HOST_RES)])
    aggregates = clients.nova.aggregates
    # A zone conflict Nova sees but our stale read did not.
    stale = aggregates.list()
    aggregates.data[9] = _agg(9, 'rack-9', ['spare-a'], 'az9')
    aggregates.list = lambda: stale
    with pytest.raises(exceptions.ClaimError, match='Nova refuses to add'):
        admission.Admission(clients, NAMES).join('spare-a', HOST_R, 1)
    assert aggregates.data[5]['hosts'] == []


def test_join_of_a_vanished_reservation_says_so():
    clients = FakeClients([])
    with pytest.raises(exceptions.ClaimError, match='no longer exists'):
        admission.Admission(clients, NAMES).join('spare-a', HOST_R, 1)


# Joining an availability zone ---------------------------------------------

def test_a_spare_joins_the_zone_s_aggregate_that_sets_only_the_zone():
    clients = FakeClients([
        _agg(1, 'az1-gpu', ['compute-1'], az='az1', metadata={'gpu': 'yes'}),
        _agg(2, 'az1-rack', ['compute-2'], az='az1'),
        _agg(3, 'az2', az='az2'), _agg(4, 'freepool', ['spare-a'])])
    joins = admission.Admission(clients, NAMES)

    aggregate = joins.zone_aggregate('spare-a', 'az1')
    assert aggregate['name'] == 'az1-rack'
    assert joins.join_zone('spare-a', aggregate) == [
        'added spare-a to aggregate az1-rack of availability zone az1']
    # Again, as after a crash: found there, nothing to do.
    again = joins.zone_aggregate('spare-a', 'az1')
    assert again['name'] == 'az1-rack'
    assert joins.join_zone('spare-a', again) == []
    assert clients.nova.aggregates.actions == [
        ('add', 'az1-rack', 'spare-a')]


@pytest.mark.parametrize('aggregates,message', [
    ([_agg(1, 'az2', ['spare-a'], az='az2'), _agg(2, 'az1', az='az1')],
     'Spare spare-a is in aggregate az2 of availability zone az2, so Nova '
     'cannot add it to zone az1 as well'),
    ([_agg(2, 'az2', az='az2'), _host_res_agg(5, HOST_RES)],
     'No Nova aggregate has availability zone az1 any more, so spare-a '
     'cannot join it'),
])
def test_a_zone_the_spare_cannot_join_is_told(aggregates, message):
    clients = FakeClients(aggregates)
    with pytest.raises(exceptions.ClaimError, match=message):
        admission.Admission(clients, NAMES).zone_aggregate('spare-a', 'az1')
    assert clients.nova.aggregates.actions == []


def test_leaving_the_joined_aggregate_twice_is_fine():
    clients = FakeClients([_agg(2, 'az1-rack', ['spare-a'], az='az1')])
    joins = admission.Admission(clients, NAMES)
    assert joins.leave_aggregate('spare-a', 'az1-rack') == [
        'removed spare-a from aggregate az1-rack']
    assert joins.leave_aggregate('spare-a', 'az1-rack') == []
