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

"""The rebuilds a compute host runs at once, and what they cost each other.

Without this model every evacuation took its drawn time however many
rebuilds its target ran at once, so fifty simultaneous evacuations onto
one spare cost nothing more than one, and a benchmark could not tell a
flow that floods a spare from one that paces it.  Two things bound a real
host:

* **Slots.**  ``ComputeManager.rebuild_instance`` takes no semaphore of
  its own (Nova 34: ``max_concurrent_builds`` guards new builds only, and
  in threading mode not even those); it runs in the thread of the RPC
  server that received the cast, and that pool is oslo.messaging's
  ``executor_thread_pool_size``, 64 by default.  A 65th rebuild waits for
  a thread, in arrival order.
* **A shared cost.**  Rebuilds on one host share its image downloads, disk
  and CPU.  Modelled as processor sharing: with ``k`` rebuilds running
  and a ``parallelism`` of ``p``, each progresses at ``min(1, p / k)`` of
  its full speed, so a rebuild that meets ``k`` others throughout takes
  ``drawn * max(1, k / p)``, and speeds up again as they finish.  A
  parallelism of 0 means no shared cost.

The parallelism is an assumption, not a measured upstream figure (nothing
in Nova limits it; ``[compute] max_concurrent_disk_ops`` is unlimited by
default): it stands for whatever a real spare saturates first.

Times are plain numbers (the caller's clock); nothing here sleeps.
"""

import collections

# Remaining work below this counts as done (floating-point slack).
_EPSILON = 1e-9


class HostRebuilds(object):
    """One host's rebuilds: at most ``slots`` run, the rest wait in order."""

    def __init__(self, slots, parallelism, now):
        self.slots = slots
        self.parallelism = parallelism
        # Rebuild id -> seconds of work left, at full speed.
        self.running = {}
        self.waiting = collections.deque()
        self.updated = now
        #: The most rebuilds it ever ran at once: how hard a flow drove it.
        self.peak = 0

    def rate(self):
        """The fraction of full speed each running rebuild progresses at."""
        running = len(self.running)
        if not self.parallelism or running <= self.parallelism:
            return 1.0
        return self.parallelism / running

    def _advance(self, now):
        done = (now - self.updated) * self.rate()
        for rebuild_id in self.running:
            self.running[rebuild_id] -= done
        self.updated = now

    def _fill(self):
        while self.waiting and len(self.running) < self.slots:
            rebuild_id, work = self.waiting.popleft()
            self.running[rebuild_id] = work
        self.peak = max(self.peak, len(self.running))

    def add(self, rebuild_id, work, now):
        self._advance(now)
        self.waiting.append((rebuild_id, work))
        self._fill()

    def remove(self, rebuild_id, now):
        """Drop a rebuild that will not finish (its server was deleted)."""
        self._advance(now)
        self.running.pop(rebuild_id, None)
        self.waiting = collections.deque(
            w for w in self.waiting if w[0] != rebuild_id)
        self._fill()

    def next_finish(self):
        """When the first running rebuild ends if nothing else changes."""
        if not self.running:
            return None
        return self.updated + min(self.running.values()) / self.rate()

    def due(self, rebuild_id):
        """When a rebuild ends if nothing changes; None while it waits."""
        if rebuild_id not in self.running:
            return None
        return self.updated + self.running[rebuild_id] / self.rate()

    def finish(self, now):
        """The rebuilds that ended by ``now``, as (id, time), in order."""
        ended = []
        while True:
            at = self.next_finish()
            if at is None or at > now:
                break
            self._advance(at)
            for rebuild_id in sorted(
                    r for r, left in self.running.items()
                    if left <= _EPSILON):
                del self.running[rebuild_id]
                ended.append((rebuild_id, at))
            self._fill()
        self._advance(now)
        return ended


class Rebuilds(object):
    """Every host's rebuilds, each rebuild known by a unique id."""

    def __init__(self, slots, parallelism):
        self.slots = slots
        self.parallelism = parallelism
        self.hosts = {}
        self.where = {}

    def add(self, host, rebuild_id, work, now):
        if host not in self.hosts:
            self.hosts[host] = HostRebuilds(self.slots, self.parallelism,
                                            now)
        self.hosts[host].add(rebuild_id, work, now)
        self.where[rebuild_id] = host

    def remove(self, rebuild_id, now):
        host = self.where.pop(rebuild_id, None)
        if host is not None:
            self.hosts[host].remove(rebuild_id, now)

    def due(self, rebuild_id):
        host = self.where.get(rebuild_id)
        return None if host is None else self.hosts[host].due(rebuild_id)

    def finish(self, now):
        """Every rebuild that ended by ``now``, as (id, time), in order."""
        ended = []
        for host in self.hosts.values():
            ended += host.finish(now)
        for rebuild_id, _ in ended:
            del self.where[rebuild_id]
        return sorted(ended, key=lambda pair: pair[1])


def all_at_once(works, slots, parallelism):
    """When each rebuild ends if all start together on one host.

    :param works: (id, full-speed seconds) in arrival order.
    :returns: id -> seconds from the start to its end.
    """
    host = HostRebuilds(slots, parallelism, 0.0)
    for rebuild_id, work in works:
        host.add(rebuild_id, work, 0.0)
    return dict(host.finish(float('inf')))
