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

"""Where an instance goes next when Nova's scheduler refused its target.

The plan predicts Nova's scheduler; where the prediction is wrong (a
filter the planner does not model, or a cloud that changed since the
plan), Nova refuses the targeted evacuation and puts the instance in
ERROR on the failed host.  Evacuating it again to the same host fails the
same way, so the evacuation re-plans it at once, without the hosts that
have refused it: a spare already claimed, then a new spare, then the
scheduler as ``no_spare_action`` allows.  Each host is tried once per
instance, so re-planning ends.

Nova's fault says only that a filter refused (``No valid host was found.
There are not enough hosts available.``) or that Placement found no room
(``No valid host was found.`` alone); which filter refused is written
only in nova-scheduler's log (``Filter <name> returned 0 hosts``).  So
the filter is named when the plugin's own checks, on a fresh read of the
cloud, find the one that refuses.
"""

import dataclasses
import typing

from masakari_blazar.decisions import model
from masakari_blazar.decisions import planner

NO_VALID_HOST = 'No valid host was found.'
FILTERED = 'There are not enough hosts available.'
#: How :data:`Choice.target` names Nova's scheduler (no target given).
SCHEDULER = None


def refused_by_scheduler(fault_message):
    """Whether a fault is the scheduler's NoValidHost, worth re-planning.

    Any other failure (a rebuild that failed on the target, a timeout) is
    not about the choice of host, and is left to the notification's retry.
    """
    return ' '.join(str(fault_message or '').split()).startswith(
        NO_VALID_HOST)


def refusing_filter(instance, target):
    """The check of Nova's that ``target`` fails for ``instance``, or None.

    :param instance: the :class:`model.Instance`, read after the refusal.
    :param target: the refused host as a :class:`model.Target`, read after
        the refusal, or None when the plugin no longer sees it as one.
    """
    if target is None:
        return None
    if not target.healthy:
        return 'ComputeFilter: %s' % target.problem
    if not instance.may_land_in(target.az):
        return ('availability zone %s (map_az_to_placement_aggregate)' %
                instance.zone)
    if not instance.affinity_allows(target.hostname):
        return 'ServerGroupAffinityFilter'
    group = instance.server_group
    if group is not None and group.policy == model.ANTI_AFFINITY and \
            group.members_on(target.hostname) >= group.max_per_host:
        return 'ServerGroupAntiAffinityFilter'
    if not instance.resources.fits_in(target.free):
        return 'Placement: %s free, %s needed' % (
            target.free, instance.resources)
    return None


def why_refused(fault_message, filter_name):
    """What the progress line says refused the host.

    :param filter_name: from :func:`refusing_filter`, or None.
    """
    if filter_name:
        return filter_name
    reason = ' '.join(str(fault_message or '').split())
    if reason.rstrip('. ') == NO_VALID_HOST.rstrip('.'):
        return 'Placement found no room for it there'
    if FILTERED in reason:
        return ('a scheduler filter; nova-scheduler\'s log names it: '
                '"Filter <name> returned 0 hosts"')
    return reason


def room_left(targets, held_back):
    """The targets of a re-plan, with the room left on each.

    :param held_back: ``{host: model.Resources}`` the plan still holds for
        instances whose evacuation has not started (see :func:`held_back`):
        Placement does not count them yet, and re-planning must not take
        their room.
    """
    return [dataclasses.replace(
        t, free=t.free - held_back.get(t.hostname, model.Resources()))
        for t in targets]


@dataclasses.dataclass(frozen=True)
class Choice(object):
    """Where a refused instance goes next."""

    #: The host to evacuate to; None with :attr:`stop` unset for the
    #: scheduler.
    target: typing.Optional[str] = SCHEDULER
    #: Whether ``target`` is a free spare that must be claimed first.
    claim: bool = False
    #: Why there is no target left, when there is none.
    stop: typing.Optional[str] = None
    #: Why no spare takes it, when ``target`` is the scheduler.
    reason: typing.Optional[str] = None
    #: The availability zone ``target`` must join first, if any.
    zone: typing.Optional[str] = None


def choose(instance, tried, targets, chooser, failed_az=None):
    """The next target of ``instance``, after ``tried`` refused it.

    :param tried: the hosts already tried for the instance in this run;
        :data:`SCHEDULER` among them when the scheduler's own choice was
        refused too.
    :param targets: :class:`model.Target` hosts as :func:`room_left` gives
        them, the tried ones among them.
    :param chooser: the recovery's :class:`planner.Planner`, so that the
        re-plan honours the same constraints, preferences, ``max_spares``
        and ``no_spare_action`` as the plan.
    """
    left = [t for t in targets if t.hostname not in tried]
    # A claimed spare that refused was spent all the same: it still counts
    # against max_spares_per_failure.  The scheduler is the fallback here,
    # so that the reason no spare takes the instance is known whatever
    # no_spare_action says.
    spent = sum(1 for t in targets if t.hostname in tried and t.claimed and
                t.spare is not None and t.healthy)
    plan = planner.Planner(chooser.preference, chooser.max_spares,
                           planner.FALLBACK_SCHEDULER,
                           filters=chooser.filters,
                           spent=chooser.spent + spent,
                           join_zones=chooser.join_zones).plan(
        [instance], left, failed_az)
    target = plan.moves.get(instance.uuid)
    if target is not None:
        chosen = next(t for t in left if t.hostname == target)
        return Choice(target=target,
                      claim=chosen.spare is not None and not chosen.claimed,
                      zone=plan.zone_joined(target))
    reason = plan.unplaced.get(instance.uuid)
    if chooser.fallback == planner.FALLBACK_FAIL:
        return Choice(stop='no other spare can take it (%s), and '
                           'no_spare_action is "fail"; add spares or set '
                           'no_spare_action = scheduler' % reason)
    if SCHEDULER in tried:
        return Choice(stop='no other spare can take it (%s), and the '
                           'scheduler refused it too' % reason)
    return Choice(reason=reason)


def held_back(instances, queued):
    """The room the plan still holds on each host, for :func:`room_left`.

    :param instances: :class:`model.Instance` values, for their sizes.
    :param queued: ``{instance uuid: planned host}`` of the instances
        whose evacuation has not started; the scheduler's are left out.
    """
    sizes = {i.uuid: i.resources for i in instances}
    held = {}
    for uuid, host in queued.items():
        if host is not None and uuid in sizes:
            held[host] = held.get(host, model.Resources()) + sizes[uuid]
    return held


def with_members_heading(instance, moving, heading):
    """``instance``, its anti-affinity group counting the members on the way.

    Nova shows a member whose evacuation has not started, or not finished,
    on the failed host, so the read leaves it out of where the group's
    members are; where it is going it counts against
    ``max_server_per_host`` all the same (the destination's late check of
    the group policy fails a rebuild that breaks it).

    :param moving: the :class:`model.Instance` values still on the failed
        host.
    :param heading: ``{instance uuid: host}`` where each of them is going.
    """
    group = instance.server_group
    if group is None or group.policy != model.ANTI_AFFINITY:
        return instance
    on = dict(group.elsewhere)
    for other in moving:
        host = heading.get(other.uuid)
        if (host is not None and other.uuid != instance.uuid and
                other.server_group is not None and
                other.server_group.id == group.id):
            on[host] = on.get(host, 0) + 1
    return dataclasses.replace(instance, server_group=dataclasses.replace(
        group, elsewhere=tuple(sorted(on.items()))))
