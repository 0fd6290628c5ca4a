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
free or starting.  The choice is
:func:`masakari_blazar.decisions.replenishment.choose`, a plain function; the
largest matching hosts go first, since a spare must hold a whole failed
host's instances.
"""

from masakari_blazar.cloud import pool_reader
from masakari_blazar.decisions import hosts
from masakari_blazar.decisions import replenishment
from masakari_blazar.decisions import spare_pool

# A lease in these states will hold its host as a spare once Blazar starts
# it; its host counts toward the pool, or every run would add one more.
STARTING = ('PENDING', 'STARTING')


def candidates(recovery):
    """Every registered Blazar host as a :class:`Candidate`."""
    inv = recovery.inventory
    allocated = {str(a['resource_id']) for a in inv.allocations()
                 if a.get('reservations')}
    freepool = set()
    for aggregate in inv.aggregates():
        if aggregate['name'] == inv.names.freepool:
            freepool.update(aggregate.get('hosts', []))
    services = inv.services()
    hypervisors = inv.hypervisors()
    result = []
    for host in inv.blazar_hosts():
        name = host['hypervisor_hostname']
        problem = hosts.health_problem(name, services.get(name),
                                       hypervisors.get(name))
        if problem is None and str(host.get('reservable', True)).lower() \
                == 'false':
            problem = 'Blazar holds it as failed (reservable is false)'
        result.append(replenishment.Candidate(
            name, dict(host), name in freepool, str(host['id']) in allocated,
            problem))
    return result


def starting_spares(recovery):
    """Hosts of spare leases that Blazar has not started yet."""
    inv = recovery.inventory
    leases = [lease for lease in inv.leases()
              if lease.get('status') in STARTING and
              inv.is_spare_lease(lease)]
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
    conditions = replenishment.parse_profile(opts.spare_host_properties)
    rows = pool_reader.pool_rows(recovery)
    free = [r.hostname for r in rows if r.state == pool_reader.FREE]
    starting = starting_spares(recovery)
    spares = {r.hostname for r in rows} | set(starting)
    chosen, skipped, missing = replenishment.choose(
        [c for c in candidates(recovery) if c.hostname not in spares],
        conditions, len(free) + len(starting), opts.pool_min_size)
    report = []
    if not chosen and not missing:
        report.append('The spare pool holds %d free spare(s)%s; '
                      'pool_min_size is %d: nothing to add' % (
                          len(free), ' and %d starting' % len(starting)
                          if starting else '', opts.pool_min_size))
    for hostname in chosen:
        name = spare_pool.spare_lease_name(opts.spare_lease_prefix,
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
