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

"""What a host's state says, read over recorded answers, and the steps."""

import pytest

from masakari_blazar.cloud import host_state
from masakari_blazar.decisions import host_return
from masakari_blazar.recovery import spare_recovery
from tests.unit import recorded_cloud

HOST = 'spare-1'


@pytest.fixture
def cloud():
    c = recorded_cloud.RecordedClients()
    c.compute(HOST)
    c.aggregate('freepool')
    return c


def read(conf, cloud, notification_status=None):
    recovery = spare_recovery.SpareRecovery(conf, cloud)
    return host_state.read_state(recovery, HOST, notification_status)


def actions(state):
    return [s.action for s in host_return.steps(
        state, 'masakari-spare', 10, recorded_cloud.CLAIMS, 'freepool')]


def test_a_host_nova_does_not_know_is_unknown(conf, cloud):
    cloud.services = []
    cloud.hypervisors = []

    state = read(conf, cloud)

    assert not state.known
    assert host_return.refusal(state).startswith('unknown host spare-1')


def test_a_claimed_spare_still_in_its_lease_only_loses_its_claim(
        conf, cloud):
    cloud.spare_lease(HOST, 'l-1')
    cloud.claim(HOST, 'n-1')
    asked = []

    state = read(conf, cloud, lambda uuid: asked.append(uuid) or 'finished')

    assert (state.registered, state.spare_lease, state.spare_lease_status,
            state.other_lease) == (True, 'masakari-spare-spare-1', 'ACTIVE',
                                   None)
    assert (state.claim.notification, state.notification_status) == (
        'n-1', 'finished')
    assert asked == ['n-1']
    assert actions(state) == [host_return.DROP_CLAIM]


def test_an_anchor_without_a_record_is_returned_without_asking_masakari(
        conf, cloud):
    """An engine stopped between anchoring spare-1 and recording it."""
    cloud.spare_lease(HOST, 'l-1')
    cloud.claim(HOST, None)
    asked = []

    state = read(conf, cloud, lambda uuid: asked.append(uuid) or 'running')

    assert state.claim.notification is None
    assert asked == []
    assert host_return.refusal(state) is None
    assert [s.text for s in host_return.steps(
        state, 'masakari-spare', 10, recorded_cloud.CLAIMS,
        'freepool')] == [
        'drop the claim of an unknown recovery on spare-1 from aggregate '
        'masakari-blazar-claims']

    recovery = spare_recovery.SpareRecovery(conf, cloud)
    assert recovery.return_to_pool(state) == ['Released the claim on spare-1']
    assert cloud.claimed() == {}


def test_a_user_s_live_lease_is_told_and_an_ended_one_ignored(conf, cloud):
    cloud.spare_lease(HOST, 'l-user', name='user-lease')
    cloud.leases.append({'id': 'l-old', 'name': 'old', 'status': 'TERMINATED',
                         'reservations': [{'id': 'res-old'}]})
    cloud.allocations[0]['reservations'].append({'id': 'res-old'})
    cloud.server('uuid-1', 'vm-1', HOST)
    cloud.server('uuid-2', None, HOST)

    state = read(conf, cloud)

    assert (state.other_lease, state.other_lease_status,
            state.spare_lease) == ('user-lease', 'ACTIVE', None)
    assert sorted(state.servers) == ['uuid-2', 'vm-1']
    assert host_return.refusal(state).startswith(
        'spare-1 still holds 2 server(s)')


def test_a_host_outside_blazar_undoes_the_plugin_s_joins(conf, cloud):
    cloud.aggregates[0]['hosts'] = [HOST]
    cloud.aggregate('res-b', [HOST], zone='blazar_res-b')
    cloud.aggregate('res-a', [HOST], metadata={'reservation': 'res-a'})
    cloud.aggregate('ssd', [HOST])
    cloud.providers = [{'uuid': 'rp-child', 'name': 'blazar_' + HOST}]

    state = read(conf, cloud)

    assert not state.registered
    assert (state.in_freepool, state.home_az, state.provider) == (
        True, None, 'blazar_spare-1')
    assert state.reservation_aggregates == ['res-a', 'res-b']
    assert actions(state) == [
        host_return.LEAVE_RESERVATIONS, host_return.DELETE_PROVIDER,
        host_return.LEAVE_FREEPOOL, host_return.REGISTER, host_return.LEASE]


def test_an_unhealthy_host_says_why(conf, cloud):
    cloud.service(HOST)['state'] = 'down'
    cloud.aggregate('rack-1', [HOST], zone='az-1')

    state = read(conf, cloud)

    assert (state.problem, state.home_az) == ('nova-compute is down', 'az-1')
