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

"""Engines that die, engines that race: nothing may be lost or claimed twice.

The engine runs in a child process (``engine_process``) that is killed with
SIGKILL at a chosen point of the flow; the notification is then run again,
as Masakari's retry would, in a fresh process with the same database and
TaskFlow logbooks.  Two engines processing failures at the same time share
the claim lock (a tooz file lock in the shared work directory).
"""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from tests.functional.conftest import when_requested
from tests.functional import harness
from tests.functional import redis_server

KILLED = -signal.SIGKILL


def engine_process(runner, cloud, notification, action='process',
                   die_after=None, options=None, delay_before=None):
    spec = {'workdir': runner.engine.workdir,
            'credentials': cloud.credentials, 'options': options or {},
            'notification': notification, 'action': action,
            'die_after': die_after, 'delay_before': delay_before}
    return subprocess.Popen(
        [sys.executable, '-m', 'tests.functional.engine_process',
         json.dumps(spec)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=dict(os.environ, PYTHONWARNINGS='ignore'))


def finish(process, timeout=240):
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


def check_consistent(runner, cloud, notification, failed, spares, names):
    """The records and the cloud agree, and nothing was lost or doubled."""
    result = harness.Recovery(runner.engine, cloud, failed, notification)
    assert result.status == 'finished', result.messages
    servers = cloud.snapshot()['servers']
    for name in names:
        copies = [s for s in servers if s['name'] == name]
        assert len(copies) == 1, copies
        assert copies[0]['host'] in spares, copies[0]
        assert copies[0]['task_state'] is None
    claims = result.claims()
    assert set(claims) <= set(spares)
    assert {c['notification'] for c in claims.values()} == {notification}
    latest = {}
    for vmove in result.result['vmoves']:
        assert vmove['status'] in ('succeeded', 'failed'), vmove
        latest[vmove['instance']] = vmove
    assert all(v['status'] == 'succeeded' for v in latest.values())
    result.assert_nothing_lost()
    return result


BASIC = ('ha-vm-1', 'ha-vm-2', 'plain-vm-1')


@pytest.mark.parametrize('task', ['PrepareHAEnabledInstancesTask',
                                  'ClaimSpareTask', 'PrepareSpareTask'])
def test_engine_killed_after_a_step_then_retried(runner, task):
    cloud = runner.cloud('host-reservation')
    runner.prepare(cloud)
    cloud.fail_host('compute-1', forced_down=True)
    notification = runner.engine.create_notification('compute-1')

    code, _, err = finish(engine_process(runner, cloud, notification,
                                         die_after=task))
    assert code == KILLED, err[-3000:]
    claims_after_crash = harness.Recovery(
        runner.engine, cloud, 'compute-1', notification).claims()

    code, _, err = finish(engine_process(runner, cloud, notification,
                                         action='retry'))
    assert code == 0, err[-3000:]
    result = check_consistent(runner, cloud, notification, 'compute-1',
                              ['spare-1', 'spare-2'],
                              ['reserved-vm-1', 'reserved-vm-2'])
    # The retry reused what the dead engine had claimed.
    if claims_after_crash:
        assert set(result.claims()) == set(claims_after_crash)
    assert len(result.claims()) == 1


def _kill_when(process, cloud, predicate, timeout=120):
    """SIGKILL ``process`` as soon as ``predicate(cloud)`` holds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if predicate(cloud):
            process.send_signal(signal.SIGKILL)
            return
        time.sleep(0.005)


def test_engine_killed_while_detaching_a_spare_then_retried(runner):
    """Killed between the claim record and the end of the detach."""
    cloud = runner.cloud('multi-spare-lease')
    # Blazar answers the lease deletion slowly: the engine dies waiting.
    cloud.faults.add(service='blazar', method='DELETE', path=r'/leases/',
                     kind=None, latency=1.0)
    runner.prepare(cloud)
    cloud.fail_host('compute-1', forced_down=True)
    notification = runner.engine.create_notification('compute-1')

    process = engine_process(runner, cloud, notification)
    _kill_when(process, cloud, lambda c: any(
        e[1] == 'DELETE' and '/leases/' in e[2] for e in c.request_log))
    code, _, err = finish(process)
    assert code == KILLED, err[-3000:]
    claims_after_crash = harness.Recovery(
        runner.engine, cloud, 'compute-1', notification).claims()
    assert len(claims_after_crash) == 1
    cloud.faults.clear()

    code, _, err = finish(engine_process(runner, cloud, notification,
                                         action='retry'))
    assert code == 0, err[-3000:]
    spares = ['spare-small', 'spare-medium', 'spare-large']
    result = harness.Recovery(runner.engine, cloud, 'compute-1',
                              notification)
    assert set(result.claims()) == set(claims_after_crash)
    chosen = list(claims_after_crash)[0]
    # The other two spares are still spares, each in a lease of its own.
    assert sorted(result.lease_names()) == sorted(
        'masakari-spare-%s' % h for h in spares if h != chosen)
    check_consistent(runner, cloud, notification, 'compute-1', [chosen],
                     ['ha-vm-1', 'ha-vm-2'])


def test_engine_killed_during_evacuation_then_retried(runner):
    cloud = runner.cloud('basic', evacuation_delay=1.5)
    runner.prepare(cloud)
    cloud.fail_host('compute-1', forced_down=True)
    notification = runner.engine.create_notification('compute-1')

    process = engine_process(runner, cloud, notification)
    _kill_when(process, cloud, lambda c: any(
        s['task_state'] == 'rebuilding' for s in c.snapshot()['servers']))
    code, _, err = finish(process)
    assert code == KILLED, err[-3000:]
    claims_after_crash = harness.Recovery(
        runner.engine, cloud, 'compute-1', notification).claims()
    assert list(claims_after_crash) == ['spare-1']

    code, _, err = finish(engine_process(runner, cloud, notification,
                                         action='retry'))
    assert code == 0, err[-3000:]
    assert 'masakari-spare-spare-2' in harness.Recovery(
        runner.engine, cloud, 'compute-1', notification).lease_names()
    result = check_consistent(runner, cloud, notification, 'compute-1',
                              ['spare-1'], BASIC)
    assert list(result.claims()) == ['spare-1']
    # Each instance was evacuated once: Nova recorded one migration each.
    migrations = cloud.snapshot()['migrations']
    for name in BASIC:
        server_id = cloud.server(name)['id']
        done = [m for m in migrations if m['instance_uuid'] == server_id and
                m['status'] in ('done', 'completed')]
        assert len(done) == 1, migrations


def _three_failing_hosts(spec):
    spec['hosts'].append({'name': 'compute-3', 'vcpus': 16,
                          'memory_mb': 32768, 'disk_gb': 500})
    spec['servers'].append({'name': 'ha-vm-4', 'host': 'compute-3',
                            'flavor': 'm1.small', 'project': 'demo',
                            'metadata': {'HA_Enabled': 'True'}})


@pytest.fixture
def redis_url(tmp_path):
    """A redis-server of the test's own."""
    server = redis_server.RedisServer(tmp_path).start()
    yield server.url
    server.stop()


@pytest.fixture(params=['file', 'redis'])
def lock_options(request, tmp_path):
    """The claim lock on one machine (file) and across machines (redis)."""
    if request.param == 'file':
        return {'lock_path': str(tmp_path / 'locks')}
    return {'lock_url': request.getfixturevalue('redis_url')}


@pytest.mark.parametrize('failing', [
    ('compute-1', 'compute-2'),                 # exactly enough spares
    ('compute-1', 'compute-2', 'compute-3'),    # fewer spares than failures
])
def test_concurrent_failures_in_engines_never_share_a_spare(
        runner, tmp_path, failing, lock_options):
    """Engines share nothing but the cloud and the claim lock.

    Each engine keeps its own Masakari database here: sqlite cannot take
    concurrent writers from several processes, which a deployment's MySQL
    does; the spares are shared through the cloud and the lock alone.
    """
    cloud = runner.cloud(harness.scenario('basic', _three_failing_hosts))
    hosts = sorted(cloud.snapshot()['hosts'])
    processes = []
    for host in failing:
        cloud.fail_host(host, forced_down=True)
    for host in failing:
        spec = {'workdir': str(tmp_path / host),
                'credentials': cloud.credentials,
                'options': lock_options,
                'action': 'fresh', 'hosts': hosts, 'host': host}
        processes.append(subprocess.Popen(
            [sys.executable, '-m', 'tests.functional.engine_process',
             json.dumps(spec)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env=dict(os.environ, PYTHONWARNINGS='ignore')))
    outcomes = {}
    for host, process in zip(failing, processes):
        code, out, err = finish(process)
        assert code == 0, err[-3000:]
        outcomes[host] = json.loads(out.strip().splitlines()[-1])

    snapshot = cloud.snapshot()
    metadata = snapshot['aggregates'][harness.CLAIMS]['metadata']
    claims = {k[len('claim:'):]: json.loads(v) for k, v in metadata.items()}
    owners = [c['notification'] for c in claims.values()]
    assert len(owners) == len(set(owners)), claims   # one spare each, max
    assert sorted(claims) == ['spare-1', 'spare-2']
    moved = []
    for host, outcome in outcomes.items():
        messages = [d['message'] for task in outcome['progress']
                    for d in task['details']]
        assert outcome['status'] == 'finished', messages
        spare = [h for h, c in claims.items()
                 if c['notification'] == outcome['notification']]
        if not spare:
            # The loser fell back to the scheduler, as configured.
            assert any('the Nova scheduler will choose its host' in m
                       for m in messages), messages
        moved += [v['instance'] for v in outcome['vmoves']
                  if v['status'] == 'succeeded']
    for server in snapshot['servers']:
        assert server['host'] not in failing, server
    from masakari_blazar.simulator import lease_end
    assert lease_end.lost_instances(cloud, moved) == []


def evacuations(cloud):
    """How many evacuations Nova accepted, by instance name.

    Nova records a migration for every evacuation it accepts, whatever
    becomes of it; the simulator keeps them all.
    """
    names = {s['id']: s['name'] for s in cloud.snapshot()['servers']}
    counts = dict.fromkeys(names.values(), 0)
    for migration in cloud.snapshot()['migrations']:
        counts[names[migration['instance_uuid']]] += 1
    return counts


def errored_notification(runner, cloud, lock_options):
    """A failure of compute-1 whose first run ended in ERROR.

    Blazar failed it before anything was claimed; Masakari's periodic task
    then runs an ERROR notification in every engine.
    """
    cloud.faults.add(service='blazar', method=None, path=r'/', kind='500',
                     count=10000)
    runner.prepare(cloud, api_retries=1, api_retry_delay=0.01,
                   **lock_options)
    result = runner.fail(cloud, 'compute-1')
    assert result.status == 'error', result.messages
    assert result.claims() == {}
    cloud.faults.clear()
    return result.uuid


def test_two_engines_on_one_notification_evacuate_each_instance_once(
        runner, lock_options):
    """Masakari's periodic task runs an ERROR notification in every engine.

    Masakari's own lock on a notification is in-process only, so both
    engines run the whole flow, started together.  Nova takes seconds to
    answer each read of one instance, so that both engines are in the
    evacuation before Nova has marked any instance as being rebuilt.
    Unguarded, one engine's reset of a rebuilding instance to ERROR made
    the other's evacuation fail, and a VMove succeeded with a message
    ("Conflict") that the other engine wrote into it.
    """
    cloud = runner.cloud('basic', evacuation_delay=5)
    notification = errored_notification(runner, cloud, lock_options)
    cloud.faults.add(service='nova', method='GET',
                     path=r'/servers/[0-9a-f-]+$', kind=None, latency=2)

    processes = [engine_process(runner, cloud, notification, action='retry',
                                options=lock_options) for _ in range(2)]
    for process in processes:
        code, out, err = finish(process)
        assert code == 0, err[-3000:]

    assert evacuations(cloud) == dict.fromkeys(BASIC, 1) | {'ha-vm-3': 0}
    result = check_consistent(runner, cloud, notification, 'compute-1',
                              ['spare-1'], BASIC)
    assert result.said('Another engine is evacuating'), result.messages
    # Each VMove was written by one engine: none that succeeded carries
    # what another engine wrote into it (a Nova refusal, "superseded").
    for vmove in result.result['vmoves']:
        if vmove['status'] == 'succeeded':
            assert vmove['message'] in (None, 'already on spare-1') or \
                vmove['message'].startswith('moved by VMove '), vmove


def test_an_engine_that_gives_up_on_the_guard_keeps_the_other_s_spares(
        runner, lock_options):
    """The loser's revert must not give back the spares being evacuated to.

    The loser starts first and pauses before listing the instances; the
    winner starts once the loser has read the failed host's service.  So
    the loser lists the instances after the winner (its PENDING VMoves
    are the newest), and reaches the evacuation while the winner holds
    the guard, evacuating for 20 s; it gives up after one second.
    """
    cloud = runner.cloud('basic', evacuation_delay=20)
    notification = errored_notification(runner, cloud, lock_options)
    started = []

    def start_the_winner():
        started.append(engine_process(runner, cloud, notification,
                                      action='retry', options=lock_options))

    when_requested(cloud, 'GET', '/os-services', start_the_winner,
                   since=len(cloud.request_log))
    second = engine_process(
        runner, cloud, notification, action='retry',
        options=dict(lock_options, evacuation_guard_timeout=1),
        delay_before={'PrepareHAEnabledInstancesTask': 15})
    code, out, err = finish(second)
    assert code == 0, err[-3000:]
    gave_up = json.loads(out.strip().splitlines()[-1])
    assert len(started) == 1
    code, _, err = finish(started[0])
    assert code == 0, err[-3000:]

    messages = [d['message'] for task in gave_up['progress']
                for d in task['details']]
    assert any(m.startswith('Timed out after 1 s waiting for the evacuation '
                            'guard of notification %s' % notification)
               for m in messages), messages
    assert any(m.endswith('keeping the claimed spares: another engine may '
                          'be evacuating instances to them')
               for m in messages), messages
    assert evacuations(cloud) == dict.fromkeys(BASIC, 1) | {'ha-vm-3': 0}
    result = check_consistent(runner, cloud, notification, 'compute-1',
                              ['spare-1'], BASIC)
    assert list(result.claims()) == ['spare-1']
