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

"""Topping the spare pool back up from free Blazar hosts.

A claim takes a spare out of the pool for good, so after one failure a
second one may find none.  Replenishing gives free Blazar hosts (registered,
in freepool, healthy, with no allocation) that match the operator's spare
profile (``spare_host_properties``, in Blazar's hypervisor_properties
syntax) a one-host spare lease each, until ``pool_min_size`` spares are
free or starting.  The choice is :func:`choose`, a plain function; the
largest matching hosts go first, since a spare must hold a whole failed
host's instances.
"""

import dataclasses
import json
import operator
import typing

from masakari_blazar.cloud import blazar_spares
from masakari_blazar.cloud import inventory
from masakari_blazar.commands import pool_status
from masakari_blazar.decisions import spare_pool
from masakari_blazar import exceptions

OPERATORS = {'=': operator.eq, '==': operator.eq, '!=': operator.ne,
             '<': operator.lt, '<=': operator.le, '>': operator.gt,
             '>=': operator.ge}
# A lease in these states will hold its host as a spare once Blazar starts
# it; its host counts toward the pool, or every run would add one more.
STARTING = ('PENDING', 'STARTING')


@dataclasses.dataclass(frozen=True)
class Condition(object):
    key: str
    op: str
    value: str

    def __str__(self):
        return '%s %s %s' % (self.key, self.op, self.value)


def _condition(item):
    if (isinstance(item, list) and len(item) == 3 and
            all(isinstance(x, str) for x in item) and
            item[0] in OPERATORS and item[1].startswith('$') and
            len(item[1]) > 1):
        return Condition(item[1][1:], item[0], item[2])
    return None


def parse_profile(text):
    """The conditions of a Blazar hypervisor_properties query.

    Blazar accepts one comparison ``[op, "$field", value]`` or ``["and",
    comparison, ...]``; so does this, and refuses anything else in one line
    rather than guessing.
    """
    if not (text or '').strip():
        return []
    try:
        query = json.loads(text)
    except ValueError as exc:
        raise exceptions.ConfigError(
            '[masakari_blazar] spare_host_properties is not JSON (%s): %s'
            % (exc, text))
    if query == []:
        return []
    single = _condition(query)
    if single:
        return [single]
    if (isinstance(query, list) and len(query) > 1 and query[0] == 'and'):
        parts = [_condition(item) for item in query[1:]]
        if all(parts):
            return parts
    raise exceptions.ConfigError(
        '[masakari_blazar] spare_host_properties is not a Blazar query: '
        'write [op, "$field", value] or ["and", [op, "$field", value], ...] '
        'with op one of %s: %s' % (' '.join(sorted(OPERATORS)), text))


def _number(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def matches(properties, conditions):
    """Whether a Blazar host (its fields and extra capabilities) matches.

    Numbers compare as numbers, anything else as text; a missing field
    matches nothing.
    """
    for condition in conditions:
        actual = properties.get(condition.key)
        if actual is None:
            return False
        compare = OPERATORS[condition.op]
        left, right = _number(actual), _number(condition.value)
        if left is None or right is None:
            left, right = str(actual), condition.value
        if not compare(left, right):
            return False
    return True


@dataclasses.dataclass
class Candidate(object):
    """A Blazar host, with what decides whether it may become a spare."""

    hostname: str
    properties: dict
    in_freepool: bool = True
    allocated: bool = False
    problem: typing.Optional[str] = None


def _size(candidate):
    props = candidate.properties
    return tuple(-(_number(props.get(k)) or 0)
                 for k in ('memory_mb', 'vcpus', 'local_gb'))


def choose(candidates, conditions, pool_size, min_size):
    """Which free hosts to make spares.

    :returns: the chosen host names, ``{hostname: why not}`` for the
        others, and how many spares are still missing after them.
    """
    need = max(min_size - pool_size, 0)
    eligible = []
    skipped = {}
    for candidate in candidates:
        if candidate.allocated:
            skipped[candidate.hostname] = 'allocated to a Blazar lease'
        elif not candidate.in_freepool:
            skipped[candidate.hostname] = 'not in freepool'
        elif candidate.problem:
            skipped[candidate.hostname] = candidate.problem
        elif not matches(candidate.properties, conditions):
            skipped[candidate.hostname] = ('does not match '
                                           'spare_host_properties')
        else:
            eligible.append(candidate)
    eligible.sort(key=lambda c: (_size(c), c.hostname))
    chosen = [c.hostname for c in eligible[:need]]
    return chosen, skipped, need - len(chosen)


def candidates(recovery):
    """Every registered Blazar host as a :class:`Candidate`."""
    inv = recovery.inventory
    allocated = {str(a['resource_id']) for a in inv.allocations()
                 if a.get('reservations')}
    freepool = set()
    for aggregate in inv.aggregates():
        if aggregate['name'] == inv.freepool:
            freepool.update(aggregate.get('hosts', []))
    services = inv.services()
    hypervisors = inv.hypervisors()
    result = []
    for host in inv.blazar_hosts():
        name = host['hypervisor_hostname']
        problem = inventory.health_problem(name, services.get(name),
                                           hypervisors.get(name))
        if problem is None and str(host.get('reservable', True)).lower() \
                == 'false':
            problem = 'Blazar holds it as failed (reservable is false)'
        result.append(Candidate(name, dict(host), name in freepool,
                                str(host['id']) in allocated, problem))
    return result


def starting_spares(recovery):
    """Hosts of spare leases that Blazar has not started yet."""
    inv = recovery.inventory
    opts = recovery.opts
    leases = [lease for lease in inv.leases()
              if lease.get('status') in STARTING and
              spare_pool.is_spare_lease(lease, opts.spare_lease_prefix,
                                        opts.spare_lease_ids,
                                        opts.spare_project_id)]
    names = {str(h['id']): h['hypervisor_hostname']
             for h in inv.blazar_hosts()}
    reservations = {r['id'] for lease in leases
                    for r in lease.get('reservations', [])}
    return sorted({names[str(a['resource_id'])] for a in inv.allocations()
                   if str(a['resource_id']) in names
                   for r in a.get('reservations', [])
                   if r['id'] in reservations})


def replenish(recovery, dry_run=False):
    """Top the pool up to pool_min_size; run under the claim lock.

    :returns: one-line accounts, and how many spares are still missing.
    """
    opts = recovery.opts
    conditions = parse_profile(opts.spare_host_properties)
    rows = pool_status.pool_rows(recovery)
    free = [r.hostname for r in rows if r.state == pool_status.FREE]
    starting = starting_spares(recovery)
    spares = {r.hostname for r in rows} | set(starting)
    chosen, skipped, missing = choose(
        [c for c in candidates(recovery) if c.hostname not in spares],
        conditions, len(free) + len(starting), opts.pool_min_size)
    report = []
    if not chosen and not missing:
        report.append('The spare pool holds %d free spare(s)%s; '
                      'pool_min_size is %d: nothing to add' % (
                          len(free), ' and %d starting' % len(starting)
                          if starting else '', opts.pool_min_size))
    for hostname in chosen:
        name = blazar_spares.spare_lease_name(opts.spare_lease_prefix,
                                              hostname)
        if dry_run:
            report.append('Would give free Blazar host %s the spare lease '
                          '%s' % (hostname, name))
            continue
        recovery.leases.create_lease(hostname)
        report.append('Replenished the spare pool: gave free Blazar host %s '
                      'the spare lease %s' % (hostname, name))
    if missing:
        report.append(
            'The spare pool stays %d below pool_min_size (%d): %s' % (
                missing, opts.pool_min_size,
                '; '.join('%s: %s' % item for item in sorted(skipped.items()))
                or 'Blazar has no other host'))
    return report, missing
