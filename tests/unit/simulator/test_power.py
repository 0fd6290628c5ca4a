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

"""The hosts' power model, on explicit times (no server, no sleeping).

The conductor's lock retries (ironic/conductor/task_manager.py ``_lock``:
node_locked_retry_attempts=3 tries, node_locked_retry_interval=1 s apart)
decide whether a request meeting a running power action waits or fails.
"""

import pytest

from masakari_blazar.simulator import bmc
from masakari_blazar.simulator import SimulatedCloud


def _power(**config):
    cloud = SimulatedCloud('basic', **config)
    return cloud, cloud.power


def test_an_action_shows_its_target_until_it_ends():
    cloud, power = _power(power_action_delay=5)
    power.request('compute-1', bmc.POWER_OFF, now=0.0)
    node = power.bmc('compute-1')
    assert node.target_power_state(1.0) == bmc.POWER_OFF
    power.finish_due(now=4.9)
    assert node.power_state == bmc.POWER_ON
    assert cloud.state.hosts['compute-1'].service.powered
    power.finish_due(now=5.0)
    assert node.power_state == bmc.POWER_OFF
    assert node.target_power_state(5.0) is None
    assert not cloud.state.hosts['compute-1'].service.powered


def test_a_request_waits_for_the_lock_within_the_retries():
    # A lock freed by the third try (2 s after the first) is taken then.
    _, power = _power(power_action_delay=1.5)
    power.request('compute-1', bmc.POWER_OFF, now=0.0)
    power.request('compute-1', bmc.POWER_ON, now=0.0)
    waiting = power.bmc('compute-1').actions[1]
    assert (waiting.start, waiting.end) == (2.0, 3.5)
    assert power.bmc('compute-1').target_power_state(1.4) == bmc.POWER_OFF
    assert power.bmc('compute-1').target_power_state(1.9) is None
    assert power.bmc('compute-1').target_power_state(2.1) == bmc.POWER_ON


def test_a_lock_held_past_the_last_retry_is_node_locked():
    _, power = _power(power_action_delay=5)
    power.request('compute-1', bmc.POWER_OFF, now=0.0)
    with pytest.raises(bmc.NodeLocked):
        power.request('compute-1', bmc.POWER_ON, now=2.9)
    power.request('compute-1', bmc.POWER_ON, now=3.0)


def test_nova_compute_comes_up_a_boot_delay_after_power_on():
    cloud, power = _power(power_action_delay=1, boot_delay=10)
    cloud.fail_host('compute-1')
    power.request('compute-1', bmc.POWER_ON, now=0.0)
    power.finish_due(now=1.0)
    assert power.bmc('compute-1').power_state == bmc.POWER_ON
    power.finish_due(now=10.9)
    assert not cloud.state.hosts['compute-1'].service.powered
    power.finish_due(now=11.0)
    assert cloud.state.hosts['compute-1'].service.powered


def test_an_action_to_the_state_the_node_is_in_changes_nothing():
    # _can_skip_state_change: no power action, no boot, at once.
    cloud, power = _power(power_action_delay=5, boot_delay=10)
    power.request('compute-1', bmc.POWER_ON, now=0.0)
    assert power.bmc('compute-1').actions[0].end == 0.0
    power.finish_due(now=0.0)
    assert power.bmc('compute-1').boot_due is None
    assert cloud.state.hosts['compute-1'].service.powered


def test_a_reboot_stops_the_heartbeats_until_the_boot_ends():
    cloud, power = _power(power_action_delay=1, boot_delay=10)
    power.request('compute-1', bmc.REBOOT, now=0.0)
    assert power.bmc('compute-1').target_power_state(0.5) == bmc.POWER_ON
    power.finish_due(now=1.0)
    assert power.bmc('compute-1').power_state == bmc.POWER_ON
    assert not cloud.state.hosts['compute-1'].service.powered
    power.finish_due(now=11.0)
    assert cloud.state.hosts['compute-1'].service.powered


def test_fail_and_recover_switch_the_bmc_at_once():
    cloud, _ = _power(boot_delay=10)
    cloud.fail_host('compute-1')
    assert cloud.power_state('compute-1') == bmc.POWER_OFF
    assert cloud.snapshot()['hosts']['compute-1']['power_state'] == \
        bmc.POWER_OFF
    cloud.recover_host('compute-1')
    assert cloud.power_state('compute-1') == bmc.POWER_ON
    assert cloud.state.hosts['compute-1'].service.powered
