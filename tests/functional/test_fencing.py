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

"""blazar_disable_compute_service_task through the real Masakari engine.

The failed host is only powered off here (its heartbeats stop), as a host
that just died; the task must get Nova to report it down, by forcing it
down or by waiting, before the plugin's tasks evacuate.
"""

from oslo_config import cfg
import pytest

from masakari_blazar.local import engine as local_engine
from tests.functional import harness

CONF = cfg.CONF
OURS = 'BlazarDisableComputeServiceTask'
MASAKARIS = 'DisableComputeServiceTask'


@pytest.fixture
def masakari_waits(request):
    """Masakari's own waits at the values given by the test, then reset."""
    def override(**values):
        for name, value in values.items():
            CONF.set_override(name, value)
            request.addfinalizer(lambda name=name: CONF.set_override(
                name, local_engine.FAST_ENGINE[name]))
    return override


def _power_off_and_notify(runner, cloud, host):
    cloud.fail_host(host)
    return harness.Recovery(runner.engine, cloud, host,
                            runner.engine.notify_host_failure(host))


def _task_names(result):
    return [task['task'] for task in result.result['progress']]


def _fence_reads(cloud):
    """The os-services reads before Masakari's prepare task lists servers."""
    reads = []
    for service, method, path, _ in cloud.request_log:
        if path.endswith('/servers/detail'):
            return reads
        if (service, method) == ('nova', 'GET') and 'os-services' in path:
            reads.append(path)
    return reads


def test_it_replaces_masakaris_disable_task_and_its_sleep(runner,
                                                          masakari_waits):
    """A fenced host is forced down; the 180 s sleep never happens.

    Masakari's default wait_period_after_service_update is in force: a
    flow that still ran Masakari's disable task would sleep 180 s here.
    """
    masakari_waits(wait_period_after_service_update=180)
    cloud = runner.cloud('basic')
    runner.prepare(cloud, monitor_fences_hosts=True)
    result = _power_off_and_notify(runner, cloud, 'compute-1')

    assert result.status == 'finished'
    assert OURS in _task_names(result)
    assert MASAKARIS not in _task_names(result)
    service = cloud.snapshot()['hosts']['compute-1']['service']
    assert service['status'] == 'disabled'
    assert service['forced_down'] is True
    assert result.said('Marked nova-compute on compute-1 forced down')
    # Nova answered "down" to the force-down itself: no polling round.
    assert len(_fence_reads(cloud)) == 1
    assert result.where('ha-vm-1') == 'spare-1'
    result.assert_nothing_lost()


def test_without_fencing_it_waits_for_nova_to_miss_heartbeats(runner):
    cloud = runner.cloud('basic', service_down_time=2)
    runner.prepare(cloud)
    result = _power_off_and_notify(runner, cloud, 'compute-1')

    assert result.status == 'finished'
    service = cloud.snapshot()['hosts']['compute-1']['service']
    assert service['forced_down'] is False
    assert service['state'] == 'down'
    # It read the service again until Nova called it down.
    assert len(_fence_reads(cloud)) >= 2
    assert result.said('Nova reports nova-compute on compute-1 down')
    assert result.where('ha-vm-2') == 'spare-1'
    result.assert_nothing_lost()


def test_a_host_nova_still_reports_up_fails_clearly_claiming_nothing(
        runner):
    cloud = runner.cloud('basic', service_down_time=3600)
    runner.prepare(cloud, service_down_timeout=1)
    result = _power_off_and_notify(runner, cloud, 'compute-1')

    assert result.status == 'error'
    failures = [m for m in result.messages
                if m.startswith('Nova still reports nova-compute')]
    assert failures == [
        'Nova still reports nova-compute on compute-1 up after 1 s, and '
        'refuses to evacuate from a host it reports up: make sure the host '
        'is powered off, or set [masakari_blazar] monitor_fences_hosts if '
        'its monitor fences hosts before reporting them']
    assert result.claims() == {}
    assert result.lease_names() == ['masakari-spare-spare-1',
                                    'masakari-spare-spare-2']
    assert result.where('ha-vm-1') == 'compute-1'
    assert result.moved == []
    # Only the disable task ran: no VMove, no spare task.
    assert _task_names(result) == [OURS]
