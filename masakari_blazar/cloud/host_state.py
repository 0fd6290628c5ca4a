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

"""Reading what the cloud says about one host, for returning it to the
pool.

Returning a host is a sequence of steps that a crash may interrupt, so the
state is read afresh from Blazar, Nova, Placement and the claim ledger each
time (see :func:`masakari_blazar.decisions.host_return.steps`).
"""

from masakari_blazar.decisions import host_return
from masakari_blazar.decisions import hosts
from masakari_blazar.decisions import spare_pool


def _leases_of(allocations, blazar_id, leases):
    """The leases whose reservations hold the Blazar host ``blazar_id``."""
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


def read_state(recovery, hostname, notification_status=None):
    """Read :class:`HostState` of ``hostname`` through ``recovery``.

    :param recovery: a
        :class:`masakari_blazar.recovery.spare_recovery.SpareRecovery`.
    :param notification_status: ``f(uuid)`` giving the Masakari status of
        the claim's notification, or None when it cannot be known.
    """
    inv = recovery.inventory
    opts = recovery.opts
    state = host_return.HostState(hostname)
    services = inv.services()
    hypervisors = inv.hypervisors()
    state.known = hostname in services or hostname in hypervisors
    if not state.known:
        return state
    state.problem = hosts.health_problem(
        hostname, services.get(hostname), hypervisors.get(hostname))
    state.servers = [s.get('name') or s['id']
                     for s in inv.servers_on(hostname)]
    state.claim = recovery.ledger.read().get(hostname)
    if state.claim and notification_status:
        state.notification_status = notification_status(
            state.claim.notification)
    blazar_host = [h for h in inv.blazar_hosts()
                   if h['hypervisor_hostname'] == hostname]
    state.registered = bool(blazar_host)
    if blazar_host:
        leases = inv.leases()
        held_by = _leases_of(inv.allocations(), str(blazar_host[0]['id']),
                             leases)
        for lease in held_by:
            status = lease.get('status')
            if spare_pool.is_spare_lease(lease, opts.spare_lease_prefix,
                                         opts.spare_lease_ids,
                                         opts.spare_project_id):
                state.spare_lease = lease.get('name') or lease['id']
                state.spare_lease_status = status
            elif status not in ('TERMINATED', 'DELETED'):
                state.other_lease = lease.get('name') or lease['id']
                state.other_lease_status = status
    aggregates = inv.aggregates()
    state.in_freepool = any(a['name'] == inv.names.freepool and
                            hostname in a.get('hosts', [])
                            for a in aggregates)
    state.home_az = hosts.home_az(hostname, aggregates, inv.names)
    state.reservation_aggregates = sorted(
        a['name'] for a in aggregates
        if hostname in a.get('hosts', []) and inv.names.is_reservation(a))
    if not state.registered:
        state.provider = recovery.admission.reservation_provider(hostname)
    return state
