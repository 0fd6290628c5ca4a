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

"""Which of a notification's VMoves tells each instance's state.

Masakari's ``prepare_HA_enabled_instances_task`` writes new VMove rows each
time a notification is run again, so after an engine died an instance may
have several: PENDING ones, and ONGOING ones for evacuations that were
under way.  The newest row of an instance is the one that counts; the rows
are taken as plain values (anything with ``id``, ``instance_uuid`` and
``status``), so the tasks only read and save them.
"""

import dataclasses
import typing

import masakari.objects.fields

# The statuses of a VMove whose instance has not settled yet.
OPEN = (masakari.objects.fields.VMoveStatus.PENDING,
        masakari.objects.fields.VMoveStatus.ONGOING)


def _histories(rows):
    """Each instance's rows, oldest first: ids grow as Masakari writes."""
    by_instance = {}
    for row in sorted(rows, key=lambda r: r.id):
        by_instance.setdefault(row.instance_uuid, []).append(row)
    return by_instance


def newest(rows):
    """Each instance's newest row, by instance uuid."""
    return {uuid: history[-1] for uuid, history in _histories(rows).items()}


@dataclasses.dataclass
class Resumption(object):
    """What a run of the evacuation takes up from the runs before it."""

    #: The row to act on, by instance uuid, for each instance whose newest
    #: row is still open; an instance whose newest row is settled is not
    #: moved again, and its older rows are left as they are.
    current: typing.Dict[str, typing.Any]
    #: ``(older open row, the current row that supersedes it)`` pairs, to
    #: be closed so that the records agree on where the instance is.
    superseded: typing.List[typing.Tuple[typing.Any, typing.Any]]


def resume(rows):
    """The rows to act on, and the older open rows they supersede."""
    current = {}
    superseded = []
    for uuid, history in _histories(rows).items():
        latest = history[-1]
        if latest.status not in OPEN:
            continue
        superseded.extend((stale, latest) for stale in history[:-1]
                          if stale.status in OPEN)
        current[uuid] = latest
    return Resumption(current, superseded)
