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

"""Recoveries of server group members, against the simulated Nova's
ServerGroupAffinityFilter and ServerGroupAntiAffinityFilter."""

from tests.functional import harness


def _grouped(policy):
    def edit(spec):
        spec['server_groups'] = [{'name': 'web', 'policy': policy,
                                  'project': 'demo'}]
        for server in spec['servers']:
            if server['name'] in ('ha-vm-1', 'ha-vm-2'):
                server['server_group'] = 'web'
    return edit


def test_anti_affinity_members_land_on_different_spares(runner):
    # Two members on one host already break the policy (a forced move did
    # it); Nova's filter still refuses a third host that holds one.
    cloud = runner.cloud(harness.scenario('basic',
                                          _grouped('anti-affinity')))
    runner.prepare(cloud)
    result = runner.fail(cloud, 'compute-1')

    assert result.status == 'finished', result.messages
    first, second = (cloud.server(n) for n in ('ha-vm-1', 'ha-vm-2'))
    assert {first['host'], second['host']} == {'spare-1', 'spare-2'}
    assert first['vm_state'] == second['vm_state'] == 'active'
    result.assert_nothing_lost()


def test_affinity_members_get_no_spare_and_the_line_names_the_filter(
        runner):
    cloud = runner.cloud(harness.scenario('basic', _grouped('affinity')))
    runner.prepare(cloud)
    result = runner.fail(cloud, 'compute-1')

    # Nova passes only hosts where a member runs, and all of them ran on
    # the failed host: no spare is spent on them, and the plan says why.
    assert result.said("Nova's ServerGroupAffinityFilter passes only a "
                       "host that holds a member of affinity server group"), \
        result.messages
    for name in ('ha-vm-1', 'ha-vm-2'):
        server = cloud.server(name)
        assert server['host'] == 'compute-1'
        assert server['fault'].startswith('No valid host was found'), \
            server['fault']
        with cloud.lock:
            fault = cloud.state.server(server['id']).fault
        assert 'ServerGroupAffinityFilter rejected spare-' in \
            fault['details'], fault
    assert result.status == 'error'
    result.assert_nothing_lost()
