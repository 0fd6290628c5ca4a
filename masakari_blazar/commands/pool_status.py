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
what the next recovery will decide on.
"""

import dataclasses
import typing

from masakari_blazar.cloud import inventory
from masakari_blazar.decisions import headroom

FREE = 'free'


@dataclasses.dataclass
class SpareRow(object):
    hostname: str
    lease: str
    state: str
    az: typing.Optional[str]
    free: typing.Optional[dict]
    used: typing.Optional[dict]


def _resources(res):
    return dataclasses.asdict(res) if res is not None else None


def pool_rows(recovery):
    """One :class:`SpareRow` per free or claimed spare, by host name."""
    inv = recovery.inventory
    claims = recovery.ledger.read()
    spares = inv.spares(inv.leases(), inv.blazar_hosts(), inv.allocations())
    aggregates = inv.aggregates()
    services = inv.services()
    hypervisors = inv.hypervisors()
    rows = []
    leases = {s.hostname: s.lease_name for s in spares}
    for hostname, claim in claims.items():
        leases.setdefault(hostname, claim.lease or '')
    for hostname in sorted(leases):
        problem = inventory.health_problem(
            hostname, services.get(hostname), hypervisors.get(hostname))
        free = used = None
        if hostname in hypervisors:
            free, used = inv.free_resources(hypervisors[hostname]['id'])
        if hostname in claims:
            claim = claims[hostname]
            state = 'claimed by notification %s since %s' % (
                claim.notification, claim.since)
        elif problem:
            state = 'unhealthy: %s' % problem
        elif used and (used.vcpus or used.memory_mb):
            state = 'unhealthy: it has instances (%s in use)' % used
        else:
            state = FREE
        rows.append(SpareRow(
            hostname, leases[hostname], state,
            inventory.home_az(hostname, aggregates, inv.freepool),
            _resources(free), _resources(used)))
    return rows


def warnings(rows, min_size):
    """Warnings about the pool's size; ``min_size`` 0 turns them off."""
    free = sum(1 for r in rows if r.state == FREE)
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
        same_segment preference; None when Masakari's database was not
        read.
    """
    rows = pool_rows(recovery)
    free = {r.hostname for r in rows if r.state == FREE}
    room = headroom.headroom(
        recovery, would_move, free,
        segment_hosts=lambda host: (peers or {}).get(host, ()))
    return {'spares': rows,
            'headroom': room,
            'warnings': warnings(rows, recovery.opts.pool_min_size)}


def as_json(pool_report):
    """:func:`report`'s result with the rows as plain dicts."""
    return dict(pool_report, spares=[dataclasses.asdict(r)
                                     for r in pool_report['spares']])
