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

"""An instance's flavor as the resource request Nova sends Placement.

Nova builds its ``GET /allocation_candidates`` query from the flavor on
every scheduling, an evacuation included (nova.scheduler.utils
ResourceRequest; doc/source/upstream-behaviour.rst).  A spare that has no
candidate for that query is refused before any filter runs, so the plan
asks the same question, of the same flavor, that Nova will.  The flavor is
the copy Nova embeds in the server (microversion 2.47 on), extra specs
included.
"""

import re

from masakari_blazar.decisions import model

# resources[$S]:CLASS and trait[$S]:NAME, with Placement's group suffixes.
_EXTRA_SPEC = re.compile(r'^(resources|trait)([a-zA-Z0-9_-]{1,64})?:(.*)$')
_CLASS_NAME = re.compile(r'^[A-Z0-9_]+$')
HYPERTHREADING = 'HW_CPU_HYPERTHREADING'
_THREAD_TRAIT = {'isolate': 'forbidden', 'require': 'required'}


def parse_cpu_spec(spec):
    """The CPU numbers of a set like ``0-3,^2,6``, as Nova parses it."""
    chosen = set()
    rejected = set()
    for rule in spec.split(','):
        rule = rule.strip()
        if not rule:
            continue
        into = chosen
        if rule.startswith('^'):
            into, rule = rejected, rule[1:]
        start, _, end = rule.partition('-')
        into.update(range(int(start), int(end or start) + 1))
    return chosen - rejected


def _dedicated_cpus(flavor, specs):
    """How many of a ``mixed`` flavor's CPUs ``hw:cpu_dedicated_mask`` pins.

    A mask that starts with ``^`` names the shared CPUs of the flavor's
    ``0..vcpus-1``; otherwise it names the dedicated ones.
    """
    mask = (specs.get('hw:cpu_dedicated_mask') or '').strip()
    if not mask:
        return 0
    if mask.startswith('^'):
        mask = '0-%d,%s' % (int(flavor.get('vcpus', 0)) - 1, mask)
    return len(parse_cpu_spec(mask))


def from_flavor(flavor, volume_backed=False):
    """The :class:`model.Request` Nova makes of ``flavor`` (embedded dict).

    In Nova's order: the ``resources[$S]:`` and ``trait[$S]:`` extra specs;
    then the CPU policy (``dedicated`` asks ``PCPU`` for every vCPU,
    ``mixed`` ``PCPU`` for the CPUs of ``hw:cpu_dedicated_mask`` and
    ``VCPU`` for the rest, ``hw:emulator_threads_policy=isolate`` one
    ``PCPU`` more; ``hw:cpu_thread_policy`` isolate or require forbids or
    requires ``HW_CPU_HYPERTHREADING``); then the flavor's own vCPUs, RAM
    and disk for the classes nothing set yet.  Zero amounts are dropped.
    Groups with a suffix are merged into one request: a spare is one
    provider tree, and what the groups ask of it adds up.  A
    volume-backed instance's root disk is not on the host, and Nova does
    not ask Placement for it.
    """
    specs = flavor.get('extra_specs') or {}
    groups = {None: {}}
    required = set()
    forbidden = set()
    for key, value in sorted(specs.items()):
        match = _EXTRA_SPEC.match(key)
        if not match:
            continue
        prefix, suffix, name = match.groups()
        if prefix == 'resources':
            if _CLASS_NAME.match(name) and str(value).strip().isdigit():
                groups.setdefault(suffix, {})[name] = int(value)
        elif value == 'required':
            required.add(name)
        elif value == 'forbidden':
            forbidden.add(name)
    vcpus = int(flavor.get('vcpus', 0))
    policy = specs.get('hw:cpu_policy')
    if policy in ('dedicated', 'mixed'):
        pcpus = vcpus
        if policy == 'mixed':
            pcpus = _dedicated_cpus(flavor, specs)
            groups[None]['VCPU'] = vcpus - pcpus
        if specs.get('hw:emulator_threads_policy') == 'isolate':
            pcpus += 1
        groups[None]['PCPU'] = pcpus
    # Zero amounts count here: resources:VCPU=0 keeps the vCPUs out.
    amounts = {}
    for group in groups.values():
        for rc, amount in group.items():
            amounts[rc] = amounts.get(rc, 0) + amount
    trait = _THREAD_TRAIT.get(specs.get('hw:cpu_thread_policy'))
    if trait:
        (required if trait == 'required' else forbidden).add(HYPERTHREADING)
    if 'VCPU' not in amounts and 'PCPU' not in amounts:
        amounts['VCPU'] = vcpus
    amounts.setdefault('MEMORY_MB', int(flavor.get('ram', 0)))
    if 'DISK_GB' not in amounts:
        swap_gb = -(-int(flavor.get('swap') or 0) // 1024)
        root_gb = 0 if volume_backed else int(flavor.get('disk', 0))
        amounts['DISK_GB'] = root_gb + int(flavor.get('ephemeral') or 0) + \
            swap_gb
    return model.Request(model.Resources.from_classes(amounts),
                         frozenset(required), frozenset(forbidden))


def without(request, rc):
    """``request`` without resource class ``rc``.

    For the class of a flavor-based instance reservation: the spare that
    joins the reservation gets that inventory from the plugin's admission,
    after the plan, so Placement is asked for the rest only.
    """
    amounts = request.resources.classes()
    amounts.pop(rc, None)
    return model.Request(model.Resources.from_classes(amounts),
                         request.required, request.forbidden)


def query(request):
    """The ``GET /allocation_candidates`` query string of ``request``.

    Forbidden traits (``!NAME``) need Placement microversion 1.22.
    """
    text = 'resources=' + ','.join(
        '%s:%d' % item for item in sorted(request.resources.classes().items()))
    traits = sorted(request.required) + ['!' + t
                                         for t in sorted(request.forbidden)]
    if traits:
        text += '&required=' + ','.join(traits)
    return text


def refusal(request, traits, free, total):
    """Why Placement has no candidate for ``request`` on a host.

    :param traits: the host's traits, None where they were not read.
    :param free: the host's free :class:`model.Resources`.
    :param total: the host's capacity, to tell "no inventory" from "full".
    :returns: the reason, as precise as what was read allows.
    """
    if traits is not None:
        missing = sorted(request.required - set(traits))
        if missing:
            return 'lacks trait%s %s' % ('s' if len(missing) > 1 else '',
                                         ', '.join(missing))
        present = sorted(request.forbidden & set(traits))
        if present:
            return 'has trait%s %s, which the flavor forbids' % (
                's' if len(present) > 1 else '', ', '.join(present))
    capacity = total.classes()
    room = free.classes()
    for rc, amount in sorted(request.resources.classes().items()):
        if not capacity.get(rc):
            return 'no %s inventory' % rc
        if amount > room.get(rc, 0):
            return 'only %d %s free of the %d asked' % (room.get(rc, 0), rc,
                                                        amount)
    return ('Placement offers no allocation candidate for %s (a max_unit, '
            'min_unit or step_size of its inventory)' % request.resources)
