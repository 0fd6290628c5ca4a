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

"""A real redis-server of the test's own, to restart and to kill.

Engines on several machines share one like it through tooz; the faults
that matter (a restart that empties it, a crash that leaves it down) are
done to the real process.
"""

import os
import shutil
import signal
import socket
import subprocess
import time

import pytest
import redis


class RedisServer(object):
    """redis-server on 127.0.0.1, on a free port, without persistence."""

    kind = 'redis'

    def __init__(self, directory, password=None):
        if not shutil.which('redis-server'):
            pytest.skip('redis-server is not installed (.ci/run installs it '
                        'from Debian)')
        self.directory = str(directory)
        self.password = password
        self.port = free_port()
        self.process = None

    @property
    def url(self):
        auth = ':%s@' % self.password if self.password else ''
        return 'redis://%s127.0.0.1:%d' % (auth, self.port)

    @property
    def shown_url(self):
        """The URL as the plugin shows it, its password masked."""
        return self.url.replace(self.password, '***') if self.password \
            else self.url

    def start(self):
        """Start on its port, or on another free one if that was taken.

        A port free when chosen may be taken before redis-server binds it,
        by another pytest-xdist worker's server for one; ours then exits,
        and the answering server's process id tells whose it is.
        """
        for _attempt in range(5):
            if self._start_on_port():
                return self
            self.port = free_port()
        raise AssertionError('redis-server found no free port')

    def _start_on_port(self):
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

    def kill(self):
        """SIGKILL: the backend vanishes mid-whatever, and stays down."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(30)

    def restart(self):
        """Killed and started again, empty: every lock it held is gone."""
        self.kill()
        return self.start()

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(30)


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]
