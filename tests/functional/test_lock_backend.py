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

With a real redis-server.  tooz's redis driver keeps retrying a backend
that refuses for about a minute, and stopping its coordinator waits on its
heartbeat, so unbounded these recoveries took minutes; the claim lock
bounds every backend call (``lock_timeout`` plus ``claim_lock.SLACK``).
The bounds asserted are far below what the unbounded calls take.
"""

import json
import logging
import time

import pytest

from masakari_blazar.cloud import claim_lock
from tests.functional.conftest import when_requested
from tests.functional import harness
from tests.functional import redis_server

PASSWORD = 'TopSecretRedisPw'
LOCK_TIMEOUT = 1
# Connecting and taking the lock, then leaving the backend, at most.
BOUND = LOCK_TIMEOUT + 3 * claim_lock.SLACK


@pytest.fixture
def redis(tmp_path):
    server = redis_server.RedisServer(tmp_path, password=PASSWORD)
    yield server
    server.stop()


def test_a_lock_backend_that_is_down_ends_the_recovery_in_bounded_time(
        runner, redis):
    cloud = runner.cloud(harness.scenario('basic'))
    blazar_before = json.dumps(cloud.snapshot()['blazar'], sort_keys=True)
    runner.prepare(cloud, lock_url=redis.url, lock_timeout=LOCK_TIMEOUT)
    started = time.monotonic()
    result = runner.fail(cloud, 'compute-1')
    took = time.monotonic() - started

    assert result.status == 'error'
    assert took < BOUND, took
    assert result.said('The lock backend redis://:***@127.0.0.1:%d did not '
                       'answer within %d s' % (
                           redis.port, LOCK_TIMEOUT + claim_lock.SLACK)), \
        result.messages
    assert not any(PASSWORD in m for m in result.messages)
    # The backend is checked before the failed host's service is touched:
    # nothing was claimed or changed, and nothing says otherwise.
    assert result.claims() == {}
    assert not result.said('could not give the claimed spares')
    assert result.messages[-1].endswith('; nothing was changed'), \
        result.messages[-1]
    assert cloud.snapshot()['hosts']['compute-1']['service']['status'] == \
        'enabled'
    assert result.messages[-1].startswith('The lock backend redis://:***@')
    assert json.dumps(cloud.snapshot()['blazar'],
                      sort_keys=True) == blazar_before


def test_a_lock_backend_killed_mid_claim_still_ends_in_bounded_time(
        runner, redis, caplog):
    redis.start()
    cloud = runner.cloud(harness.scenario('basic'))
    # The spare's removal from Blazar waits a little, so that the backend
    # is gone while the lock is held.
    cloud.faults.add(service='blazar', method='DELETE', path=r'/os-hosts/',
                     kind=None, latency=1.0)
    when_requested(cloud, 'DELETE', '/leases/', redis.kill)
    runner.prepare(cloud, lock_url=redis.url, lock_timeout=LOCK_TIMEOUT)
    started = time.monotonic()
    with caplog.at_level(logging.WARNING):
        result = runner.fail(cloud, 'compute-1')
    took = time.monotonic() - started

    assert redis.process.poll() is not None, 'redis was not killed'
    assert took < BOUND + 30, took
    # The claim was recorded before the backend died: the recovery goes on,
    # and evacuates without the evacuation guard, saying so.
    assert result.status == 'finished', result.messages
    assert result.said('going on without the evacuation guard'), \
        result.messages
    assert list(result.claims()) == ['spare-1']
    assert 'Could not release the spare-pool lock at redis://:***@' in \
        caplog.text
    assert PASSWORD not in caplog.text
    result.assert_nothing_lost()
