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

"""What a retry does with an instance that an earlier attempt left in ERROR.

Nova puts an instance whose evacuation failed in ERROR, on the failed host
(the scheduler or the rebuild failed there) or on its target (the rebuild
failed on the target).  Masakari's ``_evacuate_and_confirm`` restores the
vm_state it finds, so a retry that evacuates such an instance as it is
leaves it in ERROR and reports it evacuated, and a retry that finds no
instance left on the failed host skips the recovery altogether.  An
instance that was in ERROR before the failure must stay so, though: it
is told apart by when it went into ERROR.
"""

import enum

import masakari.objects.fields

ERROR = 'error'
SUCCEEDED = masakari.objects.fields.VMoveStatus.SUCCEEDED


class Action(enum.Enum):
    #: Nothing to undo: not in ERROR, or in ERROR before the failure.
    LEAVE = 'leave'
    #: Still on the failed host: reset to ACTIVE, then evacuate it again.
    EVACUATE_AGAIN = 'evacuate again'
    #: Already moved off the failed host: reset to ACTIVE where it is.
    RECOVER_IN_PLACE = 'recover in place'


def left_in_error(vm_state, fault_created, attempts):
    """Whether this notification's attempts put the instance in ERROR.

    :param vm_state: the instance's vm_state now.
    :param fault_created: when Nova recorded the instance's fault (naive
        UTC), or None when it shows none.
    :param attempts: the instance's VMoves of the notification: values
        with ``status`` and ``start_time`` (naive UTC, set when an
        evacuation was asked for).

    With no evacuation asked for, the ERROR came before.  Otherwise Nova's
    fault tells: a fault recorded since the first evacuation was asked for
    is ours (Nova keeps seconds only, so the start is taken to the second).
    Without a fault, an attempt that did not succeed is taken to have left
    it so (Masakari resets an instance that is being rebuilt to ERROR
    before it evacuates, which records no fault), while a successful one
    restored the ERROR it found.
    """
    if vm_state != ERROR:
        return False
    started = [a for a in attempts if a.start_time is not None]
    if not started:
        return False
    if fault_created is not None:
        first = min(a.start_time for a in started)
        return fault_created >= first.replace(microsecond=0)
    return any(a.status != SUCCEEDED for a in started)


def action(vm_state, host, fault_created, attempts, failed_host):
    """What a retry does with the instance (see :class:`Action`)."""
    if not left_in_error(vm_state, fault_created, attempts):
        return Action.LEAVE
    if host == failed_host:
        return Action.EVACUATE_AGAIN
    return Action.RECOVER_IN_PLACE
