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

"""Re-planning inside the run when Nova's scheduler refuses the plan.

The plan is wrong on purpose: an operator's own scheduler filter, which
no plan can predict, refuses the spare the plan chose.  The instance goes
to ERROR on the failed host, as on a real Nova, and the same run moves it
on to the next target.
"""

from tests.functional import harness

FINISHED = 'finished'
ERROR = 'error'
BASIC = ('ha-vm-1', 'ha-vm-2', 'plain-vm-1')


def _vmoves(result, name, cloud):
    uuid = cloud.server(name)['id']
    return [v for v in result.result['vmoves'] if v['instance'] == uuid]


def _fail_refused_by(runner, scenario, refused, **options):
    """compute-1 fails while an operator's filter refuses ``refused``.

    The plan cannot know of that filter, so only Nova's refusal shows it.
    """
    cloud = runner.cloud(scenario)
    cloud.add_operator_filter('RackPowerFilter', refused)
    runner.prepare(cloud, **options)
    return cloud, runner.fail(cloud, 'compute-1')


def test_a_refused_spare_is_replanned_onto_the_next_spare(runner):
    cloud, result = _fail_refused_by(runner, 'basic', ['spare-1'])

    assert result.status == FINISHED, result.messages
    for name in BASIC:
        server = cloud.server(name)
        assert (server['host'], server['vm_state']) == (
            'spare-2', 'active'), server
        history = _vmoves(result, name, cloud)
        # One VMove per attempt: the refused one says why and what next.
        assert [v['status'] for v in history] == ['failed', 'succeeded'], \
            history
        assert 'No valid host was found' in history[0]['message']
        assert ('re-planned, as spare-1 refused it: evacuating to spare-2'
                in history[0]['message'])
        assert history[1]['dest'] == 'spare-2'
        assert result.said(
            "Nova refused spare-1 for %s (%s) (a scheduler filter; "
            "nova-scheduler's log names it" % (name, server['id'])), \
            result.messages
    # The first plan claimed spare-1; the re-plan claimed spare-2 too.
    assert sorted(result.claims()) == ['spare-1', 'spare-2']
    assert result.said('Claimed spare spare-2')
    result.assert_nothing_lost()


def test_with_no_spare_left_the_scheduler_chooses(runner):
    cloud, result = _fail_refused_by(runner, 'basic', ['spare-1', 'spare-2'])

    assert result.status == FINISHED, result.messages
    for name in BASIC:
        server = cloud.server(name)
        # compute-2 is the only host outside Blazar's pools.
        assert (server['host'], server['vm_state']) == (
            'compute-2', 'active'), server
        assert [v['status'] for v in _vmoves(result, name, cloud)] == [
            'failed', 'failed', 'succeeded']
    assert result.said('Nova refused spare-2 for ha-vm-2')
    assert result.said('evacuating to a host the scheduler chooses')
    result.assert_nothing_lost()


def test_with_no_target_left_one_line_says_so(runner):
    cloud, result = _fail_refused_by(runner, 'basic', ['spare-1', 'spare-2'],
                                     no_spare_action='fail')

    assert result.status == ERROR
    for name in BASIC:
        server = cloud.server(name)
        assert (server['host'], server['vm_state']) == (
            'compute-1', 'error'), server
        assert [v['status'] for v in _vmoves(result, name, cloud)] == [
            'failed', 'failed']
    line = [m for m in result.messages
            if m.startswith('Nova refused spare-2 for ha-vm-1 ')]
    assert len(line) == 1, result.messages
    assert line[0].endswith(
        'no other spare can take it (no healthy spare has 1 vCPU, 2048 MB '
        'RAM, 20 GB disk free), and no_spare_action is "fail"; add spares '
        'or set no_spare_action = scheduler: it stays in ERROR on '
        'compute-1'), line


def test_a_replan_keeps_anti_affinity_members_apart(runner):
    def edit(spec):
        spec['hosts'].append({'name': 'spare-3', 'vcpus': 16,
                              'memory_mb': 32768, 'disk_gb': 500,
                              'blazar': True})
        spec['leases'].append({'name': 'masakari-spare-spare-3',
                               'project': 'admin', 'type': 'host',
                               'hosts': ['spare-3'], 'pin': True,
                               'end': '+3650d'})
        spec['server_groups'] = [{'name': 'web', 'policy': 'anti-affinity',
                                  'project': 'demo'}]
        for server in spec['servers']:
            if server['name'] in ('ha-vm-1', 'ha-vm-2'):
                server['server_group'] = 'web'

    cloud = runner.cloud(harness.scenario('basic', edit))
    cloud.add_operator_filter('RackPowerFilter', ['spare-1'])
    # One at a time: ha-vm-2 goes first and is refused while ha-vm-1 waits
    # for its turn, still on compute-1 as Nova shows it.
    runner.prepare(cloud, evacuation_concurrency=1)
    result = runner.fail(cloud, 'compute-1')
    plan_line = [m for m in result.messages if m.startswith('Plan: ')]
    assert plan_line == [
        'Plan: ha-vm-1 -> spare-2, ha-vm-2 -> spare-1, plain-vm-1 -> '
        'spare-1'], result.messages
    assert result.status == FINISHED, result.messages

    # ha-vm-2 does not go beside ha-vm-1, which the plan sends to spare-2.
    assert result.where('ha-vm-1') == 'spare-2'
    assert result.where('ha-vm-2') == 'spare-3'
    assert [v['status'] for v in _vmoves(result, 'ha-vm-2', cloud)] == [
        'failed', 'succeeded']
    assert [v['status'] for v in _vmoves(result, 'ha-vm-1', cloud)] == [
        'succeeded']
    result.assert_nothing_lost()


def test_a_stopped_instance_replanned_ends_stopped(runner):
    """Re-planned, it is evacuated as ACTIVE, then stopped as it was."""
    def edit(spec):
        for server in spec['servers']:
            if server['name'] == 'ha-vm-1':
                server['vm_state'] = 'stopped'

    cloud, result = _fail_refused_by(
        runner, harness.scenario('basic', edit), ['spare-1'])

    assert result.status == FINISHED, result.messages
    server = cloud.server('ha-vm-1')
    assert (server['host'], server['vm_state']) == ('spare-2', 'stopped')
    assert cloud.server('ha-vm-2')['vm_state'] == 'active'
    assert result.said('Instance ha-vm-1 (%s) was stopped before its host '
                       'failed; stopped it again on spare-2' % server['id'])


def test_when_the_scheduler_finds_no_host_either_one_line_says_so(runner):
    cloud, result = _fail_refused_by(runner, 'basic',
                                     ['spare-1', 'spare-2', 'compute-2'])

    assert result.status == ERROR
    server = cloud.server('ha-vm-1')
    assert (server['host'], server['vm_state']) == ('compute-1', 'error')
    # spare-1 (planned), spare-2 (claimed by the re-plan), the scheduler.
    assert [v['status'] for v in _vmoves(result, 'ha-vm-1', cloud)] == [
        'failed', 'failed', 'failed']
    line = [m for m in result.messages
            if m.startswith("Nova's scheduler found no host for ha-vm-1 ")]
    assert line == [
        "Nova's scheduler found no host for ha-vm-1 (%s) (a scheduler "
        "filter; nova-scheduler's log names it: \"Filter <name> returned 0 "
        "hosts\"); no other spare can take it (no healthy spare has 1 vCPU, "
        "2048 MB RAM, 20 GB disk free), and the scheduler refused it too: "
        "it stays in ERROR on compute-1" % server['id']], result.messages
    assert result.said('Failed to evacuate 3 instance(s) from compute-1')


def test_a_replan_joins_the_next_spare_to_the_instances_zone(runner):
    """Pinned to az-1, where no spare is: the re-plan's spare joins it."""
    cloud, result = _fail_refused_by(
        runner, harness.scenario('basic', harness.pinned_to(
            'az-1', ('compute-1', 'compute-2'))), ['spare-1'])

    assert result.status == FINISHED, result.messages
    for name in BASIC:
        assert cloud.server(name)['host'] == 'spare-2'
    assert 'spare-2' in cloud.snapshot()['aggregates']['rack-az-1']['hosts']
    assert result.said('added spare-2 to aggregate rack-az-1 of '
                       'availability zone az-1')
    result.assert_nothing_lost()
