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

"""Which instance goes where: the placement decision of a recovery.

The planner is a pure function of what the cloud looks like, so that every
choice it makes can be tested, and explained to the operator, without
TaskFlow or HTTP.

Instances are planned in groups (see :attr:`Instance.group`): a host that
joins a host reservation's aggregate will be emptied by Blazar when that
reservation ends, so it may carry only that reservation's instances.  The
groups of host reservations are planned before the rest, unless the
operator's priorities say otherwise.  Within a group, instances are packed
first-fit in :func:`evacuation_order`: the operator's priority, then
Masakari's HA-enabled instances, then the largest first.  A target that
Placement offers no allocation candidate for an instance's flavor (a
missing or forbidden trait, no ``PCPU`` inventory, a ``max_unit``) never
gets it, and every resource class counts as targets fill.  An instance that
Nova's scheduler pins to a zone is only planned onto a host of
that zone, or onto a spare outside every zone that joins the zone's
aggregate before the evacuation (a spare has no zone once it leaves
Blazar, and Nova gives a host one zone only, so a spare serves one zone);
a spare of the zone is preferred to one that must join it.  A target never
gets more members of an anti-affinity server group than its
``max_server_per_host``, and a member of an affinity group only a host
where another member runs now, as Nova's filters decide; where the cloud
runs Nova's aggregate filters, an instance goes only to a host whose
aggregates pass it at evacuation time (:mod:`aggregate_filters`).
When one target can hold the whole rest of the group, the most preferred
such target is chosen;
otherwise the target that holds the most instances is filled and the rest
spills onto the next, up to ``max_spares`` spares for the whole failure.
"""

import dataclasses
import typing

from masakari_blazar.decisions import aggregate_filters
from masakari_blazar.decisions import model
from masakari_blazar import exceptions

FALLBACK_SCHEDULER = 'scheduler'
FALLBACK_FAIL = 'fail'


@dataclasses.dataclass
class Plan(object):
    """The outcome of planning, in a form TaskFlow can persist."""

    moves: typing.Dict[str, typing.Optional[str]] = dataclasses.field(
        default_factory=dict)
    spares: typing.List[str] = dataclasses.field(default_factory=list)
    groups: typing.Dict[str, typing.Optional[str]] = dataclasses.field(
        default_factory=dict)
    joins: typing.Dict[str, typing.List[dict]] = dataclasses.field(
        default_factory=dict)
    reasons: typing.Dict[str, str] = dataclasses.field(default_factory=dict)
    unplaced: typing.Dict[str, str] = dataclasses.field(default_factory=dict)
    names: typing.Dict[str, str] = dataclasses.field(default_factory=dict)
    #: The instances in the order they get spares and start evacuating.
    order: typing.List[str] = dataclasses.field(default_factory=list)
    #: What the operator should know about the planning, for the progress.
    notes: typing.List[str] = dataclasses.field(default_factory=list)
    #: ``{instance: {host: why}}``: the healthy targets Placement has no
    #: allocation candidate on for the instance's flavor.
    refusals: typing.Dict[str, typing.Dict[str, str]] = dataclasses.field(
        default_factory=dict)

    def to_dict(self):
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data):
        return cls(**data)

    def label(self, uuid):
        """How an operator recognises an instance: name and id."""
        name = self.names.get(uuid)
        return '%s (%s)' % (name, uuid) if name else uuid

    def in_order(self, uuids):
        """``uuids`` in :attr:`order`: who starts evacuating first.

        With fewer evacuation slots than instances, the first started are
        the first safe; an instance the plan does not know goes last.
        """
        rank = {uuid: number for number, uuid in enumerate(self.order)}
        return sorted(uuids, key=lambda uuid: (rank.get(uuid, len(rank)),
                                               uuid))

    def zone_joined(self, hostname):
        """The availability zone the plan puts ``hostname`` into, or None."""
        return next((entry['id'] for entry in self.joins.get(hostname, ())
                     if entry['kind'] == model.ZONE), None)

    def instances_on(self, hostname):
        return sorted(uuid for uuid, target in self.moves.items()
                      if target == hostname)


def _size(instance):
    res = instance.resources
    return (res.memory_mb, res.vcpus + res.amount('PCPU'), res.disk_gb)


def _rank(instance):
    return (-instance.priority, not instance.ha_enabled,
            tuple(-x for x in _size(instance)), instance.name, instance.uuid)


def evacuation_order(instances):
    """Who gets a spare first when they cannot hold everyone.

    The operator's priority decides, then Masakari's HA flag, then size:
    the largest first, since it is the hardest to place.  The same order
    decides which evacuations start first.
    """
    return sorted(instances, key=_rank)


def _anti_key(instance):
    group = instance.server_group
    if group is not None and group.policy == model.ANTI_AFFINITY:
        return group
    return None


def _pack(free, instances, hostname, placed):
    """First fit, in the given (decreasing) order, into ``free``.

    :param placed: ``{(group id, host): members}`` that the plan already
        sends there; with the members already on ``hostname`` they count
        against an anti-affinity group's ``max_per_host``.
    """
    packed = []
    counts = {}
    for instance in instances:
        group = _anti_key(instance)
        if group is not None:
            there = (group.members_on(hostname) +
                     placed.get((group.id, hostname), 0) +
                     counts.get(group.id, 0))
            if there >= group.max_per_host:
                continue
        if instance.resources.fits_in(free):
            packed.append(instance)
            free = free - instance.resources
            if group is not None:
                counts[group.id] = counts.get(group.id, 0) + 1
    return packed


def _groups(instances):
    """The instances' groups, in the order they choose their targets.

    The group of the instance with the highest priority chooses first.
    Among equals, host-reservation groups choose first, the largest first:
    they may only use spares that can join their aggregate, and the
    scheduler cannot place them outside their reservation, while the other
    instances fit anywhere.

    :returns: ``(group, instances)`` pairs.
    """
    groups = {}
    for instance in instances:
        groups.setdefault(instance.group, []).append(instance)

    def total(members):
        return tuple(-sum(x) for x in zip(*map(_size, members)))

    def first(members):
        return min(_rank(m)[:2] for m in members)

    return [(group, groups[group]) for group in sorted(
        groups, key=lambda g: (first(groups[g]), g is None,
                               total(groups[g]), g or ''))]


@dataclasses.dataclass
class _Run(object):
    """What one planning has decided so far, and what it has left."""

    plan: Plan
    #: The healthy targets; an unhealthy one takes nothing.
    usable: typing.List[model.Target]
    #: Each usable target's room, less what the plan has put on it.
    free: typing.Dict[str, model.Resources]
    #: How many more spares the failure may consume.
    spares_left: int
    failed_az: typing.Optional[str]
    offered: typing.Optional[str]
    #: ``{(anti-affinity group id, host): members}`` the plan sends there.
    placed: typing.Dict[tuple, int] = dataclasses.field(default_factory=dict)
    #: ``{host: instances}`` the plan sends there, for the aggregate
    #: filters (the aggregates a spare joins count for all of them).
    carried: typing.Dict[str, list] = dataclasses.field(
        default_factory=dict)
    #: Each usable target's zone, the one it joins once the plan says so.
    zones: typing.Dict[str, typing.Optional[str]] = dataclasses.field(
        default_factory=dict)
    #: The targets whose zone may still change: spares outside every zone
    #: to which the plan has sent no instance pinned to their zone yet.
    joinable: typing.Set[str] = dataclasses.field(default_factory=set)
    #: The spares the plan puts into a zone.
    joined: typing.Set[str] = dataclasses.field(default_factory=set)

    @classmethod
    def start(cls, instances, targets, max_spares, failed_az, offered,
              join_zones):
        """The state before any choice.

        The spares this recovery already holds count against max_spares
        from the start: they were spent when it claimed them.
        """
        usable = [t for t in targets if t.healthy]
        return cls(plan=Plan(names={i.uuid: i.name for i in instances}),
                   usable=usable,
                   free={t.hostname: t.free for t in usable},
                   spares_left=max_spares - sum(
                       1 for t in usable if t.claimed and t.spare),
                   failed_az=failed_az, offered=offered,
                   zones={t.hostname: t.az for t in usable},
                   joinable={t.hostname for t in usable
                             if join_zones and t.spare and t.az is None})

    def affordable(self, spending):
        """The usable hosts of one kind: spares, or hosts in reservations.

        Past max_spares, only spares this recovery already holds may still
        be used: a re-run must reuse them.
        """
        return [t for t in self.usable
                if bool(t.spare) == spending and
                (not spending or self.spares_left > 0 or t.claimed)]


class Planner(object):
    """Plans the moves of one host failure.

    :param preference: criteria from ``[masakari_blazar] spare_preference``.
    :param max_spares: how many spares the failure may consume.
    :param fallback: ``scheduler`` or ``fail``, for instances no target
        holds.
    :param filters: the filters the cloud's Nova runs
        (``scheduler_filters``): Nova's aggregate filters are honoured only
        when named, as a cloud may or may not run them.
    :param spent: spares the failure has spent that are not among the
        targets, such as a claimed spare that refused the instance being
        re-planned (see :mod:`masakari_blazar.decisions.replanning`).
    :param join_zones: whether a spare outside every zone may join the zone
        of instances pinned there.
    """

    def __init__(self, preference, max_spares, fallback, filters=(),
                 spent=0, join_zones=True):
        self.preference = list(preference)
        self.max_spares = max_spares
        self.fallback = fallback
        self.filters = frozenset(filters)
        self.spent = spent
        self.join_zones = join_zones

    def _key(self, target, failed_az, offered, joins):
        # A spare this recovery already holds comes first, so that a re-run
        # reuses it; then the host Masakari offered in its reserved-host
        # flow; then one that need not join a zone, which is one change
        # fewer to make and to undo; then the operator's criteria; the name
        # keeps engines agreed.
        key = [not target.claimed, target.hostname != offered, joins]
        for criterion in self.preference:
            if criterion == 'same_az':
                key.append(target.az != failed_az)
            elif criterion == 'same_segment':
                key.append(not target.in_segment)
            elif criterion == 'best_fit':
                key.append((target.free.memory_mb, target.free.vcpus,
                            target.free.disk_gb))
        key.append(target.hostname)
        return key

    def _why(self, target, failed_az, whole, zone):
        reasons = []
        if target.claimed:
            reasons.append('already claimed by this recovery')
        if target.spare is None:
            reasons.append('already in the reservation (Blazar healing)')
        if zone:
            reasons.append('joins availability zone %s' % zone)
        if target.az == failed_az:
            reasons.append('same availability zone (%s)' % (
                failed_az or 'the default zone'))
        if target.in_segment:
            reasons.append('same Masakari segment')
        reasons.append('%s free' % target.free)
        reasons.append('holds all remaining instances of its group'
                       if whole else 'holds the most instances (spill-over)')
        return '; '.join(reasons)

    @staticmethod
    def _check_offered(targets, offered):
        """Whether the host Masakari offers is a spare, or why not.

        Blazar's spare leases are the truth: a host that Masakari's stale
        reserved flag offers but that is no free spare is passed over for
        Blazar's spares, so a stale flag never stops a recovery.  A spare
        that is unusable now is refused, so that Masakari offers the next.

        :returns: None, or the note that the offer was passed over.
        """
        for target in targets:
            if target.hostname == offered and target.spare:
                if not target.healthy:
                    raise exceptions.SpareUnusable(
                        'Reserved host %s offered by Masakari is not usable: '
                        '%s' % (offered, target.problem))
                return None
        return ('Reserved host %s offered by Masakari is not a free spare in '
                'the Blazar spare leases: planning on Blazar\'s spares '
                'instead; keep Masakari\'s reserved flags in step with '
                '"masakari-blazar sync-reserved"' % offered)

    def plan(self, instances, targets, failed_az=None, offered=None):
        """Assign every instance a target host, or the scheduler.

        :param instances: the :class:`model.Instance` objects to move.
        :param targets: candidate :class:`model.Target` hosts, spares and
            hosts already in the instances' reservations.
        :param failed_az: the home availability zone of the failed host.
        :param offered: the reserved host Masakari's reserved-host flow is
            trying; a spare it names must be healthy.
        :raises NoSpareFits: when the fallback is ``fail`` and some
            instance has no target.
        :raises SpareUnusable: when the offered spare is unhealthy.
        """
        note = self._check_offered(targets, offered) if offered else None
        if note:
            offered = None
        run = _Run.start(instances, targets, self.max_spares - self.spent,
                         failed_az, offered, self.join_zones)
        run.plan.order = [i.uuid for i in evacuation_order(instances)]
        for instance in instances:
            refused = {t.hostname: t.refuses[instance.request]
                       for t in run.usable if instance.request in t.refuses}
            if refused:
                run.plan.refusals[instance.uuid] = refused
        if note:
            run.plan.notes.append(note)
        for group, members in _groups(instances):
            self._plan_group(run, group, members)
        self._fall_back(run.plan, instances)
        return run.plan

    def _plan_group(self, run, group, members):
        """Place one group's instances, those that cost no spare first.

        Hosts already inside the reservation are filled before any spare
        is spent; what neither holds is left to the fallback, with the
        reason.
        """
        remaining = evacuation_order(members)
        for spending in (False, True):
            remaining = self._fill(run, group, remaining, spending)
        for instance in remaining:
            reason = self._unplaced_reason(instance, run.spares_left)
            refused = run.plan.refusals.get(instance.uuid)
            if refused:
                reason += '; Placement has no candidate for %s on %s' % (
                    instance.request, '; '.join(
                        '%s (%s)' % item for item in sorted(refused.items())))
            run.plan.unplaced[instance.uuid] = self._refused(
                run, instance, reason)

    def _fill(self, run, group, remaining, spending):
        """Fill one target after another until none takes an instance.

        :param spending: whether the targets are spares, or hosts already
            inside a reservation.
        :returns: the instances still without a target.
        """
        while remaining:
            eligible = {}
            joins = {}
            for target in run.affordable(spending):
                zone = self._zone_to_join(run, target, group, remaining)
                eligible[target.hostname] = [
                    i for i in self._eligible(
                        target, group, remaining, run.plan,
                        zone or run.zones[target.hostname])
                    if self._admitted(run, target, [i])]
                joins[target.hostname] = zone
            candidates = [t for t in run.usable if eligible.get(t.hostname)]
            if not candidates:
                break
            target, packed, whole = self._choose(run, candidates, eligible,
                                                 len(remaining), joins)
            if not packed:
                break
            self._assign(run, target, group, packed, whole, spending,
                         joins[target.hostname])
            remaining = [i for i in remaining if i not in packed]
        return remaining

    @staticmethod
    def _zone_to_join(run, target, group, instances):
        """The zone ``target`` would join for ``instances``, or None.

        A spare joins the zone of the first of them (in evacuation order)
        pinned to a zone: the instance that comes first chooses.  It joins
        none when that instance is pinned to the spare's own (default)
        zone, or when the spare must join a host reservation, whose
        aggregate has a Blazar zone of its own.
        """
        if group is not None or target.hostname not in run.joinable:
            return None
        for instance in instances:
            if instance.pinned:
                if instance.zone == run.zones[target.hostname]:
                    return None
                return instance.zone
        return None

    def _assign(self, run, target, group, packed, whole, spending, zone):
        """Give ``packed`` to ``target``, and spend it if it is a spare.

        A spare spent on a group serves only that group from then on
        (:meth:`_may_serve`), and is joined to its instances'
        reservations so that they pass the BlazarFilter there.  A spare
        that takes an instance pinned to a zone keeps that zone from then
        on: it joins the zone's aggregate first when it is not in it.
        """
        plan = run.plan
        if not any(i.pinned for i in packed):
            zone = None
        if spending and target.hostname not in plan.spares:
            plan.spares.append(target.hostname)
            plan.groups[target.hostname] = group
            if not target.claimed:
                run.spares_left -= 1
        plan.reasons.setdefault(target.hostname,
                                self._why(target, run.failed_az, whole,
                                          zone))
        run.carried.setdefault(target.hostname, []).extend(packed)
        if zone:
            run.zones[target.hostname] = zone
            run.joined.add(target.hostname)
        if any(i.pinned for i in packed):
            run.joinable.discard(target.hostname)
        for instance in packed:
            if instance.pinned and target.hostname in run.joined:
                _add_join(plan, target.hostname, instance.zone, model.ZONE)
            plan.moves[instance.uuid] = target.hostname
            run.free[target.hostname] -= instance.resources
            group = _anti_key(instance)
            if group is not None:
                key = (group.id, target.hostname)
                run.placed[key] = run.placed.get(key, 0) + 1
            if spending and instance.reservation is not None:
                _add_join(plan, target.hostname, instance.reservation.id,
                          instance.reservation.kind,
                          instance.reservation.project_id)

    def _fall_back(self, plan, instances):
        """Leave the instances no target holds to the scheduler, or fail.

        With ``fail`` nothing is claimed or moved, so the error names
        every instance that is missing a target.
        """
        if plan.unplaced and self.fallback == FALLBACK_FAIL:
            raise exceptions.NoSpareFits(
                'No spare can hold %d instance(s) (%s) and no_spare_action '
                'is "fail"; add spares or set no_spare_action = scheduler' % (
                    len(plan.unplaced),
                    ', '.join(sorted(i.name for i in instances
                                     if i.uuid in plan.unplaced))))
        for uuid in plan.unplaced:
            plan.moves[uuid] = None

    def _eligible(self, target, group, instances, plan, zone):
        """Which of ``instances`` (all of ``group``) ``target`` may carry.

        A host already inside a reservation (Blazar's healing replacement)
        takes only that reservation's instances: anything else on it would
        be deleted when the reservation ends or the host is reused.

        :param zone: the zone ``target`` has when they land: its own, or
            the one it joins first.
        """
        instances = [i for i in instances if i.may_land_in(zone) and
                     i.affinity_allows(target.hostname) and
                     i.request not in target.refuses]
        if target.spare is None:
            return [i for i in instances
                    if i.reservation and i.reservation.id == target.group]
        return instances if self._may_serve(target, group, plan) else []

    @staticmethod
    def _may_serve(target, group, plan):
        """Whether the spare ``target`` may carry instances of ``group``."""
        if target.hostname in plan.groups:
            return plan.groups[target.hostname] == group
        if target.committed:
            return target.group == group
        if group is not None and not target.can_join_host_reservation:
            return False
        return True

    def _admitted(self, run, target, instances):
        """Those of ``instances`` Nova's aggregate filters pass together."""
        return aggregate_filters.admissible(
            self.filters, target, run.carried.get(target.hostname, []),
            instances)

    def _refused(self, run, instance, reason):
        """``reason``, or which aggregate filter refused ``instance``.

        When the filters refuse it on every healthy target, they are the
        reason; when only on some, the operator learns of those too.
        """
        if not self.filters & set(aggregate_filters.FILTERS):
            return reason
        refused = {}
        for target in run.usable:
            why = aggregate_filters.refusal_on(
                self.filters, target, run.carried.get(target.hostname, []),
                instance)
            if why:
                refused.setdefault(why, []).append(target.hostname)
        if not refused:
            return reason
        text = '; '.join('%s (%s)' % (why, ', '.join(hostnames))
                         for why, hostnames in sorted(refused.items()))
        if sum(map(len, refused.values())) == len(run.usable):
            return text
        return '%s; %s' % (reason, text)

    def _choose(self, run, candidates, eligible, remaining, joins):
        """The target to fill next, what it takes, and if that is whole.

        A target that holds every remaining instance comes first, so that
        one spare serves where one can; then one that holds all it may
        carry (a zone, a trait or a group keeps the others off it).
        """
        packs = {t.hostname: self._admitted(
            run, t, _pack(run.free[t.hostname], eligible[t.hostname],
                          t.hostname, run.placed))
                 for t in candidates}
        whole = [t for t in candidates
                 if len(packs[t.hostname]) == remaining] or \
            [t for t in candidates
             if len(packs[t.hostname]) == len(eligible[t.hostname])]

        def key(target):
            return self._key(target, run.failed_az, run.offered,
                             joins[target.hostname] is not None)

        if whole:
            target = min(whole, key=key)
            return target, packs[target.hostname], True
        target = min(candidates, key=lambda t: (-len(packs[t.hostname]),
                                                key(t)))
        return target, packs[target.hostname], False

    def _unplaced_reason(self, instance, spares_left):
        group = instance.server_group
        if group is not None and group.policy == model.AFFINITY:
            return ('Nova\'s ServerGroupAffinityFilter passes only a host '
                    'that holds a member of %s now, and no healthy target '
                    'does: its other members are on the failed host too' %
                    group)
        if spares_left <= 0:
            return ('max_spares_per_failure (%d) reached' % self.max_spares)
        return 'no healthy spare%s has %s free%s%s' % (
            _zone_text(instance, self.join_zones) if instance.pinned else '',
            instance.resources,
            ' and can join %s' % instance.reservation
            if instance.reservation else '',
            ' and fewer than %d member(s) of %s' % (group.max_per_host,
                                                    group)
            if _anti_key(instance) else '')


def _add_join(plan, hostname, id, kind, project_id=None):
    """Count one more instance admitted on ``hostname`` by a join.

    :param id: the aggregate of a reservation, or the zone the spare
        joins (``kind`` :data:`model.ZONE`); a zone goes first, so that the
        spare is in its zone before anything else changes on it.
    """
    joins = plan.joins.setdefault(hostname, [])
    for entry in joins:
        if entry['id'] == id and entry['kind'] == kind:
            entry['count'] += 1
            return
    entry = {'id': id, 'kind': kind, 'project_id': project_id, 'count': 1}
    joins.insert(0 if kind == model.ZONE else len(joins), entry)


def _zone_text(instance, join_zones):
    if instance.zone is None:
        return ' in the default zone'
    return ' in availability zone %s%s' % (
        instance.zone, ', or outside every zone to join it,'
        if join_zones else '')


def from_options(opts, fallback=None):
    """The planner that ``[masakari_blazar]`` options describe.

    The claim task, ``plan`` and ``pool status`` must rank spares alike, so
    they all build their planner here.

    :param opts: the ``[masakari_blazar]`` group, or any object with its
        ``spare_preference``, ``max_spares_per_failure``,
        ``no_spare_action`` and ``scheduler_filters``.
    :param fallback: overrides ``no_spare_action``, for a reader that asks
        what the spares hold whatever the recovery would then do.
    """
    return Planner(opts.spare_preference, opts.max_spares_per_failure,
                   fallback or opts.no_spare_action, opts.scheduler_filters,
                   join_zones=opts.join_zones)
