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

"""A failed recovery's last line: the cause first, then what was undone.

The last progress detail is what ``masakari-blazar recover`` prints as the
outcome and what an operator reads first in ``openstack notification
show``.
"""

from tests.functional import harness

FAST_RETRIES = {'api_retries': 1, 'api_retry_delay': 0.01,
                'api_retry_max_delay': 0.02}


def test_blazar_failing_the_detach_is_named_before_the_undo(runner):
    cloud = runner.cloud('basic')
    cloud.faults.add(service='blazar', method='DELETE', path=r'/leases/',
                     kind='503', count=1000)
    runner.prepare(cloud, **FAST_RETRIES)
    result = runner.fail(cloud, 'compute-1')

    assert result.status == 'error'
    last = result.messages[-1]
    assert last.startswith('Blazar call "DELETE /leases/'), last
    assert 'HTTP 503' in last
    assert last.endswith('released the claim on spare-1'), last
    assert result.claims() == {}


def _one_spare(spec):
    spec['leases'] = [lease for lease in spec['leases']
                      if lease['name'] == 'masakari-spare-spare-1']


def test_the_recovery_that_lost_the_spare_says_who_holds_it(runner):
    cloud = runner.cloud(harness.scenario('basic', _one_spare))
    runner.prepare(cloud)
    first = runner.fail(cloud, 'compute-1')
    second = runner.fail(cloud, 'compute-2')

    assert first.status == 'finished'
    assert second.status == 'finished'
    assert second.said('claimed by other recoveries: spare-1 (notification '
                       '%s)' % first.uuid), second.messages


def test_a_failed_evacuation_says_why_from_nova_s_fault(runner):
    """Nova's instance fault, not only "Failed to evacuate instance <id>".

    The simulated Nova keeps the reason of a failed evacuation in the
    server's ``fault``, as Nova does; the line names it, then what is held.
    """
    cloud = runner.cloud('basic')
    cloud.set_evacuation_failure('ha-vm-2')
    runner.prepare(cloud)
    result = runner.fail(cloud, 'compute-1')

    assert result.status == 'error'
    server_id = cloud.server('ha-vm-2')['id']
    vmove = [v for v in result.result['vmoves']
             if v['instance'] == server_id][-1]
    assert vmove['status'] == 'failed'
    assert vmove['message'].startswith(
        'Failed to evacuate instance %s: Build of instance' % server_id), \
        vmove['message']
    assert 'Simulated failure of the evacuation' in vmove['message']
    last = result.messages[-1]
    assert last.startswith('Failed to evacuate 1 instance(s) from '
                           'compute-1: ha-vm-2: Failed to evacuate '
                           'instance'), last
    assert 'Simulated failure of the evacuation' in last
    assert last.index('Simulated failure') < last.index(
        'stay claimed'), last
