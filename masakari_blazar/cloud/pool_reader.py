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

"""The spare pool as it stands: free spares from Blazar, claimed ones from
the claim ledger.

A claimed spare has left Blazar, so Blazar alone cannot say how large the
pool is; the engine's replenishing and the operator's ``pool status`` both
need the two sources read together, with health and capacity read as the
recovery reads them.
"""

import dataclasses
import typing

from masakari_blazar.decisions import hosts


FREE = 'free'


@dataclasses.dataclass
class SpareRow(object):
    hostname: str
    lease: str
    state: str
    az: typing.Optional[str]
    free: typing.Optional[dict]
    used: typing.Optional[dict]
    # Filled in only where a power driver manages the spares
    # (masakari_blazar.power.driver's words, or 'unknown').
    power: typing.Optional[str] = None
    cold: bool = False


def _resources(res):
    return dataclasses.asdict(res) if res is not None else None


def claim_state(claim):
    """How ``pool status`` shows a claimed spare."""
    if claim.cold:
        return ('cold since %s (powered off, outside Blazar); "masakari-'
                'blazar pool warm %s" warms it' % (claim.since,
                                                   claim.hostname))
    if claim.notification is None:
        return ('claimed by unknown (in the claim aggregate without a '
                'record); "masakari-blazar return %s" frees it' %
                claim.hostname)
    return 'claimed by notification %s since %s' % (
        claim.notification, claim.since)


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
        problem = hosts.health_problem(
            hostname, services.get(hostname), hypervisors.get(hostname))
        free = used = None
        if hostname in hypervisors:
            free, used = inv.free_resources(hypervisors[hostname]['id'])
        if hostname in claims:
            state = claim_state(claims[hostname])
        elif problem:
            state = 'unhealthy: %s' % problem
        elif used and (used.vcpus or used.memory_mb):
            state = 'unhealthy: it has instances (%s in use)' % used
        else:
            state = FREE
        rows.append(SpareRow(
            hostname, leases[hostname], state,
            hosts.home_az(hostname, aggregates, inv.names),
            _resources(free), _resources(used),
            cold=hostname in claims and claims[hostname].cold))
    return rows
