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

"""Starting, resetting and stopping the real services, one process each.

Keystone (the stand-in, in the project's own Python), Nova with Placement
(in the Nova virtualenv) and Blazar (in the Blazar virtualenv) each run in
a process of their own, in a session of their own, on 127.0.0.1.  Startup
polls each service until it answers instead of sleeping.  ``stop`` ends
every process group it started, and runs at interpreter exit and on
SIGTERM too, so that a failing or interrupted run leaves nothing behind.

Nova and Blazar keep their state in memory or in a work directory;
:meth:`Harness.reset` restarts both on empty databases so that every
scenario starts from a cloud with nothing in it, as the simulated cloud
does.
"""

import atexit
import datetime
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

from tools.real_services import venvs

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
ADMIN = {'username': 'admin', 'password': 'secret', 'project_name': 'admin',
         'user_domain_name': 'Default', 'project_domain_name': 'Default'}
PROJECTS = ('admin', 'service', 'demo', 'research')


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def answers(url):
    """True once ``url`` gives any HTTP answer (a 300 or a 401 counts)."""
    try:
        urllib.request.urlopen(url, timeout=2).close()
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False
    return True


PIDS = 'pids'


def _group_gone(pid):
    try:
        os.killpg(pid, 0)
    except (ProcessLookupError, PermissionError):
        return True
    return False


def stop_group(pid, grace=10, gone=None):
    """End the process group led by ``pid``: SIGTERM, then SIGKILL.

    :param gone: tells when it has ended; by default, when the group has
        no process left (a child of ours stays a zombie until waited for,
        so its parent passes its own test).
    """
    gone = gone or (lambda: _group_gone(pid))
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pid, sig)
        except (ProcessLookupError, PermissionError):
            return
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            if gone():
                return
            time.sleep(0.1)


def stop_recorded(run_dir):
    """End every service a run recorded that is still running.

    For ``run.py``, after its tests: their process may have died without
    running its own clean-up (SIGKILL, a crash).
    """
    try:
        with open(os.path.join(run_dir, PIDS)) as stream:
            pids = [int(line) for line in stream if line.strip()]
    except OSError:
        return
    for pid in pids:
        stop_group(pid, grace=5)


def stop_at_exit(stop):
    """Call ``stop`` at interpreter exit and on SIGTERM too."""
    atexit.register(stop)
    previous = signal.getsignal(signal.SIGTERM)

    def on_term(signum, frame):
        stop()
        if callable(previous):
            previous(signum, frame)
        raise SystemExit(128 + signum)
    signal.signal(signal.SIGTERM, on_term)


KEEP_RUNS = 10


def new_run_dir(base):
    """A new directory for this run's logs; only the last runs are kept."""
    runs = os.path.join(base, 'runs')
    os.makedirs(runs, exist_ok=True)
    for old in sorted(os.listdir(runs))[:-KEEP_RUNS]:
        shutil.rmtree(os.path.join(runs, old), ignore_errors=True)
    stamp = datetime.datetime.now().strftime('%Y%m%d-%H%M%S')
    path = os.path.join(runs, stamp)
    os.makedirs(path, exist_ok=True)
    return path


def print_logs(run_dir):
    print('=== logs of this run, in %s:' % run_dir)
    for name in sorted(os.listdir(run_dir)):
        if name.endswith('.log'):
            print('    %s' % os.path.join(run_dir, name))


class Process(object):
    """One service process, its log and its readiness probe."""

    def __init__(self, name, argv, log_path, probe, env=None):
        self.name = name
        self.argv = argv
        self.log_path = log_path
        self.probe = probe
        self.env = env
        self.proc = None

    def start(self):
        log = open(self.log_path, 'ab')
        self.proc = subprocess.Popen(
            self.argv, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
            env=dict(os.environ, **(self.env or {})), cwd=HERE)
        log.close()
        with open(os.path.join(os.path.dirname(self.log_path), PIDS),
                  'a') as stream:
            stream.write('%d\n' % self.proc.pid)

    def ready(self):
        """The probe: a URL that must answer, or a callable."""
        return self.probe() if callable(self.probe) else answers(self.probe)

    def wait_ready(self, deadline):
        while not self.ready():
            if self.proc.poll() is not None:
                raise RuntimeError('%s exited with %s before it was ready; '
                                   'its log: %s\n%s' % (
                                       self.name, self.proc.returncode,
                                       self.log_path, self.tail()))
            if time.monotonic() > deadline:
                raise RuntimeError('%s not ready in time; its log: %s\n%s'
                                   % (self.name, self.log_path, self.tail()))
            time.sleep(0.2)

    def tail(self, lines=30):
        try:
            with open(self.log_path, errors='replace') as stream:
                return ''.join(stream.readlines()[-lines:])
        except OSError:
            return ''

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            self.proc = None
            return
        proc = self.proc
        stop_group(proc.pid, gone=lambda: proc.poll() is not None)
        proc.wait()
        self.proc = None


class Harness(object):
    """The real services of one run.

    :param base: where the virtualenvs live (``.tox/real-services``).
    :param run_dir: where this run writes logs and databases.
    """

    def __init__(self, base, run_dir):
        self.base = base
        self.run_dir = run_dir
        os.makedirs(run_dir, exist_ok=True)
        self.ports = {name: free_port() for name in (
            'keystone', 'nova', 'placement', 'nova_control', 'blazar')}
        self.resets = 0
        self.blazar_args = []
        self.processes = {}
        self._registered = False

    # Endpoints -------------------------------------------------------
    def url(self, name):
        return 'http://127.0.0.1:%d' % self.ports[name]

    @property
    def auth_url(self):
        return self.url('keystone') + '/identity/v3'

    @property
    def credentials(self):
        return dict(ADMIN, auth_url=self.auth_url)

    def catalog(self):
        return [['identity', 'keystone', self.url('keystone') + '/identity'],
                ['compute', 'nova', self.url('nova') + '/v2.1'],
                ['placement', 'placement', self.url('placement')],
                ['reservation', 'blazar', self.url('blazar') + '/v1']]

    def description(self):
        """What a client needs: endpoints, credentials and the logs."""
        return {'auth_url': self.auth_url, 'credentials': self.credentials,
                'nova_control': self.url('nova_control'),
                'catalog': self.catalog(),
                'logs': {name: p.log_path
                         for name, p in self.processes.items()}}

    # Processes -------------------------------------------------------
    def _log(self, name):
        return os.path.join(self.run_dir, '%s.log' % name)

    def _keystone(self):
        return Process('keystone', [
            sys.executable, os.path.join(HERE, 'keystone_service.py'),
            '--port', str(self.ports['keystone']),
            '--catalog', json.dumps(self.catalog()),
            '--projects', json.dumps(PROJECTS)],
            self._log('keystone'), self.url('keystone') + '/identity/v3',
            env={'PYTHONPATH': REPO})

    def _nova(self):
        credentials = {k: v for k, v in ADMIN.items()}
        credentials['project_name'] = 'service'
        return Process('nova', [
            venvs.python(self.base, 'nova'),
            os.path.join(HERE, 'nova_service.py'),
            '--api-port', str(self.ports['nova']),
            '--placement-port', str(self.ports['placement']),
            '--control-port', str(self.ports['nova_control']),
            '--auth-url', self.url('keystone') + '/identity',
            '--credentials', json.dumps(credentials)],
            self._log('nova'), self.url('nova_control') + '/ready')

    def _blazar(self):
        workdir = os.path.join(self.run_dir, 'blazar-%d' % self.resets)
        return Process('blazar', [
            venvs.python(self.base, 'blazar'),
            os.path.join(HERE, 'blazar_service.py'),
            '--port', str(self.ports['blazar']),
            '--keystone-port', str(self.ports['keystone']),
            '--workdir', workdir] + list(self.blazar_args),
            self._log('blazar'), self.url('blazar') + '/')

    def start(self, timeout=180):
        """Start all three; returns once each answers."""
        self._register_cleanup()
        self.processes['keystone'] = self._keystone()
        self.processes['keystone'].start()
        self.processes['keystone'].wait_ready(time.monotonic() + timeout)
        self._start_cloud(timeout)
        return self

    def _start_cloud(self, timeout):
        self.processes['nova'] = self._nova()
        self.processes['blazar'] = self._blazar()
        for name in ('nova', 'blazar'):
            self.processes[name].start()
        deadline = time.monotonic() + timeout
        for name in ('nova', 'blazar'):
            self.processes[name].wait_ready(deadline)

    def reset(self, blazar_args=(), timeout=180):
        """Restart Nova and Blazar on empty databases.

        :param blazar_args: more options of ``blazar_service.py``, such as
            ``--polling-monitor 1``.
        """
        for name in ('blazar', 'nova'):
            self.processes[name].stop()
        self.resets += 1
        self.blazar_args = list(blazar_args)
        self._start_cloud(timeout)

    def stop(self):
        for name in ('blazar', 'nova', 'keystone'):
            process = self.processes.get(name)
            if process is not None:
                process.stop()

    def _register_cleanup(self):
        if self._registered:
            return
        self._registered = True
        stop_at_exit(self.stop)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()
