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

"""The spare-pool lock, with a real tooz file backend."""

import os
import socket
import threading
import time

from oslo_config import cfg
import pytest
import tenacity
from tooz import coordination

from masakari_blazar.cloud import claim_lock
from masakari_blazar import conf as mb_conf
from masakari_blazar import exceptions


def make_conf(tmp_path, coordination=False):
    conf = cfg.ConfigOpts()
    mb_conf.register_opts(conf)
    if coordination:
        # As masakari.conf.coordination registers it.
        conf.register_opts([cfg.StrOpt('backend_url')], group='coordination')
    conf([], project='masakari-blazar-test')
    conf.set_override('lock_path', str(tmp_path / 'locks'),
                      'masakari_blazar')
    return conf


def test_lock_url_comes_first(tmp_path):
    conf = make_conf(tmp_path, coordination=True)
    conf.set_override('lock_url', 'etcd3+http://etcd:2379', 'masakari_blazar')
    conf.set_override('backend_url', 'redis://redis:6379', 'coordination')
    assert claim_lock.backend_url(conf) == 'etcd3+http://etcd:2379'


def test_masakari_coordination_backend_is_next(tmp_path):
    conf = make_conf(tmp_path, coordination=True)
    conf.set_override('backend_url', 'redis://redis:6379', 'coordination')
    assert claim_lock.backend_url(conf) == 'redis://redis:6379'


@pytest.mark.parametrize('coordination', [True, False])
def test_file_lock_in_lock_path_is_the_last_resort(tmp_path, coordination):
    conf = make_conf(tmp_path, coordination=coordination)
    assert claim_lock.backend_url(conf) == 'file://' + str(tmp_path / 'locks')
    assert os.path.isdir(tmp_path / 'locks')


def test_lock_path_default_lives_under_state_path():
    conf = cfg.ConfigOpts()
    mb_conf.register_opts(conf)
    conf.register_opt(cfg.StrOpt('state_path', default='/var/lib/masakari'))
    conf([], project='masakari-blazar-test')
    assert conf.masakari_blazar.lock_path == (
        '/var/lib/masakari/masakari_blazar/locks')


def _holder(conf, entered, leave, intervals=None, hold=0.0):
    def run():
        with claim_lock.spare_pool_lock(conf):
            start = time.monotonic()
            entered.set()
            if leave is not None:
                leave.wait(10)
            time.sleep(hold)
            if intervals is not None:
                intervals.append((start, time.monotonic()))
    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_second_holder_times_out_with_a_claim_error(tmp_path):
    conf = make_conf(tmp_path)
    conf.set_override('lock_timeout', 1, 'masakari_blazar')
    entered, leave = threading.Event(), threading.Event()
    thread = _holder(conf, entered, leave)
    try:
        assert entered.wait(10)
        start = time.monotonic()
        with pytest.raises(exceptions.ClaimError) as exc:
            with claim_lock.spare_pool_lock(conf):
                pytest.fail('both holders are inside the lock')
        assert time.monotonic() - start >= 0.9
        assert 'file://%s' % (tmp_path / 'locks') in str(exc.value)
        assert 'Timed out after 1s' in str(exc.value)
    finally:
        leave.set()
        thread.join(10)
    # Once released, the lock can be had again.
    with claim_lock.spare_pool_lock(conf):
        pass


def test_holders_never_overlap(tmp_path):
    conf = make_conf(tmp_path)
    conf.set_override('lock_timeout', 10, 'masakari_blazar')
    intervals = []
    threads = [_holder(conf, threading.Event(), None, intervals, hold=0.1)
               for _ in range(3)]
    for thread in threads:
        thread.join(15)
    assert len(intervals) == 3
    intervals.sort()
    for (_, end), (start, _) in zip(intervals, intervals[1:]):
        assert end <= start


def test_lock_is_released_when_the_body_fails(tmp_path):
    conf = make_conf(tmp_path)
    conf.set_override('lock_timeout', 1, 'masakari_blazar')
    with pytest.raises(RuntimeError):
        with claim_lock.spare_pool_lock(conf):
            raise RuntimeError('planning failed')
    with claim_lock.spare_pool_lock(conf):
        pass


def test_unknown_backend_is_a_config_error(tmp_path):
    conf = make_conf(tmp_path)
    conf.set_override('lock_url', 'nosuchdriver://x', 'masakari_blazar')
    with pytest.raises(exceptions.ConfigError, match='nosuchdriver://x'):
        with claim_lock.spare_pool_lock(conf):
            pytest.fail('the lock was taken')


def test_probe_names_a_backend_out_of_reach(tmp_path):
    conf = make_conf(tmp_path)
    conf.set_override('lock_url', 'nosuchdriver://x', 'masakari_blazar')
    with pytest.raises(exceptions.ConfigError, match='nosuchdriver://x'):
        claim_lock.probe(conf)


class _EtcdLikeLock(object):
    """A held lock as tooz's etcd3gw driver tells it once the wait ran out."""

    def acquire(self, blocking=True):
        raise tenacity.RetryError(None)


class _EtcdLikeCoordinator(object):
    def start(self, start_heart=False):
        pass

    def get_lock(self, name):
        return _EtcdLikeLock()

    def stop(self):
        pass


def test_an_etcd_lock_whose_wait_ran_out_is_a_timeout(tmp_path, monkeypatch):
    conf = make_conf(tmp_path)
    conf.set_override('lock_url', 'etcd3+http://etcd:2379', 'masakari_blazar')
    conf.set_override('lock_timeout', 1, 'masakari_blazar')
    monkeypatch.setattr(coordination, 'get_coordinator',
                        lambda url, member: _EtcdLikeCoordinator())
    with pytest.raises(exceptions.ClaimError) as exc:
        with claim_lock.spare_pool_lock(conf):
            pytest.fail('the lock was taken')
    assert str(exc.value) == (
        'Timed out after 1s waiting for the spare-pool lock at '
        'etcd3+http://etcd:2379; another recovery holds it')


def test_an_etcd_backend_that_refuses_is_named_with_the_reason(tmp_path):
    """tooz's etcd3gw errors print as nothing; the reason is their cause's."""
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
    conf = make_conf(tmp_path)
    url = 'etcd3+http://127.0.0.1:%d' % port
    conf.set_override('lock_url', url, 'masakari_blazar')
    with pytest.raises(exceptions.ConfigError) as exc:
        claim_lock.probe(conf)
    assert str(exc.value).startswith('Cannot reach the lock backend %s: '
                                     % url)
    assert 'Connection refused' in str(exc.value)
