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
"""Cold spares: when a spare may be powered off, and the steps there and
back.

A spare that is powered off goes down in Nova, and Blazar's host monitor
takes a down or disabled host for a failed one: it heals the spare lease
that holds it, taking another free host or losing the lease
(``doc/source/design.rst``, "Cold spares").  So a cold spare is kept
outside Blazar, disabled in Nova, and recorded in the claim ledger, where
no recovery claims it and nothing loses it.  Every step below is decided
from the state read afresh, so that a run interrupted anywhere is finished
by the next one.

Cooling: record the spare as cold in the ledger (under the claim lock, as
a claim is recorded), disable its nova-compute (before it leaves Blazar,
so that the scheduler never sees an enabled plain host), delete its spare
lease and its Blazar host, then power it off.

Warming: power it on, wait until nova-compute reports up, register it in
Blazar while still disabled (into ``freepool``, where the BlazarFilter
keeps every request without a reservation away), enable it, wait until
Blazar holds it reservable (a monitor that polled it while disabled marked
it unreservable; with no allocation that heals nothing), create its spare
lease, and drop the ledger record.
"""

import dataclasses
import typing

from masakari_blazar.decisions import host_return

#: The ``disabled_reason`` of a cold spare's nova-compute, which tells
#: an operator reading ``openstack compute service list`` who did it.
DISABLED_REASON = 'masakari-blazar: cold spare, powered off'

RECORD = 'record'
DISABLE = 'disable'
DETACH = 'detach'
UNREGISTER = 'unregister'
POWER_OFF = 'power_off'
POWER_ON = 'power_on'
WAIT_UP = 'wait_up'
ENABLE = 'enable'
WAIT_RESERVABLE = 'wait_reservable'

# The power driver's words (masakari_blazar.power.driver), which the
# decisions take as plain strings.
ON = 'on'
OFF = 'off'
POWERING_ON = 'powering on'
POWERING_OFF = 'powering off'


@dataclasses.dataclass
class PowerFacts(object):
    """What the cloud says of a spare's power and of its nova-compute."""

    power: typing.Optional[str]
    service_enabled: bool
    service_up: bool
    #: Nova's ``updated_at`` of the service: its last heartbeat.
    heartbeat: typing.Optional[str] = None


def is_cold(state):
    return bool(state.claim and state.claim.cold)


def cool_refusal(state, facts, managed):
    """Why the host of ``state`` may not be cooled now, or None.

    Only a free spare is cooled: one that a recovery may be moving
    instances to, or that holds servers, must stay on.  A host already
    recorded cold is finished whatever else it looks like.

    :param managed: whether a power driver manages the spares.
    """
    name = state.hostname
    if not managed:
        return ('cannot cool %s: [masakari_blazar] power_driver is none, so '
                'the plugin could not power it on again; set it to ironic '
                'or redfish' % name)
    if not state.known:
        return ('unknown host %s: Nova has no nova-compute service of that '
                'name' % name)
    if is_cold(state):
        return None
    if state.claim:
        return ('%s is claimed by %s: only a free spare is cooled' % (
            name, state.claim.owner))
    if not state.spare_lease or state.spare_lease_status != 'ACTIVE':
        return ('%s is not a free spare (no ACTIVE spare lease holds it): '
                'only a free spare is cooled' % name)
    if state.problem:
        return ('%s is unhealthy (%s): repair it before cooling it, or a '
                'warm-up would bring the problem back' % (name,
                                                          state.problem))
    if state.servers:
        return ('%s holds %d server(s) (%s): only an empty spare is '
                'cooled' % (name, len(state.servers),
                            ', '.join(sorted(state.servers))))
    return None


def cool_steps(state, facts, claim_aggregate):
    """The changes that make a free spare cold, in order."""
    name = state.hostname
    todo = []
    if not is_cold(state):
        todo.append(host_return.Step(
            RECORD, 'record %s as cold in aggregate %s, where no recovery '
            'claims it' % (name, claim_aggregate)))
    if facts.service_enabled:
        todo.append(host_return.Step(
            DISABLE, 'disable nova-compute on %s ("%s")' % (
                name, DISABLED_REASON)))
    if state.spare_lease:
        todo.append(host_return.Step(
            DETACH, 'take %s out of spare lease %s and out of Blazar' % (
                name, state.spare_lease)))
    elif state.registered:
        todo.append(host_return.Step(
            UNREGISTER, 'remove %s from Blazar' % name))
    if facts.power not in (OFF, POWERING_OFF):
        todo.append(host_return.Step(POWER_OFF, 'power %s off' % name))
    return todo


def warm_refusal(state):
    """Why the host of ``state`` is no cold spare to warm, or None."""
    if not state.known:
        return ('unknown host %s: Nova has no nova-compute service of that '
                'name' % state.hostname)
    if not is_cold(state):
        return ('%s is not a cold spare (the claim ledger does not record '
                'it so)' % state.hostname)
    return None


def warm_steps(state, facts, return_steps):
    """The changes that make a cold spare a free spare again, in order.

    :param return_steps: :func:`host_return.steps` of ``state``: Blazar's
        side of the way back is that of any host returned to the pool.
        The service is enabled after the host is registered, so that
        Blazar's ``freepool`` holds it before the scheduler may see it.
    """
    name = state.hostname
    todo = []
    if facts.power not in (ON, POWERING_ON):
        todo.append(host_return.Step(POWER_ON, 'power %s on' % name))
    # Always: Nova calls a host that lost power up for a while, so what
    # it said when this was decided does not tell a booted host.
    todo.append(host_return.Step(
        WAIT_UP, 'wait until nova-compute on %s reports up' % name))
    for step in return_steps:
        if step.action == host_return.LEASE:
            if not facts.service_enabled:
                todo.append(host_return.Step(
                    ENABLE, 'enable nova-compute on %s' % name))
            todo.append(host_return.Step(
                WAIT_RESERVABLE, 'wait until Blazar holds %s reservable' %
                name))
        todo.append(step)
    return todo


def balance(warm, cold, warm_count):
    """Which spares to cool, and which to warm, to keep ``warm_count`` warm.

    Cold spares are not used by a recovery until they are warm, so the
    warm ones are kept spread over the zones: each spare cooled is taken
    from the zone with the most warm spares, and each one warmed goes to
    the zone with the fewest, so that a zone keeps a warm spare as long as
    the count allows.  Ties go by zone name, then by host name, so that
    every run chooses alike.

    :param warm: ``(hostname, zone)`` of the free, healthy, warm spares.
    :param cold: ``(hostname, zone)`` of the cold spares.
    :param warm_count: how many free spares to keep warm; None leaves
        the pool as the operator made it.
    :returns: ``(to_cool, to_warm)``, lists of host names.
    """
    if warm_count is None:
        return [], []
    by_zone = {}
    for name, zone in warm:
        by_zone.setdefault(zone or '', []).append(name)
    to_cool = []
    for _ in range(len(warm) - warm_count):
        zone = max(sorted(by_zone), key=lambda z: len(by_zone[z]))
        to_cool.append(sorted(by_zone[zone]).pop())
        by_zone[zone].remove(to_cool[-1])
    to_warm = []
    waiting = sorted(cold)
    for _ in range(min(len(cold), warm_count - len(warm))):
        zone_of = dict(waiting)
        name = min((name for name, _ in waiting), key=lambda n: (
            len(by_zone.get(zone_of[n] or '', [])), n))
        to_warm.append(name)
        by_zone.setdefault(zone_of[name] or '', []).append(name)
        waiting = [entry for entry in waiting if entry[0] != name]
    return to_cool, to_warm
