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

"""What the real lock backends of the tests share: their process's faults.

The claim lock must survive its backend being killed (gone, connections
refused), frozen (a process that accepts connections and never answers, as
a host that hangs) and restarted empty; each server module starts its own
kind and empties it, and this kills, freezes and stops it.
"""

import os
import signal
import socket


class BackendServer(object):
    """A lock backend's server on 127.0.0.1, on ports free when chosen."""

    kind = None
    process = None

    def start(self):
        """Start on its ports, or on other free ones if one was taken.

        A port free when chosen may be taken before the server binds it, by
        another pytest-xdist worker's server for one; ours then exits, and
        the subclass's probe tells whose server answers.
        """
        for _attempt in range(5):
            if self._start_on_ports():
                return self
            self._choose_ports()
        raise AssertionError('%s found no free port' % self.kind)

    def _start_on_ports(self):
        """Start, and tell whether it is ours that answers on the ports."""
        raise NotImplementedError()

    def _choose_ports(self):
        raise NotImplementedError()

    def kill(self):
        """SIGKILL: the backend vanishes mid-whatever, and stays down."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(30)

    def freeze(self):
        """SIGSTOP: connections are accepted and never answered."""
        os.kill(self.process.pid, signal.SIGSTOP)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            # A frozen server handles no SIGTERM until it runs again.
            os.kill(self.process.pid, signal.SIGCONT)
            self.process.terminate()
            self.process.wait(30)


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]
