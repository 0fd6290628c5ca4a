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

"""Putting a host back into the pool: refusals and steps."""

import dataclasses

import pytest

from masakari_blazar.cloud import ledger
from masakari_blazar.decisions import host_return
from masakari_blazar.decisions import reservations

CLAIM = ledger.Claim('spare-1', 'n-1', '2026-01-01T00:00:00')


def state(**fields):
    fields.setdefault('registered', False)
    return host_return.HostState('spare-1', **fields)


def actions(found):
    return [s.action for s in host_return.steps(
        found, 'masakari-spare', 10, 'claims', 'freepool')]


@pytest.mark.parametrize('fields,start', [
    ({'known': False}, 'unknown host spare-1'),
    ({'problem': 'nova-compute is down'},
     'spare-1 cannot be a spare: nova-compute is down'),
    ({'servers': ['b', 'a']}, 'spare-1 still holds 2 server(s) (a, b)'),
    ({'other_lease': 'user', 'other_lease_status': 'ACTIVE'},
     'spare-1 is allocated to Blazar lease user (ACTIVE)'),
    ({'spare_lease': 'masakari-spare-spare-1',
      'spare_lease_status': 'TERMINATING'},
     'spare-1 is still allocated to spare lease masakari-spare-spare-1, '
     'which is TERMINATING'),
    ({'home_az': 'az-1'}, 'spare-1 is in availability zone az-1'),
    ({'claim': CLAIM, 'notification_status': 'running'},
     'spare-1 is claimed by notification n-1, which is still running'),
])
def test_refusals(fields, start):
    assert host_return.refusal(state(**fields)).startswith(start)


def test_an_unhealthy_host_is_told_to_restart_nova_compute_first():
    """Nova refuses --up while its done evacuations are not cleaned up."""
    text = host_return.refusal(state(problem='nova-compute is disabled'))

    assert text.endswith(
        'a spare must be up and enabled: once it is repaired, restart '
        'nova-compute on it, then run "openstack compute service set '
        '--enable --up spare-1 nova-compute"')


def test_a_claim_of_an_ended_recovery_is_no_refusal():
    assert host_return.refusal(state(claim=CLAIM,
                                     notification_status='finished')) is None


def test_a_claimed_spare_undoes_its_joins_then_returns():
    found = state(claim=CLAIM, reservation_aggregates=['r-1'],
                  provider='blazar_spare-1', in_freepool=True)

    assert actions(found) == [
        host_return.LEAVE_RESERVATIONS, host_return.DELETE_PROVIDER,
        host_return.LEAVE_FREEPOOL, host_return.REGISTER, host_return.LEASE,
        host_return.DROP_CLAIM]
    texts = [s.text for s in host_return.steps(found, 'masakari-spare', 10,
                                               'claims', 'blazar-free')]
    assert texts[2].startswith('remove spare-1 from aggregate blazar-free')
    assert texts[-2] == ('create the spare lease masakari-spare-spare-1 '
                         'holding only spare-1, for 10 days')
    assert texts[-1] == ('drop the claim of notification n-1 on spare-1 '
                         'from aggregate claims')


def test_a_registered_host_keeps_blazar_s_own_provider():
    found = state(registered=True, in_freepool=True,
                  provider='blazar_spare-1')

    assert actions(found) == [host_return.LEASE]


def test_a_claim_on_a_host_still_in_its_lease_is_only_dropped():
    found = state(registered=True, claim=CLAIM,
                  spare_lease='masakari-spare-spare-1',
                  spare_lease_status='ACTIVE')

    assert actions(found) == [host_return.DROP_CLAIM]


def test_a_spare_needs_nothing():
    assert actions(state(registered=True, spare_lease='l',
                         spare_lease_status='PENDING')) == []


def test_a_plain_host_is_registered_and_leased():
    assert actions(state()) == [host_return.REGISTER, host_return.LEASE]


def test_the_leases_holding_a_host_are_found_through_its_allocations():
    leases = [{'id': 'l-1', 'reservations': [{'id': 'r-1'}, {'id': 'r-2'}]},
              {'id': 'l-2', 'reservations': [{'id': 'r-3'}]},
              {'id': 'l-3', 'reservations': [{'id': 'r-4'}]}]
    allocations = [
        {'resource_id': 5, 'reservations': [{'id': 'r-1'}, {'id': 'r-2'},
                                            {'id': 'r-3'}, {'id': 'r-x'}]},
        {'resource_id': 6, 'reservations': [{'id': 'r-4'}]}]

    assert host_return.leases_holding('5', allocations, leases) == [
        leases[0], leases[1]]


def test_a_spare_lease_counts_in_any_status_another_until_it_ended():
    found = state()
    host_return.set_leases(found, [
        {'id': 'l-s', 'name': 'masakari-spare-spare-1', 'status': 'ERROR',
         'project_id': 'ops'},
        {'id': 'l-old', 'name': 'old', 'status': 'TERMINATED',
         'project_id': 'ops'},
        {'id': 'l-next', 'status': 'PENDING', 'project_id': 'ops'}],
        'masakari-spare', [], 'ops')

    assert (found.spare_lease, found.spare_lease_status) == (
        'masakari-spare-spare-1', 'ERROR')
    assert (found.other_lease, found.other_lease_status) == (
        'l-next', 'PENDING')


def test_the_aggregates_tell_freepool_zone_and_reservations():
    found = state()
    host_return.set_aggregates(found, [
        {'name': 'freepool', 'hosts': ['spare-1']},
        {'name': 'r-2', 'hosts': ['spare-1'],
         'availability_zone': 'blazar_r-2'},
        {'name': 'r-1', 'hosts': ['spare-1'],
         'metadata': {'reservation': 'r-1'}},
        {'name': 'r-3', 'hosts': ['spare-2'],
         'availability_zone': 'blazar_r-3'},
        {'name': 'rack', 'hosts': ['spare-1'], 'availability_zone': 'az-1'}],
        reservations.BlazarNames('freepool', 'blazar_'))

    assert (found.in_freepool, found.home_az) == (True, 'az-1')
    assert found.reservation_aggregates == ['r-1', 'r-2']


ZONE_AGGREGATES = [
    {'name': 'rack-a', 'hosts': ['spare-1'], 'availability_zone': 'az-1'},
    {'name': 'freepool', 'hosts': []}]
NAMES = reservations.BlazarNames('freepool', 'blazar_')


def test_the_zone_the_claim_joined_is_undone_first_and_no_refusal():
    claim = dataclasses.replace(CLAIM, joined='rack-a')
    found = state(claim=claim, notification_status='finished')
    host_return.set_aggregates(found, ZONE_AGGREGATES, NAMES)

    assert (found.home_az, found.joined_aggregate) == (None, 'rack-a')
    assert host_return.refusal(found) is None
    assert actions(found) == [host_return.LEAVE_ZONE, host_return.REGISTER,
                              host_return.LEASE, host_return.DROP_CLAIM]
    assert host_return.steps(found, 'masakari-spare', 10, 'claims',
                             'freepool')[0].text == (
        'remove spare-1 from aggregate rack-a of availability zone az-1, '
        'which the claim joined')


@pytest.mark.parametrize('claim', [
    CLAIM, dataclasses.replace(CLAIM, joined='rack-b')])
def test_a_zone_the_claim_did_not_join_is_the_operator_s(claim):
    found = state(claim=claim, notification_status='finished')
    host_return.set_aggregates(found, ZONE_AGGREGATES, NAMES)

    assert (found.home_az, found.joined_aggregate) == ('az-1', None)
    assert host_return.refusal(found).startswith(
        'spare-1 is in availability zone az-1 outside Blazar')


def test_a_joined_zone_already_left_needs_no_step():
    claim = dataclasses.replace(CLAIM, joined='rack-a')
    found = state(claim=claim, notification_status='finished')
    host_return.set_aggregates(found, [{'name': 'rack-a', 'hosts': [],
                                        'availability_zone': 'az-1'}], NAMES)

    assert host_return.LEAVE_ZONE not in actions(found)
