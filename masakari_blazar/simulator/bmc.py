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

"""The hosts' power: each BMC, the power actions Ironic runs on it, boots.

A power driver switches hosts through their BMC and reads the power state
back, while Masakari and the plugin judge a host by its nova-compute.  The
two differ while a host boots: the BMC says 'power on' at once, nova-compute
heartbeats only once the OS and the service are up (``boot_delay``).  So a
host's power is kept here, beside Nova's service record, which only learns
of it through ``CloudState.power_off`` and ``power_on``.

A power action follows Ironic's conductor (ironic/conductor/manager.py
``change_node_power_state``, ironic/conductor/utils.py ``node_power_action``):
it holds the node's lock and shows ``target_power_state`` while it runs
(``power_action_delay``), then sets ``power_state`` and clears the target;
an action whose state the node is already in changes nothing
(``_can_skip_state_change``).  A request finding the node locked waits as
the conductor's lock retries do (ironic/conductor/task_manager.py
``_lock``), and fails with NodeLocked when the lock stays held longer.
Times are ``time.monotonic()`` seconds, as evacuations'.
"""

import dataclasses
import math
import time

from masakari_blazar.simulator import durations

# ironic/common/states.py
POWER_ON = 'power on'
POWER_OFF = 'power off'
REBOOT = 'rebooting'
SOFT_REBOOT = 'soft rebooting'
SOFT_POWER_OFF = 'soft power off'
# ironic/conf/conductor.py defaults: node_locked_retry_attempts, and
# node_locked_retry_interval in seconds.
LOCK_RETRY_ATTEMPTS = 3
LOCK_RETRY_INTERVAL = 1.0


class NodeLocked(Exception):
    """The lock stayed held through every retry (Ironic's 409)."""


def target_state(new_state):
    """The power state an action ends in (``_calculate_target_state``)."""
    if new_state in (POWER_ON, REBOOT, SOFT_REBOOT):
        return POWER_ON
    return POWER_OFF


@dataclasses.dataclass
class Action(object):
    """A power action: running from ``start`` to ``end``."""

    new_state: str
    start: float
    end: float


@dataclasses.dataclass
class Bmc(object):
    """One host's board management controller."""

    host: str
    power_state: str = POWER_ON
    # Accepted actions in order; the first runs once its start has come,
    # the others wait for the lock as their API requests do.
    actions: list = dataclasses.field(default_factory=list)
    # When nova-compute starts heartbeating again after a boot, or None.
    boot_due: float = None
    #: Simulated time of the last change, Ironic's ``updated_at``.
    updated_at: object = None

    def running(self, now):
        """The action holding the lock now, or None."""
        for action in self.actions:
            if action.start <= now < action.end:
                return action
        return None

    def target_power_state(self, now):
        action = self.running(now)
        return target_state(action.new_state) if action else None


class Power(object):
    """Every host's BMC, created on first use, all powered on."""

    def __init__(self, state, config, clock):
        self.state = state
        self.config = config
        self.clock = clock
        self.created_at = clock.now()
        self._bmcs = {}

    def bmc(self, name):
        """The BMC of compute host ``name`` (KeyError if there is none)."""
        if name not in self.state.hosts:
            raise KeyError('No compute host %r' % name)
        if name not in self._bmcs:
            self._bmcs[name] = Bmc(name, updated_at=self.created_at)
        return self._bmcs[name]

    def boot_time(self, name):
        """Seconds from power-on until the host's nova-compute is up."""
        return durations.draw(self.config['boot_delay'], name)

    def _changed(self, bmc):
        bmc.updated_at = self.clock.now()

    # What no API does: the host loses or regains power at once.
    def cut(self, name, forced_down=False):
        """Power lost: the BMC reads off and heartbeats stop now."""
        bmc = self.bmc(name)
        bmc.power_state = POWER_OFF
        bmc.boot_due = None
        self._changed(bmc)
        self.state.power_off(name, forced_down)

    def restore(self, name):
        """Power back with nova-compute up at once (no boot modelled)."""
        bmc = self.bmc(name)
        bmc.power_state = POWER_ON
        bmc.boot_due = None
        self._changed(bmc)
        self.state.power_on(name)

    # Ironic's power actions.
    def request(self, name, new_state, now=None):
        """Accept a power action, or raise NodeLocked.

        The request takes the lock when the actions before it are done,
        at one of the conductor's retries; past the last one it fails.
        """
        now = time.monotonic() if now is None else now
        bmc = self.bmc(name)
        free_at = bmc.actions[-1].end if bmc.actions else now
        attempt = max(0, math.ceil((free_at - now) / LOCK_RETRY_INTERVAL
                                   - 1e-9))
        if attempt > LOCK_RETRY_ATTEMPTS - 1:
            raise NodeLocked()
        start = now + attempt * LOCK_RETRY_INTERVAL
        projected = (target_state(bmc.actions[-1].new_state)
                     if bmc.actions else bmc.power_state)
        skip = (new_state in (POWER_ON, POWER_OFF, SOFT_POWER_OFF)
                and target_state(new_state) == projected)
        duration = 0.0 if skip else durations.draw(
            self.config['power_action_delay'], name)
        bmc.actions.append(Action(new_state, start, start + duration))
        self._changed(bmc)

    def finish_due(self, now=None):
        """End the actions and boots due by ``now``, in their order."""
        now = time.monotonic() if now is None else now
        for bmc in self._bmcs.values():
            while True:
                action_end = bmc.actions[0].end if bmc.actions else None
                boot = bmc.boot_due
                if boot is not None and boot <= now and (
                        action_end is None or boot <= action_end):
                    bmc.boot_due = None
                    self.state.power_on(bmc.host)
                elif action_end is not None and action_end <= now:
                    self._finish(bmc, bmc.actions.pop(0))
                else:
                    break

    def _finish(self, bmc, action):
        reached = target_state(action.new_state)
        rebooted = action.new_state in (REBOOT, SOFT_REBOOT)
        if reached == POWER_OFF or rebooted:
            if bmc.power_state == POWER_ON or rebooted:
                self.state.power_off(bmc.host)
            bmc.boot_due = None
        if reached == POWER_ON and (rebooted or bmc.power_state != POWER_ON):
            bmc.boot_due = action.end + self.boot_time(bmc.host)
        bmc.power_state = reached
        self._changed(bmc)
