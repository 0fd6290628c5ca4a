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

"""A lock backend that is down, or dies mid-claim: a bounded recovery.

With a real redis-server and a real etcd, the backends operators run.
tooz's redis driver keeps retrying a backend that refuses for about a
minute, and stopping its coordinator waits on its heartbeat, so unbounded
these recoveries took minutes; the claim lock bounds every backend call
(``lock_timeout`` plus ``claim_lock.SLACK``).  The bounds asserted are far
below what the unbounded calls take.  etcd's gateway refuses at once, and
tooz's etcd driver says nothing of why; the line still names the backend
and gives the reason.
"""

import contextlib
import json
import logging
import time

import pytest
from tooz import coordination

from masakari_blazar.cloud import claim_lock
from tests.functional import conftest
from tests.functional.conftest import when_requested
from tests.functional import harness

PASSWORD = 'TopSecretRedisPw'
LOCK_TIMEOUT = 1
# Connecting and taking the lock, then leaving the backend, at most.
BOUND = LOCK_TIMEOUT + 3 * claim_lock.SLACK


# How each backend's refusal is told: redis's driver retries until the
# deadline, etcd's gateway refuses at once.
DOWN_LINE = {
    'redis': 'The lock backend {url} did not answer within {seconds} s',
    'etcd': 'Cannot reach the lock backend {url}: ',
}
DOWN_REASON = {'redis': '', 'etcd': 'Connection refused'}


@pytest.fixture(params=conftest.LOCK_BACKENDS)
def backend(request, tmp_path):
    """A lock backend's real server, not started."""
    server = conftest.lock_server(request.param, tmp_path, password=PASSWORD)
    yield server
    server.stop()


@contextlib.contextmanager
def held_elsewhere(url):
    """The spare-pool lock at ``url``, held as another engine holds it."""
    coordinator = coordination.get_coordinator(url, b'another-engine')
    coordinator.start(start_heart=True)
    lock = coordinator.get_lock(claim_lock.LOCK_NAME)
    assert lock.acquire(blocking=5)
    try:
        yield
    finally:
        lock.release()
        coordinator.stop()


def test_a_lock_backend_that_is_down_ends_the_recovery_in_bounded_time(
        runner, backend):
    cloud = runner.cloud(harness.scenario('basic'))
    blazar_before = json.dumps(cloud.snapshot()['blazar'], sort_keys=True)
    runner.prepare(cloud, lock_url=backend.url, lock_timeout=LOCK_TIMEOUT)
    started = time.monotonic()
    result = runner.fail(cloud, 'compute-1')
    took = time.monotonic() - started

    assert result.status == 'error'
    assert took < BOUND, took
    line = DOWN_LINE[backend.kind].format(
        url=backend.shown_url, seconds=LOCK_TIMEOUT + claim_lock.SLACK)
    naming = [m for m in result.messages if backend.shown_url in m]
    assert len(naming) == 1 and naming[0].startswith(line), result.messages
    assert DOWN_REASON[backend.kind] in naming[0], naming[0]
    assert not any(PASSWORD in m for m in result.messages)
    # The backend is checked before the failed host's service is touched:
    # nothing was claimed or changed, and nothing says otherwise.
    assert result.claims() == {}
    assert not result.said('could not give the claimed spares')
    assert result.messages[-1].endswith('; nothing was changed'), \
        result.messages[-1]
    assert cloud.snapshot()['hosts']['compute-1']['service']['status'] == \
        'enabled'
    assert result.messages[-1] == naming[0]
    assert json.dumps(cloud.snapshot()['blazar'],
                      sort_keys=True) == blazar_before


def lose(backend, fault, cloud, method, fragment):
    """Kill or freeze (``fault``) ``backend`` at a request to the cloud.

    The first request matching ``method`` and ``fragment`` sets it off.

    :returns: the faults done, for the test to check that one was.
    """
    done = []

    def act():
        getattr(backend, fault)()
        done.append(fault)
    when_requested(cloud, method, fragment, act)
    return done


@pytest.mark.parametrize('fault', ['kill', 'freeze'])
def test_a_lock_backend_lost_before_the_claim_ends_the_recovery_in_time(
        runner, backend, fault):
    """The backend answered the probe, then died or hung before the claim.

    The failed host's service is disabled by then; the claim gives up
    within its bound, naming the backend, with nothing claimed.
    """
    backend.start()
    cloud = runner.cloud(harness.scenario('basic'))
    blazar_before = json.dumps(cloud.snapshot()['blazar'], sort_keys=True)
    done = lose(backend, fault, cloud, 'PUT', '/os-services/')
    runner.prepare(cloud, lock_url=backend.url, lock_timeout=LOCK_TIMEOUT)
    started = time.monotonic()
    result = runner.fail(cloud, 'compute-1')
    took = time.monotonic() - started

    assert done == [fault]
    assert result.status == 'error', result.messages
    assert took < BOUND, took
    failure, undone = result.messages[-2:]
    assert backend.shown_url in failure, failure
    assert undone == failure + '; nothing was claimed', result.messages
    assert not any(PASSWORD in m for m in result.messages)
    assert result.claims() == {}
    assert json.dumps(cloud.snapshot()['blazar'],
                      sort_keys=True) == blazar_before
    assert {cloud.server(n)['host'] for n in ('ha-vm-1', 'ha-vm-2')} == {
        'compute-1'}


@pytest.mark.parametrize('fault', ['kill', 'freeze'])
def test_a_lock_backend_lost_mid_claim_still_ends_in_bounded_time(
        runner, backend, caplog, fault):
    """The backend died or hung while the recovery held the lock."""
    backend.start()
    cloud = runner.cloud(harness.scenario('basic'))
    # The spare's removal from Blazar waits a little, so that the backend
    # is gone while the lock is held.
    cloud.faults.add(service='blazar', method='DELETE', path=r'/os-hosts/',
                     kind=None, latency=1.0)
    done = lose(backend, fault, cloud, 'DELETE', '/leases/')
    runner.prepare(cloud, lock_url=backend.url, lock_timeout=LOCK_TIMEOUT)
    started = time.monotonic()
    with caplog.at_level(logging.WARNING):
        result = runner.fail(cloud, 'compute-1')
    took = time.monotonic() - started

    assert done == [fault]
    assert took < BOUND + 30, took
    # The claim was recorded before the backend was lost: the recovery goes
    # on, and evacuates without the evacuation guard, saying so.
    assert result.status == 'finished', result.messages
    assert result.said('going on without the evacuation guard'), \
        result.messages
    assert list(result.claims()) == ['spare-1']
    assert 'Could not release the spare-pool lock at %s (' % (
        backend.shown_url) in caplog.text
    assert PASSWORD not in caplog.text
    result.assert_nothing_lost()


def test_a_lock_held_elsewhere_ends_the_recovery_naming_the_backend(
        runner, backend):
    """Another recovery holds the lock for longer than ``lock_timeout``.

    The recovery gives up within its bound with the timeout's own line,
    whichever way the backend's driver tells that the wait ran out (tooz's
    etcd lock raises where the redis lock answers False).
    """
    backend.start()
    cloud = runner.cloud(harness.scenario('basic'))
    runner.prepare(cloud, lock_url=backend.url, lock_timeout=LOCK_TIMEOUT)
    with held_elsewhere(backend.url):
        started = time.monotonic()
        result = runner.fail(cloud, 'compute-1')
        took = time.monotonic() - started

    assert result.status == 'error', result.messages
    assert took < BOUND, took
    assert result.said('Timed out after %ss waiting for the spare-pool lock '
                       'at %s; another recovery holds it' % (
                           LOCK_TIMEOUT, backend.shown_url)), result.messages
    assert result.claims() == {}
    assert not any(PASSWORD in m for m in result.messages)
