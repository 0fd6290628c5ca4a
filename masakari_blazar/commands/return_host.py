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

"""``masakari-blazar return HOST``: a repaired, empty host (back) into the
spare pool.

The steps (:func:`masakari_blazar.decisions.host_return.steps`) are read
afresh and run under the claim lock, as a recovery's claim would, so that
an interrupted return is finished by the next one.  Masakari is asked
whether a claim's recovery has ended, and which segment the host is in, to
say what is left to do there.
"""

from masakari_blazar.cloud import claim_lock
from masakari_blazar.cloud import host_state
from masakari_blazar.cloud import masakari_api
from masakari_blazar.decisions import host_return
from masakari_blazar.decisions import reserved_flags
from masakari_blazar.decisions import segments as segments_mod
from masakari_blazar import exceptions
from masakari_blazar.recovery import spare_recovery


def _status_reader(masakari, hostname):
    """Masakari's status of a claim's notification, or why it is unknown.

    A claim whose recovery may still run must stay, so not knowing is a
    refusal.
    """
    def status(notification_uuid):
        try:
            return masakari.notification_status(notification_uuid)
        except exceptions.ApiError as exc:
            raise exceptions.RecoveryError(
                '%s is claimed by notification %s and Masakari cannot say '
                'whether that recovery has ended: %s' % (
                    hostname, notification_uuid, exc)) from exc
    return status


def read_state(recovery, masakari, hostname):
    """The host's state, or None when it is already a spare.

    :raises RecoveryError: in one line, when the host cannot return.
    """
    state = host_state.read_state(recovery, hostname,
                                  _status_reader(masakari, hostname))
    reason = host_return.refusal(state)
    if reason:
        raise exceptions.RecoveryError(reason)
    if not recovery.return_steps(state):
        print('%s is already a spare (lease %s, %s); nothing to do' % (
            hostname, state.spare_lease, state.spare_lease_status))
        return None
    return state


def _masakari_notes(masakari, hostname, sync_reserved):
    """Set the host's reserved flag back, and say what is left to do.

    The claim cleared the flag of a spare in a reserved-host segment, as
    Masakari's own flow clears the host it uses; with
    ``sync_masakari_reserved`` the return sets it again, so that the
    segment's flow offers the host once more.  Until the new lease is
    ACTIVE an offer of it is passed over for Blazar's free spares.
    """
    segments, unread = masakari.segments_or_reason()
    if unread:
        return ['Note: Masakari\'s segments were not read (%s): clear '
                '%s\'s maintenance there and run "masakari-blazar '
                'sync-reserved" if its segment needs them' % (
                    unread, hostname)]
    segment = segments_mod.segment_of(segments, hostname)
    notes = []
    if segment and hostname in segment.on_maintenance:
        notes.append(
            'Masakari still has %s on maintenance in segment %s; clear it '
            'once the host should be monitored again: openstack segment '
            'host update --on_maintenance False %s %s' % (
                hostname, segment.name, segment.name, hostname))
    if segment and segment.recovery_method in \
            reserved_flags.RESERVED_METHODS:
        notes.append(_set_reserved(masakari, segment, hostname)
                     if sync_reserved else
                     'Segment %s uses %s: run "masakari-blazar '
                     'sync-reserved" once the new lease is ACTIVE' % (
                         segment.name, segment.recovery_method))
    return [note for note in notes if note]


def _set_reserved(masakari, segment, hostname):
    member = [m for m in segment.members if m.name == hostname][0]
    if member.reserved:
        return None
    try:
        masakari.set_reserved(segment, member, reserved=True)
    except exceptions.ApiError as exc:
        return ('Note: could not set the Masakari reserved flag of %s in '
                'segment %s (%s): run "masakari-blazar sync-reserved" once '
                'the new lease is ACTIVE' % (hostname, segment.name, exc))
    return ('Set the Masakari reserved flag of %s in segment %s (%s), so '
            'that its reserved-host flow offers it again' % (
                hostname, segment.name, segment.recovery_method))


def main(conf, hostname, dry_run=False):
    """Return ``hostname`` to the pool, or with ``dry_run`` say how."""
    recovery = spare_recovery.SpareRecovery(conf)
    masakari = masakari_api.MasakariApi(conf, recovery.clients)
    if dry_run:
        state = read_state(recovery, masakari, hostname)
        if state is not None:
            print('Would, for %s:' % hostname)
            for number, step in enumerate(recovery.return_steps(state), 1):
                print('  %d. %s' % (number, step.text))
        return 0
    with claim_lock.spare_pool_lock(conf):
        state = read_state(recovery, masakari, hostname)
        if state is None:
            return 0
        leased = any(step.action == host_return.LEASE
                     for step in recovery.return_steps(state))
        report = recovery.return_to_pool(state)
    for line in report:
        print(line)
    if leased:
        print('Blazar starts the lease at once; %s is a free spare when the '
              'lease is ACTIVE ("masakari-blazar pool status").' % hostname)
    for line in _masakari_notes(
            masakari, hostname,
            recovery.opts.sync_masakari_reserved):
        print(line)
    return 0
