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

"""A real etcd of the test's own, to restart, kill and freeze.

Operators share the claim lock through etcd as often as through redis
(tooz's ``etcd3+http`` driver, etcd's gRPC gateway); the faults that
matter, a restart that empties it, a crash that leaves it down and a hang,
are done to the real process, as :mod:`redis_server` does them to redis.
"""

import os
import shutil
import subprocess
import time
import uuid

import pytest
import requests

from tests.functional import backend_server


class EtcdServer(backend_server.BackendServer):
    """A one-member etcd cluster on 127.0.0.1, on free ports."""

    kind = 'etcd'

    def __init__(self, directory):
        if not shutil.which('etcd'):
            pytest.skip('etcd is not installed (.ci/run installs '
                        'etcd-server from Debian)')
        self.directory = str(directory)
        self.data_dir = os.path.join(self.directory, 'etcd-data')
        self.name = None
        self._choose_ports()

    @property
    def url(self):
        return 'etcd3+http://127.0.0.1:%d' % self.port

    @property
    def shown_url(self):
        """The URL as the plugin shows it: etcd3gw takes no password."""
        return self.url

    def _choose_ports(self):
        self.port = backend_server.free_port()
        self.peer_port = backend_server.free_port()

    def _start_on_ports(self):
        """Whose member answers its name, unique to this start, tells."""
        self.name = 'test-%s' % uuid.uuid4().hex[:12]
        client = 'http://127.0.0.1:%d' % self.port
        peer = 'http://127.0.0.1:%d' % self.peer_port
        args = ['etcd', '--name', self.name, '--data-dir', self.data_dir,
                '--listen-client-urls', client,
                '--advertise-client-urls', client,
                '--listen-peer-urls', peer,
                '--initial-advertise-peer-urls', peer,
                '--initial-cluster', '%s=%s' % (self.name, peer),
                '--initial-cluster-token', self.name,
                '--initial-cluster-state', 'new']
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while self.process.poll() is None:
            if self._answers_as_ours(client):
                return True
            if time.monotonic() > deadline:
                self.kill()
                raise AssertionError('etcd did not start')
            time.sleep(0.1)
        return False

    def _answers_as_ours(self, client):
        """Whether our member leads a cluster that answers on ``client``."""
        try:
            members = requests.post(client + '/v3/cluster/member/list',
                                    json={}, timeout=1).json()['members']
            healthy = requests.get(client + '/health',
                                   timeout=1).json()['health'] == 'true'
        except (requests.RequestException, ValueError, KeyError):
            return False
        return healthy and [m.get('name') for m in members] == [self.name]

    def restart(self):
        """Killed and started again, empty: every lock and lease is gone."""
        self.kill()
        shutil.rmtree(self.data_dir, ignore_errors=True)
        return self.start()
