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

"""``masakari-blazar plan HOST``: what a failure of HOST would do now.

It reads the cloud exactly as the claim task does
(:meth:`SpareRecovery.read`) and plans with the same
:class:`~masakari_blazar.decisions.planner.Planner`, but claims nothing:
only read calls are made, so asking changes nothing.  Masakari's side is
modelled too, because it decides what the plugin is asked: which instances move
(``[host_failure]``), and for reserved-host methods which hosts Masakari
offers, in which order, and what happens when none is usable.
"""

import json

from masakari.objects import fields

from masakari_blazar.cloud import masakari_api
from masakari_blazar.commands import tables
from masakari_blazar.decisions import evacuees
from masakari_blazar.decisions import model
from masakari_blazar.decisions import planner as planner_mod
from masakari_blazar.decisions import reservations
from masakari_blazar.decisions import segments as segments_mod
from masakari_blazar import exceptions
from masakari_blazar.recovery import spare_recovery

METHODS = fields.FailoverSegmentRecoveryMethod


def offers(recovery_method, reserved):
    """What the claim task would be offered, try after try.

    None stands for the auto flow, a host name for one try of the
    reserved-host flow (Masakari's retry offers each reserved host in
    turn); the ``*_priority`` methods run the other flow when the first
    fails.
    """
    reserved = list(reserved)
    if recovery_method == METHODS.RESERVED_HOST:
        return reserved
    if recovery_method == METHODS.AUTO_PRIORITY:
        return [None] + reserved
    if recovery_method == METHODS.RH_PRIORITY:
        return reserved + [None]
    return [None]


def choose(planner, view, tries):
    """Plan as the flows would: the first try the planner accepts wins.

    :returns: the :class:`Plan` (None if every try fails) and the
        ``(offered host, reason)`` pairs of the tries that failed.
    """
    refused = []
    for offered in tries:
        try:
            return planner.plan(view.instances, view.targets,
                                view.failed_az, offered), refused
        except (exceptions.SpareUnusable, exceptions.NoSpareFits) as exc:
            refused.append((offered, str(exc)))
    return None, refused


def detach_text(spare):
    """How the claim would take ``spare`` out of Blazar."""
    if spare.lease_size <= 1:
        how = 'its lease %s would be deleted' % spare.lease_name
    else:
        how = ('it would leave lease %s, which holds %d spares (reallocate '
               'API where Blazar offers it, else the lease is replaced by '
               'one lease per remaining spare)' % (spare.lease_name,
                                                   spare.lease_size))
    return '%s, and the host removed from Blazar' % how


def join_text(hostname, entry):
    """The changes that admit one reservation, or join a zone."""
    if entry['kind'] == model.ZONE:
        return ('join an aggregate of availability zone %s for %d '
                'instance(s) pinned there; "return" takes it out again' % (
                    entry['id'], entry['count']))
    reservation = model.Reservation(entry['id'], entry['kind'],
                                    entry.get('project_id'))
    text = 'join aggregate %s of %s for %d instance(s)' % (
        entry['id'], reservation, entry['count'])
    if entry['kind'] == model.INSTANCE_RESERVATION:
        text += ', with inventory for %d more %s on resource provider %s%s' % (
            entry['count'], reservations.resource_class(entry['id']),
            reservations.CHILD_PREFIX, hostname)
    return text


def fallback_text(no_spare_action):
    if no_spare_action == planner_mod.FALLBACK_FAIL:
        return ('no_spare_action = fail: the recovery would end in ERROR '
                'before claiming or moving anything')
    return ('no_spare_action = scheduler: evacuated without a target host, '
            'the Nova scheduler chooses')


def error_outcome(refused, segment):
    """Why the recovery would end in ERROR, when no try succeeds."""
    if refused:
        return 'The recovery would end in ERROR: %s' % refused[-1][1]
    return ('The recovery would end in ERROR: Masakari lists no usable '
            'reserved host in segment %s and raises ReservedHostsUnavailable '
            'before any task runs' % (segment.name if segment else '?'))


def notes(hostname, segment, segment_known=True):
    """What Masakari would do with the notification before any task runs.

    A host outside every segment, or on maintenance, gets no recovery at
    all, whatever the plan says.
    """
    if segment is None and segment_known:
        return ['%s is in no Masakari segment: Masakari refuses a '
                'notification for it; this plan assumes the auto flow' %
                hostname]
    if segment and hostname in segment.on_maintenance:
        return ['Masakari has %s on maintenance: it ignores notifications '
                'for it until that is cleared' % hostname]
    return []


def instance_rows(instances, plan):
    """One row per instance that would move, with its target.

    The rows are in the order the instances get spares and start
    evacuating, so that the operator sees who goes first; ``skipped``
    names the spares Placement has no candidate on for the instance's
    flavor, and why.
    """
    return [{'name': instance.name, 'id': instance.uuid,
             'needs': str(instance.request),
             'skipped': dict(plan.refusals.get(instance.uuid, {}))
             if plan else {},
             'priority': instance.priority,
             'reservation': str(instance.reservation)
             if instance.reservation else None,
             'target': plan.moves.get(instance.uuid) if plan else None}
            for instance in planner_mod.evacuation_order(instances)]


def target_rows(plan, pool, names):
    """One row per target host: why it was chosen and what it would cost.

    :param pool: the free spares, to tell a spare (which the claim takes
        out of Blazar) from a host already in the reservation.
    :param names: instance names by id.
    """
    spares = {s.hostname: s for s in pool}
    rows = []
    for target in sorted(set(t for t in plan.moves.values() if t)):
        spare = spares.get(target)
        rows.append({
            'host': target,
            'kind': 'spare' if spare else 'already in the reservation',
            'lease': spare.lease_name if spare else None,
            'why': plan.reasons.get(target, ''),
            'instances': sorted(names[u] for u in plan.instances_on(target)),
            'detach': detach_text(spare) if spare else None,
            'changes': [join_text(target, e)
                        for e in plan.joins.get(target, [])]})
    return rows


def fallback_rows(plan, names, no_spare_action):
    """One row per instance no target holds, and what then happens."""
    return [{'instance': names[uuid], 'id': uuid, 'reason': reason,
             'then': fallback_text(no_spare_action)}
            for uuid, reason in sorted(plan.unplaced.items())]


def outcome(plan, targets):
    """The plan in one line: how much would move, and onto how many hosts."""
    moved = sum(1 for t in plan.moves.values() if t)
    return '%d of %d instance(s) would move to %d host(s)%s' % (
        moved, len(plan.moves), targets,
        '; %d left to no_spare_action' % len(plan.unplaced)
        if plan.unplaced else '')


def describe(hostname, view, plan, refused, segment, no_spare_action,
             segment_known=True):
    """The plan as a JSON-ready dict; ``plan`` None when every try failed.

    When ``no_spare_action`` is ``fail`` the instances that fit nowhere
    are still listed, from a plan with the scheduler fallback, so that
    the operator sees what is missing.

    :param view: the failure's :class:`failure.FailureView`.
    """
    names = {i.uuid: i.name for i in view.instances}
    report = {
        'host': hostname,
        'segment': segment.name if segment else None,
        'recovery_method': segment.recovery_method if segment else
        METHODS.AUTO,
        'refused_offers': [{'offered': o or 'auto flow', 'reason': r}
                           for o, r in refused],
        'instances': [],
        'targets': [],
        'fallback': [],
        'notes': notes(hostname, segment, segment_known) + (
            plan.notes if plan else []),
    }
    if not view.instances:
        report['outcome'] = (
            'Nothing would move: %s has no instance that Masakari would '
            'evacuate, so its recovery ends at once' % hostname)
        return report
    report['instances'] = instance_rows(view.instances, plan)
    if plan is None:
        report['outcome'] = error_outcome(refused, segment)
        return report
    report['targets'] = target_rows(plan, view.pool, names)
    report['fallback'] = fallback_rows(plan, names, no_spare_action)
    report['outcome'] = outcome(plan, len(report['targets']))
    return report


def plan_failure(recovery, hostname, would_move, segment=None, peers=(),
                 segment_known=True):
    """What a failure of ``hostname`` would do now; changes nothing.

    :param would_move: Masakari's choice of what moves
        (:func:`masakari_blazar.decisions.evacuees.selector`).
    :param segment: the host's
        :class:`masakari_blazar.decisions.segments.Segment`, or None.
    :param peers: the hosts of that segment.
    :param segment_known: False when Masakari's API could not be read,
        so that a missing segment is not taken for a host in none.
    """
    inv = recovery.inventory
    if (hostname not in inv.services() and
            hostname not in inv.hypervisors()):
        raise exceptions.RecoveryError(
            'unknown host %s: Nova has no nova-compute service of that '
            'name' % hostname)
    moving = [s['id'] for s in inv.servers_on(hostname) if would_move(s)]
    view = recovery.read(hostname, moving, segment_hosts=peers)
    opts = recovery.opts
    planner = planner_mod.from_options(opts)
    # Masakari takes the failed host out of its own reserved list.
    reserved = [h for h in (segment.reserved if segment else [])
                if h != hostname]
    tries = offers(segment.recovery_method if segment else METHODS.AUTO,
                   reserved)
    plan, refused = choose(planner, view, tries)
    shown = plan
    if plan is None and tries and \
            opts.no_spare_action == planner_mod.FALLBACK_FAIL:
        # Show what is missing: plan the last try again as if the fallback
        # were the scheduler.
        lenient = planner_mod.from_options(
            opts, fallback=planner_mod.FALLBACK_SCHEDULER)
        shown, _ = choose(lenient, view, tries[-1:])
    report = describe(hostname, view, shown, refused, segment,
                      opts.no_spare_action, segment_known)
    if plan is None and view.instances:
        report['outcome'] = error_outcome(refused, segment)
    return report


def as_text(report):
    """The plan for people, one fact a line."""
    lines = ['If %s failed now (segment %s, recovery_method %s):' % (
        report['host'], report['segment'] or '-', report['recovery_method'])]
    for note in report['notes']:
        lines.append('  Note: %s' % note)
    for offer in report['refused_offers']:
        lines.append('  Masakari would offer %s: refused: %s' % (
            offer['offered'], offer['reason']))
    if report['instances']:
        lines.append('')
        lines.append(tables.table(
            [dict(i, reservation=i['reservation'] or '-',
                  target=i['target'] or '(no spare)')
             for i in report['instances']],
            [('name', 'INSTANCE'), ('id', 'ID'), ('priority', 'PRIORITY'),
             ('needs', 'NEEDS'),
             ('reservation', 'RESERVATION'), ('target', 'WOULD GO TO')]))
        for instance in report['instances']:
            for host, why in sorted(instance['skipped'].items()):
                lines.append('  %s cannot go to %s: %s' % (
                    instance['name'], host, why))
    for target in report['targets']:
        lines.append('')
        lines.append('%s (%s%s): %s' % (
            target['host'], target['kind'],
            ', lease %s' % target['lease'] if target['lease'] else '',
            ', '.join(target['instances'])))
        lines.append('  why: %s' % target['why'])
        if target['detach']:
            lines.append('  claim: recorded in the claim ledger; %s' %
                         target['detach'])
        for change in target['changes']:
            lines.append('  then: %s' % change)
    if report['fallback']:
        lines.append('')
        lines.append('No spare for:')
        for item in report['fallback']:
            lines.append('  %s (%s): %s; %s' % (
                item['instance'], item['id'], item['reason'], item['then']))
    lines.append('')
    lines.append(report['outcome'] + '.')
    lines.append('Nothing was changed.')
    return '\n'.join(lines)


def main(conf, hostname, output_format='text'):
    """Print the plan of ``hostname``'s failure; changes nothing."""
    recovery = spare_recovery.SpareRecovery(conf)
    segments, unread = masakari_api.MasakariApi(
        conf, recovery.clients).segments_or_reason()
    segment = segments_mod.segment_of(segments or (), hostname)
    report = plan_failure(
        recovery, hostname, evacuees.selector(conf), segment=segment,
        peers=segment.hosts if segment else (),
        segment_known=unread is None)
    if unread:
        report['notes'].append(
            'Masakari\'s segments were not read (%s): the segment, its '
            'recovery_method and reserved hosts are unknown' % unread)
    if output_format == 'json':
        print(json.dumps(report, indent=2, sort_keys=True))
    else:
        print(as_text(report))
    return 0
