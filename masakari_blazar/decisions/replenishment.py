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

"""Which free Blazar hosts become spares when the pool runs low.

The operator's spare profile (``spare_host_properties``) uses Blazar's own
``hypervisor_properties`` syntax, so a host that Blazar would give such a
lease is a host the profile accepts.  The choice prefers the largest
matching hosts, and the host name breaks ties, so every engine chooses
alike.
"""

import dataclasses
import json
import operator
import typing

from masakari_blazar import exceptions


OPERATORS = {'=': operator.eq, '==': operator.eq, '!=': operator.ne,
             '<': operator.lt, '<=': operator.le, '>': operator.gt,
             '>=': operator.ge}


@dataclasses.dataclass(frozen=True)
class Condition(object):
    key: str
    op: str
    value: str

    def __str__(self):
        return '%s %s %s' % (self.key, self.op, self.value)


def _condition(item):
    if (isinstance(item, list) and len(item) == 3 and
            all(isinstance(x, str) for x in item) and
            item[0] in OPERATORS and item[1].startswith('$') and
            len(item[1]) > 1):
        return Condition(item[1][1:], item[0], item[2])
    return None


def parse_profile(text):
    """The conditions of a Blazar hypervisor_properties query.

    Blazar accepts one comparison ``[op, "$field", value]`` or ``["and",
    comparison, ...]``; so does this, and refuses anything else in one line
    rather than guessing.
    """
    if not (text or '').strip():
        return []
    try:
        query = json.loads(text)
    except ValueError as exc:
        raise exceptions.ConfigError(
            '[masakari_blazar] spare_host_properties is not JSON (%s): %s'
            % (exc, text))
    if query == []:
        return []
    single = _condition(query)
    if single:
        return [single]
    if (isinstance(query, list) and len(query) > 1 and query[0] == 'and'):
        parts = [_condition(item) for item in query[1:]]
        if all(parts):
            return parts
    raise exceptions.ConfigError(
        '[masakari_blazar] spare_host_properties is not a Blazar query: '
        'write [op, "$field", value] or ["and", [op, "$field", value], ...] '
        'with op one of %s: %s' % (' '.join(sorted(OPERATORS)), text))


def _number(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def matches(properties, conditions):
    """Whether a Blazar host (its fields and extra capabilities) matches.

    Numbers compare as numbers, anything else as text; a missing field
    matches nothing.
    """
    for condition in conditions:
        actual = properties.get(condition.key)
        if actual is None:
            return False
        compare = OPERATORS[condition.op]
        left, right = _number(actual), _number(condition.value)
        if left is None or right is None:
            left, right = str(actual), condition.value
        if not compare(left, right):
            return False
    return True


@dataclasses.dataclass
class Candidate(object):
    """A Blazar host, with what decides whether it may become a spare."""

    hostname: str
    properties: dict
    in_freepool: bool = True
    allocated: bool = False
    problem: typing.Optional[str] = None


def _size(candidate):
    props = candidate.properties
    return tuple(-(_number(props.get(k)) or 0)
                 for k in ('memory_mb', 'vcpus', 'local_gb'))


def choose(candidates, conditions, pool_size, min_size):
    """Which free hosts to make spares.

    :returns: the chosen host names, ``{hostname: why not}`` for the
        others, and how many spares are still missing after them.
    """
    need = max(min_size - pool_size, 0)
    eligible = []
    skipped = {}
    for candidate in candidates:
        if candidate.allocated:
            skipped[candidate.hostname] = 'allocated to a Blazar lease'
        elif not candidate.in_freepool:
            skipped[candidate.hostname] = 'not in freepool'
        elif candidate.problem:
            skipped[candidate.hostname] = candidate.problem
        elif not matches(candidate.properties, conditions):
            skipped[candidate.hostname] = ('does not match '
                                           'spare_host_properties')
        else:
            eligible.append(candidate)
    eligible.sort(key=lambda c: (_size(c), c.hostname))
    chosen = [c.hostname for c in eligible[:need]]
    return chosen, skipped, need - len(chosen)
