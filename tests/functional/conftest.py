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

"""Functional fixtures: simulated clouds, real clients, the real engine."""

import copy
import json
import re
import threading
import time

from blazarclient import client as blazar_client
from keystoneauth1 import adapter
from keystoneauth1 import loading
from keystoneauth1 import session as ks_session
from novaclient import client as nova_client
import pytest

from masakari_blazar.simulator import scenario as scenario_mod
from masakari_blazar.simulator import SimulatedCloud
from tests.functional import cli
from tests.functional import etcd_server
from tests.functional import harness
from tests.functional import redis_server

# The lock backends operators share the claim lock through, each run as a
# real process by the lock-loss tests.
LOCK_BACKENDS = ('redis', 'etcd')


def scenario_dict(name):
    """A private copy of a shipped scenario, to edit before starting it."""
    return copy.deepcopy(scenario_mod.load(name))


def keystone_session(cloud, project_name='admin'):
    """A keystoneauth session from the ``password`` plugin loader."""
    options = dict(cloud.credentials, project_name=project_name)
    auth = loading.get_plugin_loader('password').load_from_options(**options)
    return ks_session.Session(auth=auth)


def nova_for(cloud, version='2.53', project_name='admin'):
    return nova_client.Client(version, session=keystone_session(
        cloud, project_name))


def blazar_for(cloud, project_name='admin'):
    return blazar_client.Client(session=keystone_session(cloud, project_name),
                                service_type='reservation')


def placement_for(cloud):
    return adapter.Adapter(keystone_session(cloud),
                           service_type='placement',
                           default_microversion='1.29')


@pytest.fixture
def sim_cloud_factory():
    """Start SimulatedClouds (fast evacuations); all stopped at teardown."""
    started = []

    def factory(scenario='basic', **config):
        config.setdefault('evacuation_delay', 0.05)
        cloud = SimulatedCloud(scenario, **config).start()
        started.append(cloud)
        return cloud

    yield factory
    for cloud in started:
        cloud.stop()


@pytest.fixture
def sim_cloud(sim_cloud_factory):
    """The 'basic' scenario, started."""
    return sim_cloud_factory('basic')


@pytest.fixture(scope='session')
def engine_workdir(tmp_path_factory):
    """The work directory of this process's Masakari engine.

    The engine is one per process (masakari_blazar.local.engine), set up in
    the directory given first, so one directory serves the whole session;
    each pytest-xdist worker is a process with an engine and a directory
    of its own.
    """
    return str(tmp_path_factory.mktemp('engine'))


@pytest.fixture
def runner(engine_workdir):
    """Masakari's engine with no records, and clouds stopped after the test.

    Emptying Masakari's database first makes a test independent of which
    tests ran before it in the same process.
    """
    runner = harness.Runner(engine_workdir)
    runner.engine.reset()
    yield runner
    runner.stop()


def lock_server(kind, directory, password=None):
    """A real lock backend of ``kind``, not started.

    It keeps its files in ``directory``; ``password`` is redis's (tooz's
    etcd driver takes none).
    """
    if kind == 'redis':
        return redis_server.RedisServer(directory, password=password)
    return etcd_server.EtcdServer(directory)


def wait_for(predicate, timeout=10.0, interval=0.02):
    """Poll ``predicate`` until it returns a truthy value, or fail."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError('Timed out waiting for %s' % predicate)
        time.sleep(interval)


def lease_named(blazar, name):
    for lease in blazar.lease.list():
        if lease['name'] == name:
            return lease
    raise AssertionError('No lease named %s' % name)


def force_down(nova, host):
    """Fence ``host`` as a monitor would: forced_down through the API."""
    service = nova.services.list(host=host, binary='nova-compute')[0]
    nova.services.force_down(service.id, True)


@pytest.fixture
def masakari(runner):
    """Masakari's real API on the module ``runner``'s engine and database."""
    if cli.MasakariService.paste_config() is None:
        pytest.skip('Masakari\'s api-paste.ini is not installed')
    service = cli.MasakariService(runner.engine).start()
    yield service
    service.stop()


def record_claim(cloud, hostname, notification_uuid):
    """Write a claim on ``hostname`` into the ledger, as a claim step does.

    :returns: the ledger's Nova aggregate.
    """
    nova = nova_for(cloud)
    ledger = nova.aggregates.create(harness.CLAIMS, None)
    nova.aggregates.set_metadata(ledger, {'claim:%s' % hostname: json.dumps({
        'notification': notification_uuid, 'since': '2026-01-01T00:00:00',
        'group': None, 'lease': 'masakari-spare-%s' % hostname})})
    return ledger


def when_requested(cloud, method, fragment, action, since=0):
    """Run ``action`` once the cloud has answered a matching request.

    :param since: how many requests of ``cloud.request_log`` not to count.
    """
    def watch():
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if any(e[1] == method and fragment in e[2]
                   for e in list(cloud.request_log)[since:]):
                action()
                return
            time.sleep(0.005)
    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    return watcher


class Gate(object):
    """Holds ``parties`` matching requests until all of them have come.

    The first ``skip`` matching requests pass; ``on_first`` runs when the
    first held one arrives.  Faults are taken before a request's handler
    runs, so each held request has changed nothing yet: claimants held
    here have all read the cloud and decided, and none of the held writes
    has landed.  ``met`` tells that they all came (rather than the wait
    timing out).
    """

    def __init__(self, cloud, method, pattern, parties=2, on_first=None,
                 skip=0, timeout=90):
        self.method = method
        self.pattern = pattern
        self.parties = parties
        self.on_first = on_first
        self.skip = skip
        self.met = False
        self._arrived = 0
        self._count_lock = threading.Lock()
        self._barrier = threading.Barrier(parties, timeout=timeout)
        self._take = cloud.faults.take
        cloud.faults.take = self._gated_take

    def _gated_take(self, service, method, target):
        if method == self.method and re.search(self.pattern, target):
            with self._count_lock:
                self._arrived += 1
                number = self._arrived - self.skip
            if 0 < number <= self.parties:
                if number == 1 and self.on_first:
                    self.on_first()
                try:
                    if self._barrier.wait() == 0:
                        self.met = True
                except threading.BrokenBarrierError:
                    pass
        return self._take(service, method, target)
