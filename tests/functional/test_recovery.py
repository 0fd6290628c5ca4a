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

"""End-to-end recoveries: the real Masakari engine, the plugin's tasks and
the simulated cloud, spoken to over HTTP by the real clients.

Each test ends with the project's first invariant (nothing lost, checked by
ending every remaining lease), besides what it checks itself.
"""

import collections
import datetime

import pytest

from masakari_blazar.local import engine as local_engine
from tests.functional import harness

FINISHED = 'finished'
ERROR = 'error'


def test_plain_host_moves_to_one_spare_which_leaves_blazar(runner):
    cloud = runner.cloud('basic')
    runner.prepare(cloud)
    result = runner.fail(cloud, 'compute-1')

    assert result.status == FINISHED
    for name in ('ha-vm-1', 'ha-vm-2', 'plain-vm-1'):
        assert result.where(name) == 'spare-1'
        assert cloud.server(name)['vm_state'] == 'active'
    # The spare left its lease and Blazar; the other spare is untouched.
    assert result.lease_names() == ['masakari-spare-spare-2']
    assert result.blazar_hosts() == ['spare-2']
    claims = result.claims()
    assert list(claims) == ['spare-1']
    assert claims['spare-1']['notification'] == result.uuid
    assert result.said('Claimed spare spare-1')
    assert cloud.server('ha-vm-3')['host'] == 'compute-2'
    result.assert_nothing_lost()


def test_host_reservation_instances_are_admitted_on_the_spare(runner):
    cloud = runner.cloud('host-reservation')
    reservation = cloud.server('reserved-vm-1')['scheduler_hints'][
        'reservation'][0]
    runner.prepare(cloud)
    result = runner.fail(cloud, 'compute-1')

    assert result.status == FINISHED
    assert result.where('reserved-vm-1') == 'spare-1'
    assert result.where('reserved-vm-2') == 'spare-1'
    # The BlazarFilter admitted them because the spare joined the
    # reservation's aggregate.
    assert 'spare-1' in cloud.hosts_in_aggregate(reservation)
    assert result.said('added spare-1 to aggregate %s' % reservation)
    assert result.claims()['spare-1']['group'] == reservation
    result.assert_nothing_lost()


def test_without_joining_the_reservation_the_blazar_filter_refuses(runner):
    """A control: the admission step is what makes the evacuation pass.

    With one spare allowed and no scheduler, re-planning finds no other
    target for the instances the BlazarFilter refused.
    """
    cloud = runner.cloud('host-reservation')
    tasks = dict(local_engine.recommended_flows()[local_engine.AUTO_FLOW],
                 main=['blazar_claim_spare_task',
                       'blazar_evacuate_instances_task'])
    runner.prepare(cloud, tasks=tasks, max_spares_per_failure=1,
                   no_spare_action='fail')
    result = runner.fail(cloud, 'compute-1')

    assert result.status == ERROR, result.messages
    assert result.where('reserved-vm-1') == 'compute-1'
    assert result.said('Failed to evacuate 2 instance(s)')
    assert result.said('Nova refused spare-1 for reserved-vm-1')


def test_instance_reservation_gets_aggregate_and_placement_inventory(runner):
    cloud = runner.cloud('instance-reservation')
    flavor = cloud.server('ir-vm-1')['flavor']
    reservation = flavor['extra_specs'][
        'aggregate_instance_extra_specs:reservation']
    runner.prepare(cloud)
    result = runner.fail(cloud, 'compute-1')

    assert result.status == FINISHED
    assert result.where('ir-vm-1') == 'spare-1'
    assert result.where('ir-vm-2') == 'spare-1'
    assert 'spare-1' in cloud.hosts_in_aggregate(reservation)
    child = cloud.snapshot()['placement']['blazar_spare-1']
    rc = 'CUSTOM_RESERVATION_' + reservation.upper().replace('-', '_')
    assert child['inventories'][rc]['total'] >= 2
    assert child['usages'][rc] == 2
    result.assert_nothing_lost()


def _with_free_blazar_host(spec):
    spec['hosts'].append({'name': 'free-1', 'vcpus': 16,
                          'memory_mb': 32768, 'disk_gb': 500,
                          'blazar': True})


def _fail_after_blazar_monitor(runner, **sim_config):
    """compute-1 fails; Blazar's monitor acts before Masakari does."""
    cloud = runner.cloud(harness.scenario('host-reservation',
                                          _with_free_blazar_host),
                         blazar_monitor=True, **sim_config)
    reservation = cloud.server('reserved-vm-1')['scheduler_hints'][
        'reservation'][0]
    runner.prepare(cloud)
    cloud.fail_host('compute-1', forced_down=True)
    cloud.process_events()
    healed = cloud.hosts_in_aggregate(reservation)
    result = harness.Recovery(
        runner.engine, cloud, 'compute-1',
        runner.engine.notify_host_failure('compute-1'))
    return result, reservation, healed


def test_blazar_healing_replacement_is_used_without_a_spare(runner):
    """A Nova without the AZ-with-instances check lets Blazar heal first."""
    result, reservation, healed = _fail_after_blazar_monitor(
        runner, nova_az_instance_check=False)

    assert healed == ['free-1']
    assert result.status == FINISHED
    assert result.where('reserved-vm-1') == 'free-1'
    assert result.where('reserved-vm-2') == 'free-1'
    assert result.claims() == {}
    assert 'masakari-spare-spare-1' in result.lease_names()
    assert 'masakari-spare-spare-2' in result.lease_names()
    result.assert_nothing_lost()


def test_blazar_healing_refused_by_nova_still_recovers_onto_a_spare(runner):
    """Under Nova 34, Blazar cannot heal; a spare joins the reservation.

    Nova will not take a host with instances out of its AZ aggregate, so
    Blazar's healing fails and the failed host stays in its reservation.
    """
    result, reservation, healed = _fail_after_blazar_monitor(runner)

    assert healed == ['compute-1']
    assert result.status == FINISHED
    assert result.where('reserved-vm-1') == 'spare-1'
    assert 'spare-1' in result.cloud.hosts_in_aggregate(reservation)
    result.assert_nothing_lost()


def test_no_spare_falls_back_to_the_scheduler(runner):
    cloud = runner.cloud('no-spare')
    runner.prepare(cloud)
    result = runner.fail(cloud, 'compute-1')

    assert result.status == FINISHED
    assert result.where('ha-vm-1') == 'compute-2'
    assert result.where('ha-vm-2') == 'compute-2'
    assert result.said('the Nova scheduler will choose its host')
    result.assert_nothing_lost()


def test_no_spare_with_fail_mode_ends_in_error_and_moves_nothing(runner):
    cloud = runner.cloud('no-spare')
    runner.prepare(cloud, no_spare_action='fail')
    result = runner.fail(cloud, 'compute-1')

    assert result.status == ERROR
    assert result.said('no_spare_action is "fail"')
    assert result.where('ha-vm-1') == 'compute-1'
    assert result.where('ha-vm-2') == 'compute-1'
    assert result.moved == []


def test_spill_over_across_spares_never_overfills_one(runner):
    cloud = runner.cloud('demo')
    runner.prepare(cloud)
    result = runner.fail(cloud, 'compute-1')

    assert result.status == FINISHED
    used = {result.where(n) for n in ('web-1', 'web-2', 'db-1', 'batch-1',
                                      'app-1', 'scratch-1')}
    assert len(used) >= 2
    assert used <= {'spare-small', 'spare-medium', 'spare-large'}
    placement = cloud.snapshot()['placement']
    for spare in used:
        provider = placement[spare]
        for rc, inv in provider['inventories'].items():
            capacity = (inv['total'] - inv['reserved']) * inv[
                'allocation_ratio']
            assert provider['usages'].get(rc, 0) <= capacity, (spare, rc)
    assert sorted(result.claims()) == sorted(used)
    # Masakari's semantics survive the move: a stopped instance stays
    # stopped, a locked one stays locked by its user.
    assert cloud.server('batch-1')['vm_state'] == 'stopped'
    assert cloud.server('db-1')['locked'] is True
    assert cloud.server('web-1')['vm_state'] == 'active'
    # The research reservation's host did not fail, nothing moved there.
    assert cloud.server('research-1')['host'] == 'compute-5'
    result.assert_nothing_lost()


def test_spare_from_a_lease_of_several_spares_splits_that_lease(runner):
    cloud = runner.cloud('multi-spare-lease')
    runner.prepare(cloud)
    result = runner.fail(cloud, 'compute-1')

    assert result.status == FINISHED
    chosen = result.where('ha-vm-1')
    assert result.where('ha-vm-2') == chosen
    others = sorted({'spare-small', 'spare-medium', 'spare-large'} -
                    {chosen})
    assert result.lease_names() == ['masakari-spare-%s' % h for h in others]
    cloud.process_events()
    assert chosen not in result.blazar_hosts()
    result.assert_nothing_lost()


def test_reallocate_api_swaps_the_spare_out_of_a_shared_lease(runner):
    cloud = runner.cloud('multi-spare-lease', reallocate_api=True)
    runner.prepare(cloud)
    result = runner.fail(cloud, 'compute-1')

    assert result.status == FINISHED
    chosen = result.where('ha-vm-1')
    assert result.said('swapped it out of lease masakari-spare-pool with '
                       'the reallocate API')
    # The pool lease lives on; the claimed spare is out of Blazar.
    assert result.lease_names() == ['masakari-spare-pool']
    assert chosen not in result.blazar_hosts()
    result.assert_nothing_lost()


@pytest.mark.parametrize('method', ['auto', 'auto_priority',
                                    'reserved_host', 'rh_priority'])
def test_every_recovery_method_recovers_onto_spares(runner, method):
    cloud = runner.cloud('basic')
    runner.prepare(cloud, method=method, reserved=('spare-1', 'spare-2'))
    result = runner.fail(cloud, 'compute-1')

    assert result.status == FINISHED
    assert result.where('ha-vm-1') in ('spare-1', 'spare-2')
    assert len(result.claims()) == 1
    # The claimed spare is no longer offered as reserved by Masakari.
    claimed = list(result.claims())[0]
    assert runner.engine.host(claimed).reserved is False
    result.assert_nothing_lost()


def test_stale_reserved_flag_gives_way_to_blazars_spares(runner):
    # compute-2 is flagged reserved in Masakari but is no Blazar spare.
    cloud = runner.cloud('basic')
    runner.prepare(cloud, method='reserved_host', reserved=('compute-2',))
    result = runner.fail(cloud, 'compute-1')

    assert result.status == FINISHED
    assert result.said('Reserved host compute-2 offered by Masakari is not '
                       'a free spare')
    assert result.where('ha-vm-1') == 'spare-1'
    assert 'compute-2' not in {result.where(name)
                               for name in ('ha-vm-1', 'ha-vm-2')}


def test_a_spare_given_back_is_flagged_reserved_again(runner):
    cloud = runner.cloud('instance-reservation')
    # Placement refuses the reservation's inventory on the spare, after the
    # claim cleared its Masakari reserved flag.
    cloud.faults.add(service='placement', method='PUT',
                     path=r'/resource_classes/', kind='500', count=1000)
    runner.prepare(cloud, method='reserved_host',
                   reserved=('spare-1', 'spare-2'), api_retries=1,
                   api_retry_delay=0)
    result = runner.fail(cloud, 'compute-1')

    assert result.status == ERROR
    assert result.said('Cleared the Masakari reserved flag of spare-1')
    assert result.said('Returned spare-1 to the spare pool')
    assert result.said('Set the Masakari reserved flag of spare-1')
    assert runner.engine.host('spare-1').reserved is True
    assert result.claims() == {}


def test_failure_before_any_move_returns_the_spare_to_the_pool(runner):
    cloud = runner.cloud('instance-reservation')
    # Placement refuses the reservation's inventory on the spare, after the
    # spare was claimed and detached.
    cloud.faults.add(service='placement', method='PUT',
                     path=r'/resource_classes/', kind='500', count=1000)
    runner.prepare(cloud, api_retries=1, api_retry_delay=0)
    result = runner.fail(cloud, 'compute-1')

    assert result.status == ERROR
    assert result.said('Placement call "PUT /resource_classes/')
    assert result.where('ir-vm-1') == 'compute-1'
    assert result.moved == []
    assert result.said('Returned spare-1 to the spare pool')
    assert result.claims() == {}
    assert 'spare-1' in result.blazar_hosts()
    assert 'masakari-spare-spare-1' in result.lease_names()
    # Nothing of the claim is left on the spare.
    snapshot = cloud.snapshot()
    reservation = cloud.server('ir-vm-1')['flavor']['extra_specs'][
        'aggregate_instance_extra_specs:reservation']
    assert 'spare-1' not in snapshot['aggregates'][reservation]['hosts']


def test_retry_after_a_failed_evacuation_reuses_the_claimed_spare(runner):
    cloud = runner.cloud('basic')
    cloud.set_evacuation_failure('ha-vm-2')
    runner.prepare(cloud)
    result = runner.fail(cloud, 'compute-1')

    assert result.status == ERROR
    assert result.where('ha-vm-1') == 'spare-1'
    assert list(result.claims()) == ['spare-1']

    cloud.server('ha-vm-2')  # still known to Nova
    result.retry()
    assert result.status == FINISHED
    assert result.where('ha-vm-2') == 'spare-1'
    assert list(result.claims()) == ['spare-1']
    assert 'masakari-spare-spare-2' in result.lease_names()
    result.assert_nothing_lost()


def test_evacuations_start_in_priority_order(runner):
    """With one evacuation at a time, HA_Priority decides who goes first."""
    def edit(spec):
        for server in spec['servers']:
            if server['name'] == 'plain-vm-1':
                server.setdefault('metadata', {})['HA_Priority'] = '10'

    cloud = runner.cloud(harness.scenario('basic', edit))
    runner.prepare(cloud, evacuation_concurrency=1)
    result = runner.fail(cloud, 'compute-1')

    assert result.status == 'finished', result.messages
    started = [m.split()[2] for m in result.messages
               if m.startswith('Evacuating instance ')]
    # Then HA-enabled before the rest, the largest first.
    assert started == ['plain-vm-1', 'ha-vm-2', 'ha-vm-1'], started


def test_a_retry_evacuates_an_instance_left_in_error_and_it_ends_active(
        runner):
    """Evacuated in the ERROR its first evacuation left, it stayed ERROR.

    Masakari's evacuation restores the vm_state it finds, so the retry
    resets the instance to ACTIVE first.
    """
    cloud = runner.cloud('basic')
    cloud.set_evacuation_failure('ha-vm-2')
    runner.prepare(cloud)
    result = runner.fail(cloud, 'compute-1')
    assert result.status == ERROR
    assert cloud.server('ha-vm-2')['vm_state'] == 'error'

    result.retry()
    assert result.status == FINISHED, result.messages
    server = cloud.server('ha-vm-2')
    assert (server['host'], server['vm_state']) == ('spare-1', 'active')
    assert result.said('was left in ERROR on compute-1 by an earlier '
                       'attempt; reset it to ACTIVE, to evacuate it again')
    result.assert_nothing_lost()


def test_a_retry_recovers_an_instance_left_in_error_on_its_spare(runner):
    """The rebuild failed on the spare: nothing is left on the failed host.

    Masakari's retry would skip the recovery ("no instances needs to be
    evacuated") and finish with the instance in ERROR on the spare.
    """
    cloud = runner.cloud('basic')
    cloud.set_evacuation_failure('ha-vm-2', on_target=True)
    runner.prepare(cloud)
    result = runner.fail(cloud, 'compute-1')
    assert result.status == ERROR
    server = cloud.server('ha-vm-2')
    assert (server['host'], server['vm_state']) == ('spare-1', 'error')

    result.retry()
    assert result.status == FINISHED, result.messages
    server = cloud.server('ha-vm-2')
    assert (server['host'], server['vm_state']) == ('spare-1', 'active')
    assert result.said('was left in ERROR on spare-1 by an earlier attempt; '
                       'reset it to ACTIVE there')
    assert result.moved == sorted(cloud.server(name)['id'] for name in (
        'ha-vm-1', 'ha-vm-2', 'plain-vm-1'))
    result.assert_nothing_lost()


def test_a_retry_that_cannot_evacuate_the_instance_ends_in_error_naming_it(
        runner):
    cloud = runner.cloud('basic')
    cloud.set_evacuation_failure('ha-vm-2')
    runner.prepare(cloud)
    result = runner.fail(cloud, 'compute-1')
    assert result.status == ERROR

    cloud.set_evacuation_failure('ha-vm-2')
    result.retry()
    assert result.status == ERROR
    # It was tried again, as ACTIVE, and failed again.
    assert result.said('reset it to ACTIVE, to evacuate it again')
    assert cloud.server('ha-vm-2')['vm_state'] == 'error'
    assert result.messages[-1].startswith(
        'Failed to evacuate 1 instance(s) from compute-1: ha-vm-2: '), \
        result.messages[-1]
    result.assert_nothing_lost()


@pytest.mark.parametrize('per_spare', [1, 10])
def test_no_spare_rebuilds_more_instances_at_once_than_its_share(
        runner, per_spare):
    """``evacuations_per_spare`` paces the rebuilds on each spare.

    The evacuations last long enough that all of a spare's instances would
    overlap; with a share of 10 they do, which shows that the share of 1
    is what keeps them apart.
    """
    cloud = runner.cloud('basic', evacuation_delay=0.5)
    runner.prepare(cloud, evacuations_per_spare=per_spare)
    result = runner.fail(cloud, 'compute-1')

    assert result.status == 'finished', result.messages
    landed = collections.Counter(
        result.where(name) for name in ('ha-vm-1', 'ha-vm-2', 'plain-vm-1'))
    busiest, instances = landed.most_common(1)[0]
    assert instances >= 2, landed
    assert cloud.rebuild_peaks()[busiest] == min(per_spare, instances)
    result.assert_nothing_lost()


def test_an_evacuation_waiting_for_its_spare_says_it_starts_when_it_does(
        runner):
    """"Evacuating instance ..." is said when the slot is had, not queued.

    One evacuation at a time onto the spare, each lasting 0.5 s: the lines
    of its instances come an evacuation apart.
    """
    cloud = runner.cloud('basic', evacuation_delay=0.5)
    runner.prepare(cloud, evacuations_per_spare=1)
    result = runner.fail(cloud, 'compute-1')

    assert result.status == 'finished', result.messages
    started = sorted(
        datetime.datetime.fromisoformat(detail['timestamp'])
        for task in result.result['progress'] for detail in task['details']
        if detail['message'].startswith('Evacuating instance '))
    assert len(started) == 3
    assert all((later - earlier).total_seconds() >= 0.5
               for earlier, later in zip(started, started[1:])), started
    result.assert_nothing_lost()
