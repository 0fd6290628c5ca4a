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

"""One host failure's recovery onto spares: the steps the tasks run.

Each step reads the cloud afresh and is safe to run again, because
Masakari retries a notification that ended in ERROR, and an engine may die
at any point.  What a step has done is found again in the cloud itself (the
claim ledger, Blazar, Nova's aggregates, Placement), never only in memory.
"""

import collections

from masakari_blazar.cloud import admission
from masakari_blazar.cloud import blazar_spares
from masakari_blazar.cloud import claim_lock
from masakari_blazar.cloud import clients as mb_clients
from masakari_blazar.cloud import host_state
from masakari_blazar.cloud import inventory
from masakari_blazar.cloud import ledger
from masakari_blazar.cloud import notifications
from masakari_blazar import conf as mb_conf
from masakari_blazar.decisions import aggregate_filters
from masakari_blazar.decisions import evacuees
from masakari_blazar.decisions import failure
from masakari_blazar.decisions import host_return
from masakari_blazar.decisions import hosts
from masakari_blazar.decisions import model
from masakari_blazar.decisions import planner
from masakari_blazar.decisions import replanning
from masakari_blazar.decisions import reservations
from masakari_blazar.decisions import resource_request
from masakari_blazar.decisions import spare_pool
from masakari_blazar import exceptions
from masakari_blazar.power import loader as power_loader
from masakari_blazar.recovery import cold_spares
from masakari_blazar.recovery import replenish

# Nova's and Placement's answers about the candidate hosts of one failure;
# ``offered`` and ``errors`` are those of Inventory.offered, for the
# requests of the instances that move.
_Candidates = collections.namedtuple(
    '_Candidates', 'aggregates services hypervisors capacities traits '
    'segment offered errors')


def _refusal_lines(plan):
    """Which spares Placement refused for a planned instance, and why.

    An instance left without a target has them in its unplaced reason.
    """
    return ['Instance %s cannot go to %s' % (
            plan.label(uuid), '; '.join('%s: %s' % item
                                        for item in sorted(refused.items())))
            for uuid, refused in sorted(plan.refusals.items())
            if uuid not in plan.unplaced]


class SpareRecovery(object):
    """Claims spares, admits instances on them, and gives them back."""

    def __init__(self, conf, clients=None):
        mb_conf.require_valid(conf)
        self.conf = conf
        self.opts = conf[mb_conf.PLUGIN_GROUP]
        self.clients = clients or mb_clients.Clients(conf)
        self.inventory = inventory.Inventory(self.clients, conf)
        self.ledger = ledger.Ledger(self.clients, self.opts.claim_aggregate)
        self.leases = blazar_spares.SpareLeases(self.clients, conf,
                                                self.ledger)
        self.notifier = notifications.SpareNotifier(conf)
        self.admission = admission.Admission(self.clients,
                                             self.inventory.names)
        self.planner = planner.from_options(self.opts)
        self._cold_spares = None

    # Reading --------------------------------------------------------------
    def _instances(self, host_name, instance_uuids, finder, aggregates):
        wanted = set(instance_uuids)
        ha_key = evacuees.ha_key(self.conf)
        found = []
        servers = [s for s in self.inventory.servers_on(host_name)
                   if s['id'] in wanted]
        groups = self.inventory.server_groups(
            [s['id'] for s in servers], host_name) if servers else {}
        for server in servers:
            pinned, zone = hosts.pinned_zone(server, aggregates,
                                             self.inventory.names)
            flavor = server.get('flavor') or {}
            request = resource_request.from_flavor(
                flavor, volume_backed=not server.get('image'))
            reservation = finder.find(server)
            if reservation and \
                    reservation.kind == model.INSTANCE_RESERVATION:
                request = resource_request.without(
                    request, reservations.resource_class(reservation.id))
            found.append(model.Instance(
                uuid=server['id'], name=server.get('name') or '',
                resources=request.resources,
                required_traits=request.required,
                forbidden_traits=request.forbidden,
                reservation=reservation,
                pinned=pinned, zone=zone,
                priority=evacuees.priority(server),
                ha_enabled=evacuees.ha_enabled(server, ha_key),
                server_group=groups.get(server['id']),
                extra_specs=tuple(sorted(
                    (flavor.get('extra_specs') or {}).items())),
                project_id=server.get('tenant_id')))
        return found

    def _candidates(self, segment_hosts):
        """What Nova and Placement say of every host, for the targets."""
        capacities, traits = self.inventory.capacities()
        return _Candidates(aggregates=self.inventory.aggregates(),
                           services=self.inventory.services(),
                           hypervisors=self.inventory.hypervisors(),
                           capacities=capacities, traits=traits,
                           segment=set(segment_hosts), offered={},
                           errors={})

    def _target(self, hostname, seen, cold=False, **fields):
        """A target as the planner sees it; ``cold`` as it will be warm."""
        problem = None if cold else hosts.health_problem(
            hostname, seen.services.get(hostname),
            seen.hypervisors.get(hostname))
        free = model.Resources()
        refuses = {}
        if problem is None:
            provider = seen.hypervisors[hostname]['id']
            free, used = seen.capacities.get(provider) or \
                self.inventory.free_resources(provider)
            if fields.get('spare') and not fields.get('claimed'):
                problem = failure.occupied_spare_problem(used)
            refuses = {
                request: seen.errors.get(request) or
                resource_request.refusal(request,
                                         seen.traits.get(provider),
                                         free, free + used)
                for request, roots in seen.offered.items()
                if provider not in roots}
        az = hosts.home_az(hostname, seen.aggregates, self.inventory.names)
        staying = aggregate_filters.staying_metadata(
            hostname, seen.aggregates, self.inventory.names,
            bool(fields.get('spare')))
        return model.Target(hostname=hostname, free=free, az=az,
                            problem=problem, refuses=refuses,
                            in_segment=hostname in seen.segment,
                            can_join_host_reservation=az is None,
                            aggregate_metadata=staying, **fields)

    def _claimed_targets(self, mine, seen):
        """The spares this notification claimed in an earlier run.

        They are no longer in Blazar, so the claim tells their lease and
        the group they were committed to.
        """
        return [self._target(hostname, seen, claimed=True, committed=True,
                             group=claim.group,
                             spare=model.Spare(hostname, '', '',
                                               claim.lease or '', ''))
                for hostname, claim in sorted(mine.items())]

    def read(self, host_name, instance_uuids, notification_uuid=None,
             segment_hosts=(), among=None):
        """Everything the planner needs about one failure, in one pass.

        :param among: the only hosts to keep as targets, if given.
        :returns: a :class:`failure.FailureView`.
        """
        claims = self.ledger.read()
        mine = failure.claims_of(claims, notification_uuid)
        leases = self.inventory.leases()
        blazar_hosts = self.inventory.blazar_hosts()
        allocations = self.inventory.allocations()
        held = self.inventory.spares(leases, blazar_hosts, allocations)
        pool = failure.free_spares(held, claims)
        seen = self._candidates(segment_hosts)
        finder = reservations.ReservationFinder(
            seen.aggregates, host_name, self.inventory.names,
            failure.failed_host_reservations(host_name, leases,
                                             blazar_hosts, allocations,
                                             pool),
            leases)
        instances = self._instances(host_name, instance_uuids, finder,
                                    seen.aggregates)
        offered, errors = self.inventory.offered(
            [i.request for i in instances])
        seen = seen._replace(offered=offered, errors=errors)
        targets = [self._target(s.hostname, seen, spare=s) for s in pool]
        targets.extend(self._claimed_targets(mine, seen))
        targets.extend(
            self._target(hostname, seen, committed=True, group=group)
            for hostname, group in failure.healed_hosts(host_name,
                                                        instances, finder))
        cold = [self._target(hostname, seen, cold=True, spare=model.Spare(
            hostname, '', '', claim.lease or '', ''))
            for hostname, claim in sorted(claims.items())
            if claim.cold and hostname in seen.hypervisors and
            (among is None or hostname in among)]
        return failure.FailureView(
            instances=instances,
            targets=[t for t in targets
                     if among is None or t.hostname in among],
            cold=cold,
            failed_az=hosts.home_az(host_name, seen.aggregates,
                                    self.inventory.names),
            pool=pool, claims=claims, mine=mine,
            held={s.hostname: s for s in held},
            registered={h['hypervisor_hostname']: h for h in blazar_hosts})

    # Steps ----------------------------------------------------------------
    def claim(self, host_name, notification_uuid, instance_uuids,
              offered=None, segment_hosts=(), among=None):
        """Plan the moves and claim the spares they need.

        The cloud is read and the plan made before the spare-pool lock is
        taken, so that recoveries wait for each other only while the ledger
        is read again, the claims recorded and the spares taken out of
        Blazar (under the lock, so that splitting a multi-spare lease never
        puts another recovery's spare back into a lease).  A spare claimed
        meanwhile is planned without; a lease that changed meanwhile, or a
        split left unfinished, or a claim by another engine running this
        same notification, is read again under the lock
        (:func:`failure.changed_since`).  The lock is only an
        optimisation: each spare is won by its anchor in the ledger before
        anything else is written, so a lock that lapsed or was never shared
        costs a re-plan, never a spare given twice.

        :param among: the only hosts to plan on: the spare a re-plan
            chose (see :meth:`replan`).
        :returns: the :class:`planner.Plan` and one-line accounts of what
            was done, for the notification's progress details.
        """
        report = []
        claimed_now = False
        view = self.read(host_name, instance_uuids, notification_uuid,
                         segment_hosts, among)
        needed = self._cold_needed(view, offered)
        if needed and self.cold_spares.take(needed, notification_uuid,
                                            report.append):
            view = self.read(host_name, instance_uuids, notification_uuid,
                             segment_hosts, among)
        plan = self._plan(view, offered)
        with claim_lock.spare_pool_lock(self.conf):
            claims, pending = self.ledger.read_with_pending()
            finished = self.leases.finish_pending(pending)
            report.extend(finished)
            taken, stale = failure.changed_since(view, claims, plan.spares,
                                                 notification_uuid)
            if finished or stale:
                view = self.read(host_name, instance_uuids,
                                 notification_uuid, segment_hosts, among)
                plan = self._plan(view, offered)
            elif claims != view.claims:
                view = view.under(claims)
                for hostname in taken:
                    report.append('Spare %s was claimed by another recovery '
                                  'meanwhile; planning without it' %
                                  hostname)
                if taken:
                    plan = self._plan(view, offered)
            lost = self._anchor(plan, view)
            # Each lost spare leaves the pool, so this ends within as many
            # rounds as there are free spares.
            while lost:
                report.append('Spare %s was claimed by another recovery '
                              'meanwhile; planning without it' % lost)
                view = view.without(lost, ledger.Claim(lost, None, ''))
                plan = self._plan(view, offered)
                lost = self._anchor(plan, view)
            report.extend(plan.notes)
            report.extend(_refusal_lines(plan))
            pool = {s.hostname: s for s in view.pool}
            held_elsewhere = view.held_elsewhere
            for target in view.targets:
                if target.claimed and not target.healthy:
                    report.append(
                        'Spare %s, claimed earlier by this notification, '
                        'is unusable (%s); it stays claimed until '
                        '"masakari-blazar return %s"' % (
                            target.hostname, target.problem,
                            target.hostname))
            self._record([h for h in plan.spares if h not in view.mine],
                         plan, pool, notification_uuid)
            for hostname in plan.spares:
                if hostname in view.mine:
                    report.append('Reusing spare %s, already claimed by this '
                                  'notification' % hostname)
                    report.extend(self._finish_detach(hostname, view,
                                                      held_elsewhere))
                    continue
                report.append('Claimed spare %s (%s)' % (
                    hostname, plan.reasons[hostname]))
                report.append('Spare %s: %s' % (
                    hostname, self.leases.detach(pool[hostname],
                                                 held_elsewhere)))
                self.notifier.spare(notifications.CLAIMED, hostname,
                                    lease=pool[hostname].lease_name,
                                    notification_uuid=notification_uuid)
                claimed_now = True
            if claimed_now:
                self._count_warm(view, plan)
            if claimed_now and self.opts.replenish_pool:
                report.extend(self._replenish())
        for uuid, reason in sorted(plan.unplaced.items()):
            report.append('Instance %s has no spare (%s%s); the Nova '
                          'scheduler will choose its host' % (
                              plan.label(uuid), reason, _busy(view)))
        return plan, report

    def replan(self, host_name, notification_uuid, uuid, tried, heading,
               started, segment_hosts=()):
        """Where an instance Nova's scheduler refused goes next.

        The cloud is read again, so the re-plan sees what changed since
        the plan; a free spare it chooses is claimed, and a spare is joined
        to the instance's zone and reservation, as the claim and prepare
        steps do for the plan.

        :param uuid: the refused instance, in ERROR on ``host_name``.
        :param tried: the hosts that refused it, the last one last
            (:data:`replanning.SCHEDULER` for the scheduler's choice).
        :param heading: ``{instance uuid: host}`` where the run's other
            instances not settled yet are going; the room of those whose
            evacuation has not started stays theirs.
        :param started: the instances whose evacuation has started.
        :returns: the :class:`replanning.Choice`, the filter that refused
            the last host as far as the plugin can tell (or None), and
            one-line accounts of what was claimed.
        """
        view = self.read(host_name, [uuid] + sorted(heading),
                         notification_uuid, segment_hosts)
        instance = next((i for i in view.instances if i.uuid == uuid), None)
        if instance is None:
            return replanning.Choice(stop='it is no longer on %s' %
                                     host_name), None, []
        queued = {other: host for other, host in heading.items()
                  if other not in started}
        in_flight = {other: host for other, host in heading.items()
                     if other in started}
        last = next((t for t in view.targets if t.hostname == tried[-1]),
                    None)
        refusing = replanning.refusing_filter(
            replanning.with_members_heading(instance, view.instances,
                                            in_flight), last)
        held = replanning.held_back(view.instances, queued)
        choice = replanning.choose(
            replanning.with_members_heading(instance, view.instances,
                                            heading),
            tried, replanning.room_left(view.targets, held),
            self.planner, view.failed_az)
        spare = any(t.hostname == choice.target and t.spare is not None
                    for t in view.targets)
        report = []
        if choice.claim:
            # Claimed as the claim step claims, after reading again under
            # the lock: another recovery may have taken it meanwhile.
            plan, report = self.claim(host_name, notification_uuid, [uuid],
                                      segment_hosts=segment_hosts,
                                      among=[choice.target])
            target = plan.moves.get(uuid)
            choice = replanning.Choice(target=target,
                                       reason=plan.unplaced.get(uuid),
                                       zone=plan.zone_joined(target))
            spare = choice.target in plan.spares
        if choice.zone:
            # As the prepare step puts a spare into its instances' zone.
            report.extend(self._join_zone(choice.target, choice.zone))
        if spare and instance.reservation is not None:
            # As the prepare step admits the plan's instances; the room of
            # those still to come there stays theirs.
            waiting = sum(1 for i in view.instances
                          if queued.get(i.uuid) == choice.target and
                          i.reservation == instance.reservation)
            report.extend(self.admission.join(
                choice.target, instance.reservation, 1 + waiting))
        return choice, refusing, report

    @property
    def cold_spares(self):
        if self._cold_spares is None:
            self._cold_spares = cold_spares.ColdSpares(
                self, power_loader.load(self.conf, self.clients))
        return self._cold_spares

    def _cold_needed(self, view, offered):
        """The cold spares to warm for what no warm spare takes.

        Warm spares first: only the instances that a plan on them leaves
        to the scheduler are planned on the cold ones.  A host Masakari's
        reserved-host flow offers is the operator's choice, never a cold
        spare instead.
        """
        if not view.cold or offered is not None or \
                not self.cold_spares.power.manages_power:
            return []
        probe = planner.from_options(self.opts,
                                     fallback=planner.FALLBACK_SCHEDULER)
        warm = probe.plan(view.instances, view.targets, view.failed_az, None)
        left = [i for i in view.instances if i.uuid in warm.unplaced]
        if not left:
            return []
        return list(probe.plan(left, view.cold, view.failed_az, None).spares)

    def _plan(self, view, offered):
        try:
            return self.planner.plan(
                view.instances, view.targets, view.failed_az, offered)
        except exceptions.NoSpareFits as exc:
            raise exceptions.NoSpareFits(str(exc) + _busy(view))

    def _anchor(self, plan, view):
        """Win the anchor of every new spare of ``plan``, or of none.

        :returns: None when all are won, else the first spare another
            recovery holds; the anchors won before it are let go, since
            the plan that wanted them is dropped with it.
        """
        won = []
        for hostname in plan.spares:
            if hostname in view.mine:
                continue
            try:
                held = not self.ledger.anchor(hostname)
            except exceptions.RecoveryError:
                self._let_go(won)
                raise
            if held:
                self._let_go(won)
                return hostname
            won.append(hostname)
        return None

    def _let_go(self, hostnames):
        """Drop anchors that no record will follow."""
        for hostname in hostnames:
            self.ledger.unanchor(hostname)

    def _record(self, hostnames, plan, pool, notification_uuid):
        """Record the claims whose anchors this run won, before any detach.

        A record that cannot be written lets go of the anchors not yet
        recorded, so that no spare stays held by an unknown owner.
        """
        for number, hostname in enumerate(hostnames):
            try:
                self.ledger.record(hostname, notification_uuid,
                                   group=plan.groups.get(hostname),
                                   lease=pool[hostname].lease_name)
            except exceptions.RecoveryError:
                self._let_go(hostnames[number:])
                raise

    def _finish_detach(self, hostname, view, held_elsewhere):
        """Finish taking a claimed spare out of Blazar.

        An engine that died while detaching it left it still in its lease,
        or still registered in Blazar.
        """
        if hostname in view.held:
            return ['Spare %s: %s' % (hostname, self.leases.detach(
                view.held[hostname], held_elsewhere))]
        if hostname in view.registered:
            self.leases.delete_host(view.registered[hostname]['id'],
                                    hostname)
            return ['Spare %s: removed it from Blazar' % hostname]
        return []

    def unusable(self, hostnames):
        """Why each of ``hostnames`` cannot take instances now, if not."""
        services = self.inventory.services()
        hypervisors = self.inventory.hypervisors()
        problems = {}
        for hostname in hostnames:
            problem = hosts.health_problem(
                hostname, services.get(hostname), hypervisors.get(hostname))
            if problem:
                problems[hostname] = problem
        return problems

    def _count_warm(self, view, plan):
        """Tell the pool's watchers when a claim left too few warm spares.

        The free spares of the view are the warm ones (a cold spare is in
        the ledger); the ones this plan claimed are no longer free.
        """
        count = self.opts.warm_spares
        if count is None:
            return
        warm = len([s for s in view.pool if s.hostname not in plan.spares])
        if warm < count:
            self.notifier.warm_below(
                warm, sum(1 for c in view.claims.values() if c.cold), count)

    def _replenish(self):
        """Top the pool up after a claim; never fails the recovery."""
        try:
            lines, _ = replenish.replenish(self)
        except exceptions.RecoveryError as exc:
            lines = ['Could not replenish the spare pool: %s' % exc]
        return lines

    def admit(self, plan):
        """Join each claimed spare to its zone and reservations."""
        report = []
        for hostname in plan.spares:
            for entry in plan.joins.get(hostname, []):
                if entry['kind'] == model.ZONE:
                    report.extend(self._join_zone(hostname, entry['id']))
                    continue
                res = model.Reservation(entry['id'], entry['kind'],
                                        entry.get('project_id'))
                report.extend(self.admission.join(hostname, res,
                                                  entry['count']))
        return report

    def _join_zone(self, hostname, zone):
        """Put a claimed spare into ``zone``, noted in its claim first."""
        aggregate = self.admission.zone_aggregate(hostname, zone)
        self.ledger.note_joined(hostname, aggregate['name'])
        return self.admission.join_zone(hostname, aggregate)

    def claimed_by(self, notification_uuid):
        """The spares the ledger says ``notification_uuid`` holds."""
        return {hostname for hostname, claim in self.ledger.read().items()
                if claim.notification == notification_uuid}

    def release(self, notification_uuid):
        """Give back the spares of a recovery that moved nothing.

        A spare that holds any server stays claimed: putting it back into a
        lease would let Blazar delete that server when the lease starts.
        """
        report = []
        # Only this notification's claim step records its claims, and it
        # has ended: with none recorded there is nothing to give back, and
        # no reason to wait for the lock (or for a lock backend that is
        # down, which may be why the claim failed).
        if not any(claim.notification == notification_uuid
                   for claim in self.ledger.read().values()):
            return report
        with claim_lock.spare_pool_lock(self.conf):
            for hostname, claim in sorted(self.ledger.read().items()):
                if claim.notification != notification_uuid:
                    continue
                state = host_state.read_state(self, hostname)
                if state.other_lease:
                    # A user's lease took the spare while it sat in freepool
                    # between its lease and its removal from Blazar: it is
                    # that lease's host now, and none of ours to undo.
                    self.ledger.remove(hostname)
                    report.append(
                        'Released the claim on %s: Blazar lease %s took it '
                        'meanwhile, so it is no longer a spare' % (
                            hostname, state.other_lease))
                    continue
                if state.servers and not state.spare_lease:
                    report.append(
                        'Spare %s keeps its claim: it holds servers; '
                        'return it with "masakari-blazar return %s" once '
                        'it is empty' % (hostname, hostname))
                    continue
                report.extend(self.return_to_pool(state))
        return report

    def return_steps(self, state):
        """The steps that make the host of ``state`` a free spare."""
        return host_return.steps(
            state, self.opts.spare_lease_prefix, self.opts.spare_lease_days,
            self.opts.claim_aggregate, self.inventory.names.freepool)

    def return_to_pool(self, state):
        """Make one host a free spare again; run under the claim lock.

        ``state`` is the host's :class:`host_return.HostState`, read just
        before; every step reads the cloud again, so a step that an earlier,
        interrupted run already did changes nothing.

        :returns: one-line accounts of what was done.
        """
        report = []
        for step in self.return_steps(state):
            report.extend(self.return_step(state, step))
            if step.action == host_return.LEASE:
                self.notifier.spare(notifications.RETURNED, state.hostname,
                                    lease=spare_pool.spare_lease_name(
                                        self.opts.spare_lease_prefix,
                                        state.hostname))
        return report

    def return_step(self, state, step):
        """Make one of :meth:`return_steps`; returns what was done."""
        hostname = state.hostname
        if step.action == host_return.LEAVE_ZONE:
            return self.admission.leave_aggregate(hostname,
                                                  state.joined_aggregate)
        if step.action == host_return.LEAVE_RESERVATIONS:
            return self.admission.leave_reservations(hostname)
        if step.action == host_return.DELETE_PROVIDER:
            return self.admission.delete_reservation_provider(hostname)
        if step.action == host_return.LEAVE_FREEPOOL:
            return self.admission.leave_freepool(hostname)
        if step.action == host_return.REGISTER:
            self.leases.register(hostname)
            return ['Registered %s in Blazar' % hostname]
        if step.action == host_return.LEASE:
            lease = self.leases.create_lease(hostname)
            return ['Returned %s to the spare pool (lease %s)' % (
                hostname, lease.get('name') if isinstance(lease, dict)
                else spare_pool.spare_lease_name(
                    self.opts.spare_lease_prefix, hostname))]
        if step.action == host_return.DROP_CLAIM:
            self.ledger.remove(hostname)
            return ['Released the claim on %s' % hostname]
        raise ValueError('not a step of a return: %s' % step.action)


def _busy(view):
    """The spares other recoveries hold, to say why no spare was found.

    Without it, "no healthy spare has room" reads as false to the operator
    of a recovery that lost a race for a healthy spare.
    """
    if not view.held_elsewhere:
        return ''
    return '; claimed by other recoveries: %s' % ', '.join(
        '%s (%s)' % (host, view.claims[host].owner)
        for host in sorted(view.held_elsewhere))
