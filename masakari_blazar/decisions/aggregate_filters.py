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

"""Whether Nova's aggregate filters pass an instance on a planned target.

An evacuation runs every enabled filter against its target, so a spare
that AggregateInstanceExtraSpecsFilter or AggregateMultiTenancyIsolation
refuses is a failed evacuation, not a recovery.  Both filters read the
metadata of the aggregates the target is in *when Nova schedules*, which is
not what it is in while the plan is made: a spare then has left its spare
lease's reservation aggregate and Blazar's freepool (both dropped with it
from Blazar), has kept every other aggregate, and has joined the
reservation aggregates of the instances the plan gives it
(:func:`evacuation_metadata`).

The rules follow Nova 34 (``nova/scheduler/filters/utils.py``,
``aggregate_instance_extra_specs.py``, ``aggregate_multitenancy_isolation.py``
and ``extra_specs_ops.py``); the simulated Nova models the same filters on
its own, so that each checks the other.
"""

import operator

EXTRA_SPECS_FILTER = 'AggregateInstanceExtraSpecsFilter'
TENANT_FILTER = 'AggregateMultiTenancyIsolation'
#: The filters of this module, which ``scheduler_filters`` may name.
FILTERS = (EXTRA_SPECS_FILTER, TENANT_FILTER)

SCOPE = 'aggregate_instance_extra_specs'
TENANT_KEY = 'filter_tenant_id'


def values_by_key(metadata):
    """``{key: values}`` of ``(key, value)`` pairs of several aggregates.

    Nova splits every value at commas, so ``ssd, nvme`` on one aggregate
    offers both.
    """
    found = {}
    for key, value in metadata:
        found.setdefault(key, set()).update(
            part.strip() for part in str(value).split(','))
    return found


def _number(compare):
    return lambda value, wanted: compare(float(value), float(wanted))


# A bare '=' means "at least", as for vCPUs.
_OPERATORS = {
    '=': _number(operator.ge), '==': _number(operator.eq),
    '!=': _number(operator.ne), '>=': _number(operator.ge),
    '<=': _number(operator.le),
    's==': operator.eq, 's!=': operator.ne, 's<': operator.lt,
    's<=': operator.le, 's>': operator.gt, 's>=': operator.ge,
    '<in>': lambda value, wanted: wanted in value,
}


def match(value, requirement):
    """Whether one aggregate value meets a flavor's requirement.

    A requirement without a known operator is compared whole, as a string;
    ``<or>`` takes every other word as an alternative and ``<all-in>``
    wants every word inside the value.  A number operator on a word makes
    Nova's filter raise, which fails the evacuation: no match.
    """
    words = requirement.split()
    op = words[0] if words else None
    operands = words[1:]
    if op == '<or>':
        return value in operands[::2]
    if op == '<all-in>':
        return bool(operands) and all(word in value for word in operands)
    if op not in _OPERATORS:
        return value == requirement
    if not operands:
        return False
    try:
        return _OPERATORS[op](value, operands[0])
    except ValueError:
        return False


def extra_specs_refusal(values, extra_specs):
    """Why AggregateInstanceExtraSpecsFilter refuses, or None.

    :param values: :func:`values_by_key` of the host's aggregates.
    :param extra_specs: the flavor's ``(key, value)`` pairs.
    """
    for key, wanted in sorted(extra_specs):
        name = key
        if ':' in key:
            scope, name = key.split(':', 1)
            if scope != SCOPE:
                continue
        offered = values.get(name)
        if not offered:
            return 'no aggregate of the host has %s (%s=%s)' % (
                name, key, wanted)
        if not any(match(value, str(wanted)) for value in offered):
            return 'its aggregates\' %s (%s) do not match %s=%s' % (
                name, ', '.join(sorted(offered)), key, wanted)
    return None


def tenant_refusal(values, project_id):
    """Why AggregateMultiTenancyIsolation refuses ``project_id``, or None."""
    allowed = set()
    for key, found in values.items():
        if key.startswith(TENANT_KEY):
            allowed |= found
    if allowed and project_id not in allowed:
        return 'its aggregates admit only project(s) %s' % ', '.join(
            sorted(allowed))
    return None


def refusal(filters, values, instance):
    """Why one of the enabled ``filters`` refuses ``instance``, or None.

    :param filters: the filters Nova runs (``scheduler_filters``).
    :param values: :func:`values_by_key` of every aggregate the target is
        in when Nova schedules (:func:`evacuation_metadata`).
    :param instance: a :class:`model.Instance`.
    """
    for name in FILTERS:
        if name not in filters:
            continue
        if name == EXTRA_SPECS_FILTER:
            why = extra_specs_refusal(values, instance.extra_specs)
        else:
            why = tenant_refusal(values, instance.project_id)
        if why:
            return "Nova's %s refuses it: %s" % (name, why)
    return None


def _joined(target, instance):
    """The metadata a spare gains by joining ``instance``'s reservation.

    A host already inside the reservation joins nothing.
    """
    if target.spare is None or instance.reservation is None:
        return []
    return list(instance.reservation.metadata)


def evacuation_metadata(target, instances):
    """What Nova's filters read on ``target`` once ``instances`` go there.

    A spare joins every one of their reservation aggregates before the
    evacuations start, so each counts for all of them.
    """
    metadata = list(target.aggregate_metadata)
    for instance in instances:
        metadata.extend(_joined(target, instance))
    return metadata


def refusal_on(filters, target, carried, instance):
    """Why ``instance`` is refused on ``target`` beside ``carried``."""
    return refusal(filters, values_by_key(evacuation_metadata(
        target, list(carried) + [instance])), instance)


def admissible(filters, target, carried, candidates):
    """The ``candidates`` that may join ``carried`` on ``target``, in order.

    Each is taken if the filters pass it and, with the aggregate its
    reservation makes the spare join, still pass the instances taken
    before it: an instance reservation's aggregate admits only its own
    project (``filter_tenant_id``), so joining it can shut out another
    project's instance that the plan already sends there.

    :param filters: the filters Nova runs (``scheduler_filters``).
    :param carried: the instances the plan already sends to ``target``.
    :param candidates: :class:`model.Instance` objects, in plan order.
    """
    if not set(filters) & set(FILTERS):
        return list(candidates)
    taken = []
    metadata = evacuation_metadata(target, carried)
    for instance in candidates:
        added = _joined(target, instance)
        values = values_by_key(metadata + added)
        if refusal(filters, values, instance):
            continue
        # More values only help the extra-specs filter; a new tenant key
        # may refuse the instances already taken.
        if any(key.startswith(TENANT_KEY) for key, _ in added) and any(
                refusal(filters, values, other)
                for other in list(carried) + taken):
            continue
        taken.append(instance)
        metadata += added
    return taken


def staying_metadata(hostname, aggregates, names, spare):
    """The metadata of the aggregates ``hostname`` keeps until evacuation.

    A spare leaves Blazar when it is claimed, and with it its spare lease's
    reservation aggregate and freepool (:meth:`BlazarNames.owns`); the host
    reservations it joins afterwards come back through the plan.  Any
    other host stays as it is.

    :param aggregates: Nova's aggregate list, as dicts.
    :param names: the :class:`reservations.BlazarNames`.
    :param spare: whether ``hostname`` is a spare.
    :returns: sorted ``(key, value)`` pairs.
    """
    pairs = []
    for aggregate in aggregates:
        if hostname not in aggregate.get('hosts', []):
            continue
        if spare and names.owns(aggregate):
            continue
        pairs.extend((aggregate.get('metadata') or {}).items())
    return tuple(sorted(pairs))
