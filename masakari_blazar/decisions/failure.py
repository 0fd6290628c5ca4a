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

"""One host failure as the planner sees it, and the judgements that build it.

:meth:`SpareRecovery.read` makes the calls; what it concludes from their
answers (which reservations the failed host holds, which hosts Blazar's
healing already provides, which spares are free) is decided here, from
plain values, so that each conclusion is tested with literals.
"""

import dataclasses
import typing

from masakari_blazar.decisions import model

HOST_TYPE = 'physical:host'


@dataclasses.dataclass
class FailureView(object):
    """Everything one failure's plan is made from, read in one pass.

    The claim step plans on it, then acts on the spares and claims it
    names under the claim lock, once :func:`changed_since` finds that the
    ledger read there leaves the plan standing: acting on a fresher read
    than the one planned on could claim a spare the plan never weighed.
    """

    #: The instances to move, each with the reservation it must stay in.
    instances: typing.List[model.Instance] = dataclasses.field(
        default_factory=list)
    #: Where they could go: the free spares, the spares this notification
    #: claimed in an earlier run, and the hosts Blazar's healing put into
    #: their reservations.
    targets: typing.List[model.Target] = dataclasses.field(
        default_factory=list)
    #: The failed host's zone outside Blazar (None for the default zone),
    #: for the ``same_az`` preference.
    failed_az: typing.Optional[str] = None
    #: The free spares: held by a spare lease and claimed by no recovery.
    pool: typing.List[model.Spare] = dataclasses.field(default_factory=list)
    #: Every claim of the ledger by host name (``ledger.Claim`` values).
    claims: typing.Dict[str, typing.Any] = dataclasses.field(
        default_factory=dict)
    #: The claims of this notification, which a re-run reuses.
    mine: typing.Dict[str, typing.Any] = dataclasses.field(
        default_factory=dict)
    #: Every host a spare lease holds, claimed or not, by host name: a
    #: claimed spare still in its lease is one whose detach an engine's
    #: death interrupted.
    held: typing.Dict[str, model.Spare] = dataclasses.field(
        default_factory=dict)
    #: Blazar's host records by host name, for removing a claimed spare
    #: that is still registered.
    registered: typing.Dict[str, dict] = dataclasses.field(
        default_factory=dict)
    #: The cold spares as they will be once warm, for the instances that
    #: no warm spare takes (see ``decisions/cold_spares``).
    cold: typing.List[model.Target] = dataclasses.field(
        default_factory=list)

    @property
    def held_elsewhere(self):
        """Spares claimed by other recoveries.

        A split of a multi-spare lease gives each remaining spare a lease
        of its own, and must never hand one of these back to the pool.
        """
        return set(self.claims) - set(self.mine)

    def without(self, hostname, claim):
        """The view once ``hostname`` is found held by another recovery.

        Its anchor was won by someone else after this view was read: it is
        no longer a free spare, and counts as held elsewhere, so that a
        split of its old lease does not give it a lease again.

        :param claim: what is known of the other recovery's claim.
        """
        return dataclasses.replace(
            self,
            targets=[t for t in self.targets
                     if t.hostname != hostname or t.spare is None],
            pool=[s for s in self.pool if s.hostname != hostname],
            claims={**self.claims, hostname: claim})

    def under(self, claims):
        """The view once the ledger, read again, says ``claims``.

        The spares claimed since leave the pool, as in :meth:`without`.
        """
        view = self
        for hostname in sorted(set(claims) - set(self.claims)):
            view = view.without(hostname, claims[hostname])
        return dataclasses.replace(view, claims=dict(claims))


def changed_since(view, claims, spares, notification_uuid):
    """What the ledger read under the lock says of a plan made without it.

    The claim step reads the cloud and plans before it takes the lock, so
    that the lock is held only for the ledger and what must be atomic with
    it.  Another recovery may have claimed or returned spares meanwhile;
    only three of its changes matter to the plan's new ``spares``:

    * the claims of ``notification_uuid`` itself changed: another engine
      runs the same notification (Masakari's periodic task retries an
      errored notification in every engine), and this run must reuse what
      that one claimed rather than claim spares of its own (``stale``);

    * one of them was claimed: the plan must lose it (``taken``);
    * a claim or return touched another host of the lease that holds one
      of them: the lease may have been split or replaced since, so what
      the view says of its leases is stale (``stale``), and the cloud
      must be read again, under the lock, before anything is detached.

    A spare returned to the pool meanwhile only leaves the plan without a
    choice it could have had.

    :returns: ``(taken, stale)``: the spares claimed since, sorted, and
        whether the view's leases of the others may be out of date.
    """
    changed = {h for h in set(claims) | set(view.claims)
               if claims.get(h) != view.claims.get(h)}
    planned = {s.hostname: s for s in view.pool if s.hostname in spares}
    taken = sorted(h for h in changed if h in planned and h in claims)
    kept = {h: s for h, s in planned.items() if h not in taken}
    leases = {s.lease_id for s in kept.values()}
    stale = any(view.held[h].lease_id in leases
                for h in changed if h in view.held and h not in kept)
    return taken, stale or claims_of(claims, notification_uuid) != view.mine


def claims_of(claims, notification_uuid):
    """The claims that ``notification_uuid`` made in an earlier run."""
    return {h: c for h, c in claims.items()
            if c.notification == notification_uuid}


def free_spares(held, claims):
    """The spares no recovery has claimed yet.

    A claim is anchored and recorded before the spare leaves its lease, so
    a claimed spare may still be listed by Blazar for a while.
    """
    return [s for s in held if s.hostname not in claims]


def active_host_reservations(leases):
    """Ids of the host reservations in force now.

    Blazar also lists the allocations of leases that start later, and
    those of instance reservations (once per slot), whose instances carry
    their flavor instead.
    """
    return {r['id'] for lease in leases
            if lease.get('status') == 'ACTIVE'
            for r in lease.get('reservations', [])
            if r.get('resource_type', HOST_TYPE) == HOST_TYPE}


def failed_host_reservations(failed_host, leases, blazar_hosts, allocations,
                             pool):
    """Ids of the host reservations Blazar still allocates the failed host.

    They tell an instance's reservation when no better source does (see
    :class:`reservations.ReservationFinder`).  The reservations of the
    free spares are left out: they hold spares, never instances.
    """
    failed_ids = [str(h['id']) for h in blazar_hosts
                  if h['hypervisor_hostname'] == failed_host]
    active = active_host_reservations(leases)
    spare_reservations = {s.reservation_id for s in pool}
    return sorted({r['id'] for a in allocations
                   if str(a['resource_id']) in failed_ids
                   for r in a.get('reservations', [])
                   if r['id'] in active and
                   r['id'] not in spare_reservations})


def healed_hosts(failed_host, instances, finder):
    """``(host, reservation id)`` of the hosts healing gave a reservation.

    Blazar's healing takes the failed host out of its reservation's
    aggregate and may put a replacement in; the hosts then in the
    aggregate serve that reservation without costing a spare.  While the
    failed host is still in it, healing has not happened, and its other
    hosts are left to the instances already on them.

    :param finder: the :class:`reservations.ReservationFinder` of the
        failure, which knows the aggregates' hosts.
    """
    seen = set()
    found = []
    for instance in instances:
        res = instance.reservation
        if res is None or res.id in seen:
            continue
        seen.add(res.id)
        members = finder.hosts_of(res) or []
        if failed_host not in members:
            found.extend((hostname, res.id) for hostname in members)
    return found


def occupied_spare_problem(used):
    """Why a free spare that holds instances is refused, or None.

    Blazar deletes every server on a host when a lease starts on it, so a
    spare must be empty; one that is not is refused rather than filled.
    """
    if used.vcpus or used.memory_mb:
        return 'it has instances (%s in use); a spare must be empty' % used
    return None
