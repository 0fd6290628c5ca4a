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

"""How many evacuations run at once: in all, and onto each spare.

A spare rebuilds several instances at once by sharing its disks, network
and image downloads among them, so each of many simultaneous rebuilds
takes longer than it would alone; the spare's throughput does not grow
with them.  Masakari confirms each evacuation within
``wait_period_after_evacuation`` (90 s) of asking for it and fails the
instance's VMove after that, even though Nova goes on.  Fifty evacuations
started onto one spare can each outlast it where ten would not: so an
evacuation waits for a slot on its spare before it is asked for, and only
then takes one of the recovery's ``evacuation_concurrency``.  A target
left to Nova's scheduler is limited by the total alone.

Both queues are first come, first served (eventlet's semaphores wake
their waiters in order), so instances started in the plan's order keep
it, on each spare.
"""

import collections
import contextlib

from eventlet import semaphore


class EvacuationSlots(object):
    """``evacuation_concurrency`` in all, ``per_spare`` onto each spare."""

    def __init__(self, total, per_spare):
        self._total = semaphore.Semaphore(total)
        self._spares = collections.defaultdict(
            lambda: semaphore.Semaphore(per_spare))

    @contextlib.contextmanager
    def evacuating(self, target):
        """Hold a slot on ``target`` (None: the scheduler's), then one in all.

        Always in that order, and given back in the reverse one, so that no
        two evacuations each hold what the other waits for, and one that
        waits for a busy spare holds none of the slots others could use.
        """
        with contextlib.ExitStack() as held:
            if target is not None:
                held.enter_context(self._spares[target])
            held.enter_context(self._total)
            yield
