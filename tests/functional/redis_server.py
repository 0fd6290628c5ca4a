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

"""A real redis-server of the test's own, to restart, kill and freeze.

Engines on several machines share one like it through tooz; the faults
that matter (a restart that empties it, a crash that leaves it down, a hang)
are done to the real process.
"""

import shutil
import subprocess
import time

import pytest
import redis

from tests.functional import backend_server


class RedisServer(backend_server.BackendServer):
    """redis-server on 127.0.0.1, on a free port, without persistence."""

    kind = 'redis'

    def __init__(self, directory, password=None):
        if not shutil.which('redis-server'):
            pytest.skip('redis-server is not installed (.ci/run installs it '
                        'from Debian)')
        self.directory = str(directory)
        self.password = password
        self._choose_ports()

    @property
    def url(self):
        auth = ':%s@' % self.password if self.password else ''
        return 'redis://%s127.0.0.1:%d' % (auth, self.port)

    @property
    def shown_url(self):
        """The URL as the plugin shows it, its password masked."""
        return self.url.replace(self.password, '***') if self.password \
            else self.url

    def _choose_ports(self):
        self.port = backend_server.free_port()

    def _start_on_ports(self):
        """Whose server answers on the port its process id tells."""
        args = ['redis-server', '--port', str(self.port), '--bind',
                '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir',
                self.directory]
        if self.password:
            args += ['--requirepass', self.password]
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        client = redis.Redis(port=self.port, password=self.password,
                             socket_timeout=1)
        deadline = time.monotonic() + 30
        while self.process.poll() is None:
            try:
                if client.info('server')['process_id'] == self.process.pid:
                    return True
            except redis.exceptions.ConnectionError:
                pass
            if time.monotonic() > deadline:
                self.kill()
                raise AssertionError('redis-server did not start')
            time.sleep(0.05)
        return False

    def restart(self):
        """Killed and started again, empty: every lock it held is gone."""
        self.kill()
        return self.start()
