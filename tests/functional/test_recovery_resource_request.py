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

"""Recoveries of instances whose flavors ask Placement for more than
vCPU, RAM and disk: dedicated CPUs (PCPU) and required traits."""

from tests.functional import cli
from tests.functional import harness
from tests.functional.test_cli_plan import plan


def pinned_and_fast(spec):
    """ha-vm-1 has dedicated CPUs, ha-vm-2 needs CUSTOM_FAST.

    spare-1, first by name, has neither PCPU nor the trait; spare-2 has
    both, and room for one pinned instance of two CPUs only.
    """
    spec['flavors'] += [
        {'name': 'pinned', 'vcpus': 2, 'ram': 2048, 'disk': 20,
         'extra_specs': {'hw:cpu_policy': 'dedicated'}},
        {'name': 'fast', 'vcpus': 1, 'ram': 2048, 'disk': 20,
         'extra_specs': {'trait:CUSTOM_FAST': 'required'}}]
    for host in spec['hosts']:
        if host['name'] in ('compute-1', 'spare-2'):
            host['cpu_dedicated_set'] = '0-3' if host['name'] == \
                'compute-1' else '0-1'
            host['traits'] = ['HW_CPU_X86_AVX2', 'CUSTOM_FAST']
    for server in spec['servers']:
        if server['name'] == 'ha-vm-1':
            server['flavor'] = 'pinned'
        if server['name'] == 'ha-vm-2':
            server['flavor'] = 'fast'


def test_pinned_and_trait_instances_go_only_where_placement_has_room(
        runner, masakari, tmp_path):
    cloud = runner.cloud(harness.scenario('basic', pinned_and_fast))
    runner.prepare(cloud)
    conf = cli.write_conf(tmp_path, runner, cloud, masakari=masakari)

    report = plan(conf, 'compute-1')
    rows = {row['name']: row for row in report['instances']}
    assert rows['ha-vm-1']['needs'] == \
        '0 vCPU, 2048 MB RAM, 20 GB disk, 2 PCPU'
    assert rows['ha-vm-1']['skipped'] == {'spare-1': 'no PCPU inventory'}
    assert rows['ha-vm-2']['needs'] == \
        '1 vCPU, 2048 MB RAM, 20 GB disk; traits CUSTOM_FAST'
    assert rows['ha-vm-2']['skipped'] == {'spare-1': 'lacks trait '
                                                     'CUSTOM_FAST'}
    assert rows['plain-vm-1']['skipped'] == {}
    assert rows['ha-vm-1']['target'] == rows['ha-vm-2']['target'] == \
        'spare-2'

    result = runner.fail(cloud, 'compute-1')
    assert result.status == 'finished', result.messages
    for name in ('ha-vm-1', 'ha-vm-2', 'plain-vm-1'):
        server = cloud.server(name)
        assert (server['host'], server['vm_state']) == (
            rows[name]['target'], 'active'), server
    assert result.said('cannot go to spare-1: no PCPU inventory'), \
        result.messages
    with cloud.lock:
        state = cloud.state
        root = state.placement.providers[state.hosts['spare-2'].node_uuid]
        usages = state.placement.provider_usages(root.uuid)
    assert usages['PCPU'] == 2
    result.assert_nothing_lost()


def test_a_second_pinned_instance_spills_when_pcpu_runs_out(
        runner, masakari, tmp_path):
    # Two 2-PCPU instances, spare-2 has 2 PCPU: the second has no spare
    # (spare-1 has no PCPU), so it is left to the scheduler, which finds
    # none either; nothing is planned onto a spare that cannot take it.
    def edit(spec):
        pinned_and_fast(spec)
        for server in spec['servers']:
            if server['name'] == 'ha-vm-2':
                server['flavor'] = 'pinned'
    cloud = runner.cloud(harness.scenario('basic', edit))
    runner.prepare(cloud)
    conf = cli.write_conf(tmp_path, runner, cloud, masakari=masakari)

    report = plan(conf, 'compute-1')
    planned = {i['name']: i['target'] for i in report['instances']}
    assert sorted(planned.values(), key=str) == [None, 'spare-1', 'spare-2']
    [left] = report['fallback']
    assert 'Placement has no candidate for 0 vCPU, 2048 MB RAM, 20 GB ' \
        'disk, 2 PCPU on spare-1 (no PCPU inventory)' in left['reason']

    result = runner.fail(cloud, 'compute-1')
    landed = {name: cloud.server(name)['host'] for name in planned}
    for name, target in planned.items():
        if target:
            assert landed[name] == target, result.messages
        else:
            assert landed[name] not in ('spare-1', 'spare-2')
