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
"""When a spare may be cooled, and the steps to cold and back."""

import pytest

from masakari_blazar.cloud import ledger
from masakari_blazar.decisions import cold_spares as cold
from masakari_blazar.decisions import host_return

CLAIMS = 'masakari-blazar-claims'


def free_spare(**fields):
    values = dict(spare_lease='masakari-spare-1', spare_lease_status='ACTIVE',
                  registered=True)
    values.update(fields)
    return host_return.HostState('spare-1', **values)


def cold_claim():
    return ledger.Claim('spare-1', None, '2026-12-04T05:00:00',
                        lease='masakari-spare-1', cold=True)


def facts(power='on', enabled=True, up=True):
    return cold.PowerFacts(power, enabled, up)


def actions(steps):
    return [step.action for step in steps]


def test_a_free_spare_is_cooled_in_the_order_that_keeps_it_safe():
    steps = cold.cool_steps(free_spare(), facts(), CLAIMS)
    # Recorded before anything changes; disabled before it leaves Blazar;
    # powered off last.
    assert actions(steps) == [cold.RECORD, cold.DISABLE, cold.DETACH,
                              cold.POWER_OFF]
    assert steps[1].text == ('disable nova-compute on spare-1 ("%s")' %
                             cold.DISABLED_REASON)


def test_an_interrupted_cooling_carries_on_where_it_stopped():
    # Recorded and disabled, its lease gone, still registered in Blazar.
    state = free_spare(claim=cold_claim(), spare_lease=None,
                       spare_lease_status=None)
    assert actions(cold.cool_steps(state, facts(enabled=False), CLAIMS)) == \
        [cold.UNREGISTER, cold.POWER_OFF]
    state.registered = False
    assert actions(cold.cool_steps(state, facts('powering off', False),
                                   CLAIMS)) == []


@pytest.mark.parametrize('fields,managed,refusal', [
    ({}, False, 'cannot cool spare-1: [masakari_blazar] power_driver is '
     'none'),
    ({'known': False}, True, 'unknown host spare-1'),
    ({'claim': ledger.Claim('spare-1', 'n-1', '')}, True,
     'spare-1 is claimed by notification n-1: only a free spare is cooled'),
    ({'spare_lease': None}, True, 'spare-1 is not a free spare'),
    ({'spare_lease_status': 'PENDING'}, True, 'spare-1 is not a free spare'),
    ({'problem': 'nova-compute is down'}, True,
     'spare-1 is unhealthy (nova-compute is down)'),
    ({'servers': ['vm-2', 'vm-1']}, True,
     'spare-1 holds 2 server(s) (vm-1, vm-2): only an empty spare'),
])
def test_only_a_free_healthy_empty_spare_is_cooled(fields, managed, refusal):
    found = cold.cool_refusal(free_spare(**fields), facts(), managed)
    assert found is not None and found.startswith(refusal), found


def test_a_cold_spare_is_finished_whatever_it_looks_like():
    state = free_spare(claim=cold_claim(), spare_lease=None,
                       problem='nova-compute is disabled')
    assert cold.cool_refusal(state, facts('off', False, False), True) is None


def _warm_steps(state, power='off', enabled=False, up=False):
    return cold.warm_steps(state, facts(power, enabled, up),
                           host_return.steps(state, 'masakari-spare', 3650,
                                             CLAIMS, 'freepool'))


def test_a_cold_spare_is_registered_before_it_is_enabled():
    state = host_return.HostState('spare-1', claim=cold_claim(),
                                  problem='nova-compute is disabled')
    assert actions(_warm_steps(state)) == [
        cold.POWER_ON, cold.WAIT_UP, host_return.REGISTER, cold.ENABLE,
        cold.WAIT_RESERVABLE, host_return.LEASE, host_return.DROP_CLAIM]


def test_an_interrupted_warm_up_carries_on():
    state = host_return.HostState('spare-1', claim=cold_claim(),
                                  registered=True)
    # Powered on, registered and enabled: only Blazar's side is left,
    # once nova-compute is seen up (Nova's word alone is no proof).
    assert actions(_warm_steps(state, 'on', True, True)) == [
        cold.WAIT_UP, cold.WAIT_RESERVABLE, host_return.LEASE,
        host_return.DROP_CLAIM]
    # Its lease made: only the record is left.
    state.spare_lease, state.spare_lease_status = 'masakari-spare-1', 'ACTIVE'
    assert actions(_warm_steps(state, 'on', True, True)) == [
        cold.WAIT_UP, host_return.DROP_CLAIM]


def test_a_booting_spare_is_not_powered_on_twice():
    state = host_return.HostState('spare-1', claim=cold_claim())
    assert actions(_warm_steps(state, 'powering on'))[0] == cold.WAIT_UP


def test_only_a_cold_spare_is_warmed():
    assert cold.warm_refusal(free_spare()) == (
        'spare-1 is not a cold spare (the claim ledger does not record it '
        'so)')
    assert cold.warm_refusal(host_return.HostState(
        'spare-1', claim=cold_claim())) is None


def test_the_return_command_sends_a_cold_spare_to_warm():
    state = host_return.HostState('spare-1', claim=cold_claim(),
                                  problem='nova-compute is disabled')
    assert host_return.refusal(state) == (
        'spare-1 is a cold spare, powered off: "masakari-blazar pool warm '
        'spare-1" powers it on and returns it')


def test_a_cold_claim_survives_the_ledger():
    claim = cold_claim()
    decoded = ledger.Claim.decode('spare-1', claim.encode())
    assert decoded == claim and decoded.cold
    assert decoded.owner == 'the cold pool'
    assert not ledger.Claim.decode(
        'spare-1', ledger.Claim('spare-1', 'n-1', '').encode()).cold


@pytest.mark.parametrize('warm,cold_ones,count,expected', [
    # Unset: nothing changes, whatever the pool.
    ([('s1', 'az1')], [('s2', 'az1')], None, ([], [])),
    # Too many warm: the zone with the most gives one, the last name.
    ([('s1', 'az1'), ('s2', 'az1'), ('s3', 'az2')], [], 2, (['s2'], [])),
    ([('s1', 'az1'), ('s2', 'az1'), ('s3', 'az2')], [], 0,
     (['s2', 's1', 's3'], [])),
    # Too few: the zone with the fewest warm gets one first.
    ([('s1', 'az1')], [('s2', 'az1'), ('s3', 'az2'), ('s4', 'az2')], 3,
     ([], ['s3', 's2'])),
    # No more cold spares than there are.
    ([], [('s2', None)], 5, ([], ['s2'])),
    ([('s1', 'az1')], [('s2', 'az1')], 1, ([], [])),
])
def test_balance_keeps_the_warm_spares_spread_over_the_zones(
        warm, cold_ones, count, expected):
    assert cold.balance(warm, cold_ones, count) == expected
