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
time (see :func:`masakari_blazar.decisions.host_return.steps`).  What the
answers mean (which lease holds the host, which aggregates it is in) is
judged in :mod:`masakari_blazar.decisions.host_return`.
"""

from masakari_blazar.decisions import host_return
from masakari_blazar.decisions import hosts


def _read_claim(state, ledger, notification_status):
    """The claim on the host, and whether its recovery is still running.

    The recovery of an anchor without a record cannot be asked about: it is
    one that stopped between the two, or one whose record was lost.
    """
    state.claim = ledger.read().get(state.hostname)
    if (state.claim and state.claim.notification is not None and
            notification_status):
        state.notification_status = notification_status(
            state.claim.notification)


def _read_blazar(state, inv, opts):
    """Whether Blazar knows the host, and which leases hold it."""
    blazar_host = [h for h in inv.blazar_hosts()
                   if h['hypervisor_hostname'] == state.hostname]
    state.registered = bool(blazar_host)
    if blazar_host:
        leases = inv.leases()
        host_return.set_leases(
            state, host_return.leases_holding(
                str(blazar_host[0]['id']), inv.allocations(), leases),
            opts.spare_lease_prefix, opts.spare_lease_ids,
            inv.spare_project())


def read_state(recovery, hostname, notification_status=None):
    """Read :class:`HostState` of ``hostname`` through ``recovery``.

    :param recovery: a
        :class:`masakari_blazar.recovery.spare_recovery.SpareRecovery`.
    :param notification_status: ``f(uuid)`` giving the Masakari status of
        the claim's notification, or None when it cannot be known.
    """
    inv = recovery.inventory
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
    _read_claim(state, recovery.ledger, notification_status)
    _read_blazar(state, inv, recovery.opts)
    host_return.set_aggregates(state, inv.aggregates(), inv.names)
    if not state.registered:
        # Only the provider of a host outside Blazar is the plugin's to
        # delete (see host_return.steps).
        state.provider = recovery.admission.reservation_provider(hostname)
    return state
