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

"""What one failure's view is made of, judged from literal answers."""

import dataclasses

from masakari_blazar.cloud import ledger
from masakari_blazar.decisions import failure
from masakari_blazar.decisions import model
from masakari_blazar.decisions import reservations

FAILED = 'compute-1'


def spare(name, reservation=None):
    return model.Spare(name, 'id-' + name, 'l-' + name, 'n-' + name,
                       reservation or 'res-' + name)


def claim(hostname, notification):
    return ledger.Claim(hostname, notification, '2026-03-01T10:00:00')


def lease(lease_id, status='ACTIVE', *reservations):
    return {'id': lease_id, 'status': status,
            'reservations': list(reservations)}


def test_the_claims_of_other_recoveries_are_held_elsewhere():
    claims = {'spare-1': claim('spare-1', 'n-1'),
              'spare-2': claim('spare-2', 'n-2')}
    mine = failure.claims_of(claims, 'n-1')

    assert list(mine) == ['spare-1']
    assert failure.FailureView(claims=claims, mine=mine).held_elsewhere == {
        'spare-2'}


def test_a_claimed_spare_is_not_free_while_blazar_still_lists_it():
    held = [spare('spare-1'), spare('spare-2')]

    assert failure.free_spares(held, {'spare-1': claim('spare-1', 'n')}) == [
        held[1]]


def test_only_host_reservations_of_active_leases_are_in_force():
    leases = [
        lease('now', 'ACTIVE', {'id': 'r-host',
                                'resource_type': 'physical:host'},
              {'id': 'r-inst', 'resource_type': 'virtual:instance'},
              {'id': 'r-untyped'}),
        lease('later', 'PENDING', {'id': 'r-later',
                                   'resource_type': 'physical:host'})]

    assert failure.active_host_reservations(leases) == {'r-host',
                                                        'r-untyped'}


def test_the_failed_host_s_reservations_leave_out_spares_and_others():
    leases = [lease('l', 'ACTIVE', {'id': 'r-2'}, {'id': 'r-1'},
                    {'id': 'r-spare'}),
              lease('later', 'PENDING', {'id': 'r-later'})]
    blazar_hosts = [{'id': 7, 'hypervisor_hostname': FAILED},
                    {'id': 8, 'hypervisor_hostname': 'compute-2'}]
    allocations = [
        {'resource_id': '7', 'reservations': [
            {'id': 'r-2'}, {'id': 'r-1'}, {'id': 'r-later'},
            {'id': 'r-spare'}, {'id': 'r-2'}]},
        {'resource_id': '8', 'reservations': [{'id': 'r-other'}]}]

    assert failure.failed_host_reservations(
        FAILED, leases, blazar_hosts, allocations,
        [spare('x', reservation='r-spare')]) == ['r-1', 'r-2']


def vm(name, reservation_id=None):
    res = reservation_id and model.Reservation(reservation_id,
                                               model.HOST_RESERVATION)
    return model.Instance('uuid-' + name, name, model.Resources(1, 512, 1),
                          res)


def finder(*aggregates):
    return reservations.ReservationFinder(
        list(aggregates), FAILED, reservations.BlazarNames('freepool',
                                                           'blazar_'))


def aggregate(name, hosts):
    return {'name': name, 'hosts': hosts, 'availability_zone': 'blazar_x',
            'metadata': {}}


def test_healing_s_hosts_serve_their_reservation_once_each():
    found = finder(aggregate('r-1', ['compute-2', 'compute-9']),
                   aggregate('r-2', [FAILED, 'compute-3']))

    assert failure.healed_hosts(
        FAILED, [vm('a', 'r-1'), vm('b', 'r-1'), vm('c', 'r-2'), vm('d'),
                 vm('e', 'r-gone')], found) == [
        ('compute-2', 'r-1'), ('compute-9', 'r-1')]


def test_a_spare_with_instances_is_refused_whatever_its_disk():
    assert failure.occupied_spare_problem(model.Resources(0, 0, 40)) is None
    assert failure.occupied_spare_problem(model.Resources(1, 0, 0)) == (
        'it has instances (1 vCPU, 0 MB RAM, 0 GB disk in use); a spare '
        'must be empty')


def shared(name, lease_id='l-shared'):
    return model.Spare(name, 'id-' + name, lease_id, 'n-' + lease_id,
                       'res-' + lease_id, lease_size=3)


def view_of(pool, claims=None):
    return failure.FailureView(pool=pool, claims=claims or {},
                               held={s.hostname: s for s in pool})


def changed(view, claims, spares, notification='n-1'):
    return failure.changed_since(view, claims, spares, notification)


def test_a_plan_stands_when_no_claim_changed_since_it_was_read():
    view = view_of([spare('spare-1'), spare('spare-2')],
                   {'spare-9': claim('spare-9', 'n-9')})

    assert changed(view, dict(view.claims), ['spare-1']) == (
        [], False)


def test_a_planned_spare_claimed_since_is_taken_from_the_plan():
    view = view_of([spare('spare-1'), spare('spare-2')])
    now = {'spare-1': claim('spare-1', 'n-2')}

    assert changed(view, now, ['spare-1', 'spare-2']) == (
        ['spare-1'], False)


def test_another_spare_claimed_or_returned_elsewhere_leaves_the_plan():
    view = view_of([spare('spare-1'), spare('spare-2')],
                   {'spare-8': claim('spare-8', 'n-8')})
    now = {'spare-2': claim('spare-2', 'n-2')}

    assert changed(view, now, ['spare-1']) == ([], False)


def test_a_claim_in_the_lease_of_a_planned_spare_makes_the_view_stale():
    view = view_of([shared('spare-1'), shared('spare-2'),
                    shared('spare-3', 'l-other')])
    now = {'spare-2': claim('spare-2', 'n-2')}

    assert changed(view, now, ['spare-1']) == ([], True)
    assert changed(view, now, ['spare-3']) == ([], False)


def test_a_taken_spare_does_not_make_its_own_lease_stale():
    view = view_of([shared('spare-1'), shared('spare-2')])
    now = {'spare-1': claim('spare-1', 'n-2')}

    assert changed(view, now, ['spare-1']) == (
        ['spare-1'], False)


def test_a_planned_spare_taken_from_a_shared_lease_makes_the_others_stale():
    view = view_of([shared('spare-1'), shared('spare-2')])
    now = {'spare-1': claim('spare-1', 'n-2')}

    assert changed(view, now, ['spare-1', 'spare-2']) == (
        ['spare-1'], True)


def test_a_claim_by_another_engine_on_this_notification_makes_the_view_stale():
    """Masakari retries an errored notification in every engine at once.

    The other engine's claim is this notification's to reuse, so the plan
    that ignored it must be made again from a fresh read, not from a view
    that only loses the claimed spare.
    """
    view = view_of([spare('spare-1'), spare('spare-2')])
    now = {'spare-1': claim('spare-1', 'n-1')}

    assert changed(view, now, ['spare-2']) == (
        [], True)
    assert changed(view, now, ['spare-2'], 'n-2') == ([], False)


def test_this_notification_s_claims_unchanged_leave_the_view_standing():
    mine = {'spare-1': claim('spare-1', 'n-1')}
    view = dataclasses.replace(view_of([spare('spare-2')], dict(mine)),
                               mine=dict(mine))

    assert changed(view, dict(mine), ['spare-1']) == (
        [], False)
