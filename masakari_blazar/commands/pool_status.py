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

"""The spare pool as an operator wants to see it.

Free spares come from Blazar; claimed ones from the claim ledger, since a
claimed spare has left Blazar.  Health and capacity come from Nova and
Placement, exactly as the recovery reads them, so what the operator sees is
what the next recovery will decide on.  Masakari's segments only feed the
``same_segment`` preference, so the pool is shown without them, with a
note, when Masakari's API cannot be read.
"""

import dataclasses
import json

from masakari_blazar.cloud import masakari_api
from masakari_blazar.cloud import pool_reader
from masakari_blazar.commands import metrics
from masakari_blazar.commands import tables
from masakari_blazar.decisions import evacuees
from masakari_blazar.decisions import headroom
from masakari_blazar.decisions import model
from masakari_blazar.decisions import planner as planner_mod
from masakari_blazar.decisions import resource_request
from masakari_blazar.decisions import segments as segments_mod
from masakari_blazar.decisions import stalled_claims
from masakari_blazar import exceptions
from masakari_blazar.power import loader as power_loader
from masakari_blazar.recovery import spare_recovery

# The exit status when the pool is below pool_min_size, for monitoring.
BELOW_MINIMUM = 3


def warnings(rows, min_size):
    """Warnings about the pool's size; ``min_size`` 0 turns them off."""
    free = sum(1 for r in rows if r.state == pool_reader.FREE)
    if not min_size or free >= min_size:
        return []
    if not free:
        return ['the spare pool has no free spare: a host failure now gets '
                'no spare (see no_spare_action)']
    return ['only %d free spare(s), below [masakari_blazar] pool_min_size '
            '(%d)' % (free, min_size)]


def report(recovery, would_move, peers=None):
    """The pool (:class:`SpareRow` objects), its headroom and warnings.

    :param would_move: Masakari's choice of the instances a failure moves
        (:func:`masakari_blazar.decisions.evacuees.selector`).
    :param peers: ``{hostname: hosts of its Masakari segment}``, for the
        same_segment preference; None when Masakari's API was not read.
    """
    rows = pool_reader.pool_rows(recovery)
    free = {r.hostname for r in rows if r.state == pool_reader.FREE}
    room = plan_headroom(
        recovery, would_move, free,
        segment_hosts=lambda host: (peers or {}).get(host, ()))
    return {'spares': rows,
            'headroom': room,
            'warnings': warnings(rows, recovery.opts.pool_min_size)}


def as_json(pool_report):
    """:func:`report`'s result with the rows as plain dicts."""
    return dict(pool_report, spares=[dataclasses.asdict(r)
                                     for r in pool_report['spares']])


def _servers_by_host(recovery):
    by_host = {}
    for server in recovery.inventory.servers():
        host = server.get('OS-EXT-SRV-ATTR:host')
        if host:
            by_host.setdefault(host, []).append(server)
    return by_host


def plan_headroom(recovery, would_move, free_spares, segment_hosts=None):
    """The pool's headroom now, as a JSON-ready dict.

    :param recovery: a
        :class:`masakari_blazar.recovery.spare_recovery.SpareRecovery`.
    :param would_move: ``f(server dict)``, Masakari's choice of what moves
        (:func:`masakari_blazar.decisions.evacuees.selector`).
    :param free_spares: names of the free spares, which are not failures
        to plan.
    :param segment_hosts: ``f(hostname)`` giving the hosts of its Masakari
        segment, for the ``same_segment`` preference.
    """
    services = recovery.inventory.services()
    loads = {}
    moving = {}
    for host, servers in _servers_by_host(recovery).items():
        service = services.get(host) or {}
        # A host that is already down has failed; its recovery is not
        # ahead of the pool any more.
        if (host in free_spares or service.get('state') != 'up' or
                service.get('forced_down')):
            continue
        chosen = [s for s in servers if would_move(s)]
        if not chosen:
            continue
        moving[host] = [s['id'] for s in chosen]
        loads[host] = model.Resources()
        for server in chosen:
            loads[host] += resource_request.from_flavor(
                server.get('flavor') or {},
                volume_backed=not server.get('image')).resources
    order = headroom.failure_order(loads)
    opts = recovery.opts
    planner = planner_mod.from_options(
        opts, fallback=planner_mod.FALLBACK_SCHEDULER)
    segment_hosts = segment_hosts or (lambda host: ())

    def failures():
        for host in order:
            yield host, recovery.read(host, moving[host],
                                      segment_hosts=segment_hosts(host))

    absorbed, limit = headroom.absorb(planner, failures())
    return {'headroom': len(absorbed),
            'loaded_hosts': len(order),
            'absorbed': [s.to_dict() for s in absorbed],
            'limit': limit.to_dict() if limit else None}


def read_power(power, rows):
    """Fill in each spare's power state; notes on those not read.

    A BMC that does not answer leaves the rest of the pool worth seeing,
    so its spare shows ``unknown`` and a note says why.
    """
    if not power.manages_power:
        return []
    notes = []
    for row in rows:
        try:
            row.power = power.power_state(row.hostname) or 'unknown'
        except exceptions.RecoveryError as exc:
            row.power = 'unknown'
            notes.append('the power of %s was not read: %s' % (
                row.hostname, exc))
    return notes


def cold_note(rows):
    """Say that the headroom leaves the cold spares out, and why."""
    cold = sorted(r.hostname for r in rows if r.cold)
    if not cold:
        return []
    return ['%d cold spare(s) (%s) are not in the headroom: a recovery '
            'powers one on only for what the warm spares cannot hold, and '
            'waits for it to boot ("masakari-blazar pool warm" or "pool '
            'balance" warms them ahead)' % (len(cold), ', '.join(cold))]


def stalled(recovery, masakari, segments, rows):
    """Lines on the claimed spares whose recovery has stopped for good."""
    names = {member.uuid: member.name for segment in segments
             for member in segment.members}
    used = {row.hostname: bool(row.used and (row.used.get('vcpus') or
                                             row.used.get('memory_mb')))
            for row in rows}
    lines = []
    for hostname, claim in sorted(recovery.ledger.read().items()):
        if claim.notification is None:
            # Its row already says who frees it: nobody Masakari knows.
            continue
        found = masakari.notification_source(claim.notification)
        status, source = found if found else (None, None)
        line = stalled_claims.advice(hostname, claim.notification, status,
                                     names.get(source),
                                     used.get(hostname, False))
        if line:
            lines.append(line)
    return lines


def main(conf, output_format='table'):
    """Show the pool; :data:`BELOW_MINIMUM` when it is below the minimum.

    The output is complete either way, so that monitoring can act on the
    status and a person still reads everything.
    """
    recovery = spare_recovery.SpareRecovery(conf)
    power = power_loader.load(conf, recovery.clients)
    masakari = masakari_api.MasakariApi(conf, recovery.clients)
    segments, unread = masakari.segments_or_reason()
    result = report(recovery, evacuees.selector(conf),
                    segments_mod.peers(segments) if unread is None else None)
    result['notes'] = [] if unread is None else [
        'Masakari\'s segments were not read (%s): the headroom is planned '
        'without the same_segment preference' % unread]
    result['notes'].extend(read_power(power, result['spares']))
    result['notes'].extend(cold_note(result['spares']))
    result['attention'] = []
    if unread is None:
        try:
            result['attention'] = stalled(recovery, masakari, segments,
                                          result['spares'])
        except exceptions.ApiError as exc:
            result['notes'].append(
                'Masakari\'s notifications were not read (%s): spares '
                'held by failed recoveries are not told apart' % exc)
    if output_format == 'json':
        print(json.dumps(as_json(result), indent=2, sort_keys=True))
    elif output_format == 'openmetrics':
        print(metrics.openmetrics(result, recovery.opts.pool_min_size),
              end='')
    else:
        if result['spares']:
            print(tables.pool_table(result['spares']))
        else:
            print('The spare pool is empty: no ACTIVE lease matches '
                  '[masakari_blazar] spare_lease_prefix / spare_lease_ids.')
        print()
        for note in result['notes']:
            print('Note: %s' % note)
        print(headroom.summary(result['headroom']))
        for line in result['attention']:
            print('ATTENTION: %s' % line)
        for warning in result['warnings']:
            print('WARNING: %s' % warning)
    return BELOW_MINIMUM if result['warnings'] else 0
