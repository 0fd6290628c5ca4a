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

"""The pool's headroom: how many host failures the free spares absorb now.

A pool of three spares does not absorb three failures if one failure
needs two of them, and says nothing about a host whose instances fit on
none.  So the headroom is found by planning: the failures of the most
loaded compute hosts are planned one after another with the real
:class:`masakari_blazar.decisions.planner.Planner`, each consuming the
spares (and the capacity) it would take, until one failure does not fit
entirely on spares.  The number of failures planned before that one is
the ``k`` of N+k.  Most-loaded first is the pessimistic order: the
failures that need the most room are counted first, so ``k`` is what the
pool promises even if the biggest hosts fail.
"""

import dataclasses
import typing

from masakari_blazar.decisions import model


@dataclasses.dataclass
class Step(object):
    """One planned failure."""

    host: str
    instances: int
    load: model.Resources
    spares: typing.List[str]
    unplaced: typing.Dict[str, str]

    @property
    def fits(self):
        return not self.unplaced

    def to_dict(self):
        data = dataclasses.asdict(self)
        data['fits'] = self.fits
        return data


def failure_order(loads):
    """Host names by decreasing load, RAM first, as the planner packs.

    :param loads: ``{hostname: model.Resources}`` of what would move.
    """
    return sorted(loads, key=lambda h: (-loads[h].memory_mb, -loads[h].vcpus,
                                        -loads[h].disk_gb, h))


def absorb(planner, failures):
    """Plan ``failures`` one after another until one does not fit.

    :param planner: a Planner whose fallback is ``scheduler``, so that what
        does not fit is reported rather than raised.
    :param failures: ``(hostname, view)`` pairs in failure order, ``view``
        the host's :class:`failure.FailureView`; read lazily, since the
        first failure that does not fit ends the count.
    :returns: the steps that fit, and the first one that did not (or None
        when every failure fits).
    """
    used = set()
    failed = set()
    consumed = {}
    absorbed = []
    for hostname, view in failures:
        failed.add(hostname)
        targets = []
        for target in view.targets:
            if target.hostname in used or target.hostname in failed:
                continue
            if target.hostname in consumed:
                target = dataclasses.replace(
                    target, free=target.free - consumed[target.hostname])
            targets.append(target)
        plan = planner.plan(view.instances, targets, view.failed_az)
        load = model.Resources()
        for instance in view.instances:
            load += instance.resources
        step = Step(hostname, len(view.instances), load,
                    list(plan.spares),
                    {plan.label(uuid): reason
                     for uuid, reason in sorted(plan.unplaced.items())})
        if not step.fits:
            return absorbed, step
        absorbed.append(step)
        used.update(plan.spares)
        sizes = {i.uuid: i.resources for i in view.instances}
        for uuid, target in plan.moves.items():
            consumed[target] = consumed.get(target, model.Resources()) + \
                sizes[uuid]
    return absorbed, None


def summary(result):
    """One line for people: N+k and what limits it."""
    if not result['loaded_hosts']:
        return ('Headroom: no running compute host has instances that '
                'Masakari would evacuate.')
    done = ', '.join('%s (%d instance(s) -> %s)' % (
        s['host'], s['instances'], ', '.join(s['spares']) or 'no spare')
        for s in result['absorbed'])
    if result['limit'] is None:
        return ('Headroom: N+%d: the free spares absorb the failures of all '
                '%d loaded compute host(s), one after another: %s.' % (
                    result['headroom'], result['loaded_hosts'], done))
    limit = result['limit']
    first = sorted(limit['unplaced'].items())[0]
    missing = ('%d instance(s) without a spare, e.g. %s: %s' % (
        len(limit['unplaced']), first[0], first[1]))
    if not done:
        return ('Headroom: N+0: the failure of the most loaded host, %s, '
                'would not fit entirely: %s.' % (limit['host'], missing))
    return ('Headroom: N+%d: the free spares absorb the failures of %s; '
            'then %s would not fit entirely: %s.' % (
                result['headroom'], done, limit['host'], missing))
