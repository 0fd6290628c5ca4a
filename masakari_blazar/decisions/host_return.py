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

"""Putting a host (back) into the spare pool: what stands in the way, and
the steps.

Two callers need this: a recovery that moved nothing gives its claimed
spares back (``SpareRecovery.release``), and an operator returns a
repaired host (``masakari-blazar return``).  Both read the host's state
from the cloud with :func:`read_state`, so that a re-run after a crash
carries on where the last one stopped, and both run the steps that
:func:`steps` decides; the operator's command also shows them
(``--dry-run``) and first checks :func:`refusal`.
"""

import dataclasses
import typing

from masakari_blazar.decisions import hosts
from masakari_blazar.decisions import spare_pool

# Blazar lease statuses in which a lease holds, or will hold, its hosts.
LIVE_LEASE = ('PENDING', 'STARTING', 'ACTIVE', 'UPDATING')
# Blazar lease statuses in which a lease holds nothing any more.
ENDED = ('TERMINATED', 'DELETED')
# Masakari notification statuses of a recovery still under way.
UNDER_WAY = ('new', 'running')

LEAVE_ZONE = 'leave_zone'
LEAVE_RESERVATIONS = 'leave_reservations'
DELETE_PROVIDER = 'delete_provider'
LEAVE_FREEPOOL = 'leave_freepool'
REGISTER = 'register'
LEASE = 'lease'
DROP_CLAIM = 'drop_claim'


@dataclasses.dataclass
class HostState(object):
    """What the cloud says about one host, as far as returning it goes."""

    hostname: str
    known: bool = True
    problem: typing.Optional[str] = None
    servers: typing.List[str] = dataclasses.field(default_factory=list)
    claim: typing.Any = None
    notification_status: typing.Optional[str] = None
    spare_lease: typing.Optional[str] = None
    spare_lease_status: typing.Optional[str] = None
    other_lease: typing.Optional[str] = None
    other_lease_status: typing.Optional[str] = None
    registered: bool = False
    in_freepool: bool = False
    home_az: typing.Optional[str] = None
    #: The zone aggregate the claim's recovery added the host to, while
    #: the host is still in it.
    joined_aggregate: typing.Optional[str] = None
    joined_zone: typing.Optional[str] = None
    reservation_aggregates: typing.List[str] = dataclasses.field(
        default_factory=list)
    provider: typing.Optional[str] = None


def leases_holding(blazar_id, allocations, leases):
    """The leases whose reservations hold the Blazar host ``blazar_id``.

    :param allocations: Blazar's ``os-hosts/allocations`` list.
    :param leases: Blazar's lease list.
    """
    by_reservation = {r['id']: lease for lease in leases
                      for r in lease.get('reservations', [])}
    found = []
    for allocation in allocations:
        if str(allocation['resource_id']) != blazar_id:
            continue
        for reservation in allocation.get('reservations', []):
            lease = by_reservation.get(reservation['id'])
            if lease is not None and lease not in found:
                found.append(lease)
    return found


def set_leases(state, holding, prefix, lease_ids, project_id):
    """Fill in the spare lease and the other lease that hold the host.

    A spare lease counts whatever its status, so that :func:`refusal` can
    say it is still ending; another lease counts until it has ended, since
    until then it may take the host.

    :param holding: the leases holding the host (:func:`leases_holding`).
    """
    for lease in holding:
        status = lease.get('status')
        if spare_pool.is_spare_lease(lease, prefix, lease_ids, project_id):
            state.spare_lease = lease.get('name') or lease['id']
            state.spare_lease_status = status
        elif status not in ENDED:
            state.other_lease = lease.get('name') or lease['id']
            state.other_lease_status = status


def set_aggregates(state, aggregates, names):
    """Fill in what Nova's aggregates say of the host.

    :param aggregates: Nova's aggregate list, as dicts.
    :param names: Blazar's aggregate names
        (:class:`masakari_blazar.decisions.reservations.BlazarNames`).
    """
    name = state.hostname
    state.in_freepool = any(a['name'] == names.freepool and
                            name in a.get('hosts', []) for a in aggregates)
    joined = state.claim.joined if state.claim else None
    for aggregate in aggregates:
        if (aggregate['name'] == joined and not names.owns(aggregate) and
                name in aggregate.get('hosts', [])):
            state.joined_aggregate = joined
            state.joined_zone = aggregate.get('availability_zone')
    # The zone the claim joined is the plugin's to undo, not the
    # operator's: it is no zone that keeps the host out of the pool.
    state.home_az = hosts.home_az(
        name, [a for a in aggregates if a['name'] != state.joined_aggregate],
        names)
    state.reservation_aggregates = sorted(
        a['name'] for a in aggregates
        if name in a.get('hosts', []) and names.is_reservation(a))


@dataclasses.dataclass(frozen=True)
class Step(object):
    """One change; ``text`` says what it does, for --dry-run and reports."""

    action: str
    text: str


def refusal(state):
    """Why an operator may not return this host now, or None.

    A spare must be healthy and empty (the planner would refuse it
    anyway, and Blazar deletes every server on a host when a lease starts
    on it), must belong to no other lease, and must be able to join a
    Blazar aggregate, which Nova refuses for a host that has an
    availability zone of its own.  A spare claimed by a recovery that is
    still running may be about to receive instances.
    """
    name = state.hostname
    if not state.known:
        return ('unknown host %s: Nova has no nova-compute service of that '
                'name' % name)
    if state.claim and state.claim.cold:
        return ('%s is a cold spare, powered off: "masakari-blazar pool '
                'warm %s" powers it on and returns it' % (name, name))
    if state.problem:
        # Nova refuses to force a service up while "done" evacuation
        # migrations from its host remain; a starting nova-compute
        # completes them, so the restart comes first.
        return ('%s cannot be a spare: %s; a spare must be up and enabled: '
                'once it is repaired, restart nova-compute on it, then run '
                '"openstack compute service set --enable --up %s '
                'nova-compute"' % (name, state.problem, name))
    if state.servers:
        return ('%s still holds %d server(s) (%s); a spare must be empty: '
                'migrate or delete them first' % (
                    name, len(state.servers),
                    ', '.join(sorted(state.servers))))
    if state.other_lease:
        return ('%s is allocated to Blazar lease %s (%s), which is not a '
                'spare lease; it can only become a spare once that lease no '
                'longer holds it' % (name, state.other_lease,
                                     state.other_lease_status))
    if state.spare_lease and state.spare_lease_status not in LIVE_LEASE:
        return ('%s is still allocated to spare lease %s, which is %s; '
                'try again once Blazar has ended it' % (
                    name, state.spare_lease, state.spare_lease_status))
    if state.home_az:
        return ('%s is in availability zone %s outside Blazar; Nova refuses '
                'a second zone, so a spare lease could not start on it: '
                'take it out of that zone\'s aggregate first' % (
                    name, state.home_az))
    if state.claim and state.notification_status in UNDER_WAY:
        return ('%s is claimed by notification %s, which is still %s: its '
                'instances may be on their way there' % (
                    name, state.claim.notification,
                    state.notification_status))
    return None


def steps(state, prefix, days, claim_aggregate, freepool):
    """The changes that make ``state``'s host a free spare, in order.

    The claim goes last, so that an interrupted return is finished by the
    next one.  A host already in a spare lease only loses its claim (a
    recovery that stopped between claiming and detaching).  Blazar owns
    the ``blazar_<host>`` provider of a host it has registered, so the
    plugin deletes it only for a host outside Blazar, where only the
    plugin's own admission can have created it.
    """
    name = state.hostname
    todo = []
    if state.spare_lease:
        if state.claim:
            todo.append(_drop_claim(state, claim_aggregate))
        return todo
    if state.joined_aggregate:
        # Blazar records the zone a host has when it registers it, and its
        # lease puts the host into an aggregate of a zone of its own.
        todo.append(Step(LEAVE_ZONE, 'remove %s from aggregate %s of '
                         'availability zone %s, which the claim joined' % (
                             name, state.joined_aggregate,
                             state.joined_zone)))
    if state.reservation_aggregates:
        todo.append(Step(LEAVE_RESERVATIONS, 'remove %s from reservation '
                         'aggregate(s) %s' % (name, ', '.join(
                             state.reservation_aggregates))))
    if not state.registered:
        if state.provider:
            todo.append(Step(DELETE_PROVIDER, 'delete Placement resource '
                             'provider %s and the reservation inventory on '
                             'it' % state.provider))
        if state.in_freepool:
            todo.append(Step(LEAVE_FREEPOOL, 'remove %s from aggregate %s, '
                             'where Blazar puts it again when it registers '
                             'it' % (name, freepool)))
        todo.append(Step(REGISTER, 'register %s in Blazar' % name))
    todo.append(Step(LEASE, 'create the spare lease %s holding only %s, '
                     'for %d days' % (spare_pool.spare_lease_name(
                         prefix, name), name, days)))
    if state.claim:
        todo.append(_drop_claim(state, claim_aggregate))
    return todo


def _drop_claim(state, claim_aggregate):
    return Step(DROP_CLAIM, 'drop the claim of %s on %s from aggregate %s'
                % (state.claim.owner, state.hostname, claim_aggregate))
