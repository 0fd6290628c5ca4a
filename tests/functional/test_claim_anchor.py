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

"""Claims that stay single when the claim lock does not serialise them.

Two recoveries race for one spare with nothing but the cloud between
them: engines whose file locks are in different directories, engines on
two different redis (or etcd) servers, and the case of issue 11, a real
redis-server or etcd restarted (empty) while one engine holds the lock.
Each engine is a real Masakari engine; the claim aggregate's ``add_host``
(the anchor) is held until both engines have read the pool and chosen, so
both choose the same free spare.  Nova lets one add it; the other is
answered 409 and plans without it.
"""

import json
import os
import subprocess
import sys

import pytest

from masakari_blazar.simulator import lease_end
from tests.functional import cli
from tests.functional import conftest
from tests.functional import harness

FAILING = ('compute-1', 'compute-2')
LOST = 'was claimed by another recovery meanwhile; planning without it'


def fresh_engine(tmp_path, cloud, host, options):
    """An engine of its own (database, work directory) recovering ``host``.

    Without a lock option its claim lock is a file lock in its own work
    directory, shared with no other engine.
    """
    spec = {'workdir': str(tmp_path / host), 'credentials': cloud.credentials,
            'options': options, 'action': 'fresh',
            'hosts': sorted(cloud.snapshot()['hosts']), 'host': host}
    return subprocess.Popen(
        [sys.executable, '-m', 'tests.functional.engine_process',
         json.dumps(spec)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=dict(os.environ, PYTHONWARNINGS='ignore'))


def outcome(process):
    out, err = process.communicate(timeout=240)
    assert process.returncode == 0, err[-3000:]
    result = json.loads(out.strip().splitlines()[-1])
    result['messages'] = [d['message'] for task in result['progress']
                          for d in task['details']]
    return result


def racing_cloud(runner):
    """'basic' with both computes failed and the claim aggregate made.

    The aggregate exists beforehand so that its id, and so its
    ``add_host`` path, is known to the gate.
    """
    cloud = runner.cloud(harness.scenario('basic'))
    for host in FAILING:
        cloud.fail_host(host, forced_down=True)
    claims = conftest.nova_for(cloud).aggregates.create(harness.CLAIMS, None)
    return cloud, r'/os-aggregates/%d/action$' % claims.id


def assert_one_spare_each(cloud, outcomes, races_lost=1):
    """Both finished, each on a spare of its own."""
    ledger = cloud.snapshot()['aggregates'][harness.CLAIMS]
    claims = {key[len('claim:'):]: json.loads(value)
              for key, value in ledger['metadata'].items()}
    owners = {c['notification'] for c in claims.values()}
    assert sorted(claims) == ['spare-1', 'spare-2'], claims
    assert owners == {o['notification'] for o in outcomes}, claims
    assert sorted(ledger['hosts']) == ['spare-1', 'spare-2']
    lost = [o for o in outcomes if any(LOST in m for m in o['messages'])]
    assert len(lost) == races_lost, [o['messages'] for o in outcomes]
    for o in lost:
        assert any(m.startswith('Spare spare-1 ' + LOST)
                   for m in o['messages']), o['messages']
    moved = []
    for o in outcomes:
        assert o['status'] == 'finished', o['messages']
        mine = [h for h, c in claims.items()
                if c['notification'] == o['notification']]
        assert len(mine) == 1, claims
        assert sum(m.startswith('Claimed spare ')
                   for m in o['messages']) == 1, o['messages']
        moved += [v['instance'] for v in o['vmoves']
                  if v['status'] == 'succeeded']
    for server in cloud.snapshot()['servers']:
        assert server['host'] not in FAILING, server
    assert lease_end.lost_instances(cloud, moved) == []


@pytest.fixture
def two_servers(tmp_path, backends):
    """Two servers of the ``backends`` kind, each an engine's own."""
    servers = []
    for number in (1, 2):
        (tmp_path / str(number)).mkdir()
        servers.append(conftest.lock_server(
            backends, tmp_path / str(number)).start())
    yield servers
    for server in servers:
        server.stop()


@pytest.mark.parametrize('backends', ('file',) + conftest.LOCK_BACKENDS)
def test_engines_whose_locks_are_not_shared_never_share_a_spare(
        runner, tmp_path, request, backends):
    """Each engine holds a lock of its own: nothing serialises the claims."""
    if backends == 'file':
        options = [{}, {}]
    else:
        options = [{'lock_url': s.url}
                   for s in request.getfixturevalue('two_servers')]
    cloud, anchor_path = racing_cloud(runner)
    gate = conftest.Gate(cloud, 'POST', anchor_path)

    processes = [fresh_engine(tmp_path, cloud, host, opts)
                 for host, opts in zip(FAILING, options)]
    outcomes = [outcome(p) for p in processes]

    assert gate.met, 'the two claims did not race'
    assert_one_spare_each(cloud, outcomes)


@pytest.mark.parametrize('backend', conftest.LOCK_BACKENDS)
@pytest.mark.parametrize('point,skip,races_lost', [
    ('before its anchor', 0, 1),
    ('between its anchor and its record', 1, 0)])
def test_a_backend_restart_while_a_claim_holds_the_lock_gives_the_spare_once(
        runner, tmp_path, backend, point, skip, races_lost):
    """Issue 11: the backend restarted (empty) while engine A holds the lock.

    Engine A (this process) holds the lock on redis or etcd and has chosen
    spare-1; at ``point`` the backend restarts empty and engine B takes the
    same lock and recovers its failure.  Before A's anchor, B chooses spare-1
    too and loses it to A, or A to B, at Nova; after it, B sees spare-1
    claimed, by an owner it cannot name yet, and never chooses it.
    """
    server = conftest.lock_server(backend, tmp_path).start()
    cloud, anchor_path = racing_cloud(runner)
    engine_b = []

    def restart_backend_then_start_b():
        server.restart()
        engine_b.append(fresh_engine(tmp_path, cloud, 'compute-2',
                                     {'lock_url': server.url}))

    gate = conftest.Gate(cloud, 'POST', anchor_path, skip=skip,
                         on_first=restart_backend_then_start_b)
    try:
        runner.prepare(cloud, lock_url=server.url)
        result_a = runner.fail(cloud, 'compute-1')
        outcome_b = outcome(engine_b[0])
    finally:
        server.stop()

    assert gate.met, 'engine B did not claim while A held the lock'
    outcome_a = dict(result_a.result, notification=result_a.uuid,
                     messages=result_a.messages)
    assert_one_spare_each(cloud, [outcome_a, outcome_b], races_lost)


def test_a_spare_anchored_without_a_record_is_held_until_returned(
        runner, masakari, tmp_path):
    """A claim's engine died between its anchor and its record.

    Nobody can name the owner of spare-1, so nobody gets it.
    """
    cloud = runner.cloud(harness.scenario('basic'))
    nova = conftest.nova_for(cloud)
    claims = nova.aggregates.create(harness.CLAIMS, None)
    nova.aggregates.add_host(claims.id, 'spare-1')
    runner.prepare(cloud)

    result = runner.fail(cloud, 'compute-1')

    assert result.status == 'finished', result.messages
    assert list(result.claims()) == ['spare-2']
    assert {cloud.server(n)['host'] for n in ('ha-vm-1', 'ha-vm-2')} == {
        'spare-2'}
    conf = cli.write_conf(tmp_path, runner, cloud, masakari=masakari)
    status = cli.run('--config-file', conf, 'pool', 'status')
    line = [ln for ln in status.stdout.splitlines()
            if ln.startswith('spare-1')][0]
    assert ('claimed by unknown (in the claim aggregate without a record); '
            '"masakari-blazar return spare-1" frees it') in line

    done = cli.run('--config-file', conf, 'return', 'spare-1')

    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == 'Released the claim on spare-1'
    assert cloud.hosts_in_aggregate(harness.CLAIMS) == ['spare-2']
    assert 'masakari-spare-spare-1' in result.lease_names()
