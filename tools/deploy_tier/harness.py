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

"""The deployment of the tier: RabbitMQ, the cloud, masakari-api and engine.

As an operator deploys them, but on 127.0.0.1: RabbitMQ from Debian (a
node of its own, with its own epmd, in the run directory), the simulated
cloud listing masakari-api in its catalog, and Masakari 22's own
``masakari-api`` and ``masakari-engine`` processes with the plugin.  Both
Masakari services read the very files the installation guide includes --
``doc/source/deployment/masakari.conf`` and
``etc/masakari/masakari-custom-recovery-methods.conf`` -- and then
``local.conf``, which only moves their hosts, ports and paths here.

The simulated cloud runs in this process (the tests power its hosts off);
every other service is a process in a session of its own, with a
readiness probe, stopped at exit, on SIGTERM and when a start fails.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import time

import amqp.exceptions
import kombu

from masakari_blazar.simulator import cloud as cloud_mod
from tools.real_services import harness

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DOC_CONF = os.path.join(REPO, 'doc', 'source', 'deployment', 'masakari.conf')
FLOWS = os.path.join(REPO, 'etc', 'masakari',
                     'masakari-custom-recovery-methods.conf')
SCENARIO = os.path.join(HERE, 'scenario.yaml')
# Debian's script run as the invoking user (/usr/sbin/rabbitmq-server
# switches to the rabbitmq user and its node in /var/lib/rabbitmq).
RABBITMQ_SERVER = '/usr/lib/rabbitmq/bin/rabbitmq-server'
# masakari-engine's RPC topic ([DEFAULT] masakari_topic).
ENGINE_TOPIC = 'ha_engine'
ADMIN = {'OS_USERNAME': 'admin', 'OS_PASSWORD': 'secret',
         'OS_PROJECT_NAME': 'admin', 'OS_USER_DOMAIN_NAME': 'Default',
         'OS_PROJECT_DOMAIN_NAME': 'Default', 'OS_IDENTITY_API_VERSION': '3',
         'OS_REGION_NAME': 'RegionOne', 'OS_INTERFACE': 'public'}

LOCAL_CONF = """\
# Written by tools/deploy_tier/harness.py: where this run's services are.
# Everything else comes from doc/source/deployment/masakari.conf.
[DEFAULT]
transport_url = {transport_url}
masakari_api_listen = 127.0.0.1
masakari_api_listen_port = {api_port}
os_privileged_user_auth_url = {auth_url}
state_path = {run_dir}/state

[database]
connection = sqlite:///{run_dir}/masakari.sqlite?timeout=60

[taskflow]
connection = sqlite:///{run_dir}/taskflow.sqlite?timeout=60

[keystone_authtoken]
www_authenticate_uri = {auth_url}
auth_url = {auth_url}

[blazar]
auth_url = {auth_url}

[wsgi]
# Masakari's own, as its wheel installs it.
api_paste_config = {paste}
"""


def _bin(name):
    return os.path.join(os.path.dirname(sys.executable), name)


def _listens(port):
    try:
        socket.create_connection(('127.0.0.1', port), timeout=2).close()
    except OSError:
        return False
    return True


def _amqp_answers(url):
    """True once the broker completes an AMQP handshake."""
    try:
        with kombu.Connection(url, connect_timeout=2) as conn:
            conn.connect()
    except (OSError, amqp.exceptions.AMQPError):
        return False
    return True


def _consumed(url, queue):
    """True once some process consumes from ``queue``."""
    try:
        with kombu.Connection(url, connect_timeout=2) as conn:
            _name, _messages, consumers = conn.channel().queue_declare(
                queue, passive=True)
    except (OSError, amqp.exceptions.AMQPError):
        return False
    return consumers > 0


class Deployment(object):
    """The services of one run, in ``run_dir``."""

    def __init__(self, run_dir):
        self.run_dir = run_dir
        os.makedirs(os.path.join(run_dir, 'state'), exist_ok=True)
        self.ports = {name: harness.free_port() for name in (
            'amqp', 'epmd', 'erlang_dist', 'cloud', 'masakari_api')}
        self.processes = {}
        self.cloud = None

    # Endpoints and files -----------------------------------------------
    @property
    def transport_url(self):
        return 'rabbit://guest:guest@127.0.0.1:%d/' % self.ports['amqp']

    @property
    def amqp_url(self):
        """The broker as kombu names it, for the probes."""
        return 'amqp://guest:guest@127.0.0.1:%d//' % self.ports['amqp']

    @property
    def masakari_url(self):
        return 'http://127.0.0.1:%d/v1' % self.ports['masakari_api']

    @property
    def config_files(self):
        """What masakari-api, masakari-engine and ``masakari-blazar`` read."""
        return [DOC_CONF, FLOWS, os.path.join(self.run_dir, 'local.conf')]

    def config_args(self):
        return [arg for path in self.config_files
                for arg in ('--config-file', path)]

    def _log(self, name):
        return os.path.join(self.run_dir, '%s.log' % name)

    # Starting and stopping ---------------------------------------------
    def start(self, timeout=120):
        """Start everything; returns once each service is ready."""
        harness.stop_at_exit(self.stop)
        try:
            deadline = time.monotonic() + timeout
            self._start_rabbitmq(deadline)
            self._start_cloud(deadline)
            self._write_local_conf()
            self._sync_database()
            self._start('masakari-api', [_bin('masakari-api')] +
                        self.config_args(), self.masakari_url[:-len('/v1')],
                        deadline)
            self._start('masakari-engine', [_bin('masakari-engine')] +
                        self.config_args(),
                        lambda: _consumed(self.amqp_url, ENGINE_TOPIC),
                        deadline)
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self, name, argv, probe, deadline, env=None):
        process = harness.Process(name, argv, self._log(name), probe, env=env)
        self.processes[name] = process
        process.start()
        process.wait_ready(deadline)

    def _start_rabbitmq(self, deadline):
        if not os.path.exists(RABBITMQ_SERVER):
            raise RuntimeError('%s not found: install RabbitMQ from Debian '
                               '(apt-get install -y rabbitmq-server)'
                               % RABBITMQ_SERVER)
        base = os.path.join(self.run_dir, 'rabbitmq')
        os.makedirs(base, exist_ok=True)
        plugins = os.path.join(base, 'enabled_plugins')
        with open(plugins, 'w') as stream:
            stream.write('[].\n')
        # An epmd of this run's only, on 127.0.0.1: the one the node would
        # start itself listens on every address and outlives the node.
        epmd = str(self.ports['epmd'])
        self._start('epmd', [shutil.which('epmd') or 'epmd', '-address',
                             '127.0.0.1', '-port', epmd],
                    lambda: _listens(self.ports['epmd']),
                    deadline)
        env = {
            'HOME': base,  # the Erlang cookie
            'RABBITMQ_NODENAME': 'masakari-deploy@localhost',
            'RABBITMQ_NODE_IP_ADDRESS': '127.0.0.1',
            'RABBITMQ_NODE_PORT': str(self.ports['amqp']),
            'RABBITMQ_DIST_PORT': str(self.ports['erlang_dist']),
            'ERL_EPMD_ADDRESS': '127.0.0.1',
            'ERL_EPMD_PORT': epmd,
            'RABBITMQ_MNESIA_BASE': os.path.join(base, 'mnesia'),
            'RABBITMQ_LOG_BASE': os.path.join(base, 'log'),
            'RABBITMQ_ENABLED_PLUGINS_FILE': plugins,
            'RABBITMQ_CONFIG_FILE': os.path.join(base, 'rabbitmq'),
            'RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS':
                '-kernel inet_dist_use_interface {127,0,0,1}'}
        self._start('rabbitmq', [RABBITMQ_SERVER],
                    lambda: _amqp_answers(self.amqp_url), deadline,
                    env=env)

    def _start_cloud(self, deadline):
        self.cloud = cloud_mod.SimulatedCloud(
            SCENARIO, masakari_url=self.masakari_url)
        self.cloud.start('127.0.0.1', self.ports['cloud'])
        while not harness.answers(self.cloud.auth_url):
            if time.monotonic() > deadline:
                raise RuntimeError('the simulated cloud is not ready')
            time.sleep(0.1)

    def _write_local_conf(self):
        paste = os.path.join(sys.prefix, 'etc', 'masakari', 'api-paste.ini')
        with open(self.config_files[-1], 'w') as stream:
            stream.write(LOCAL_CONF.format(
                transport_url=self.transport_url, run_dir=self.run_dir,
                api_port=self.ports['masakari_api'], paste=paste,
                auth_url=self.cloud.auth_url))

    def _sync_database(self):
        with open(self._log('masakari-manage'), 'ab') as log:
            subprocess.run([_bin('masakari-manage')] + self.config_args() +
                           ['db', 'sync'], check=True, stdout=log,
                           stderr=subprocess.STDOUT)

    def stop(self):
        """Stop every service, the last started first; idempotent."""
        for name in reversed(list(self.processes)):
            self.processes[name].stop()
        if self.cloud is not None:
            self.cloud.stop()
            self.cloud = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    def description(self):
        return {'auth_url': self.cloud.auth_url,
                'masakari_api': self.masakari_url,
                'transport_url': self.transport_url,
                'config_files': self.config_files,
                'logs': {name: p.log_path
                         for name, p in self.processes.items()}}

    # Clients, as an operator runs them ---------------------------------
    def client_env(self):
        return dict(os.environ, OS_AUTH_URL=self.cloud.auth_url,
                    PYTHONWARNINGS='ignore', **ADMIN)

    def openstack(self, *args, answers=True):
        """``openstack ARGS -f json``'s answer; fails on a non-zero exit.

        :param answers: False for a command without output (no ``-f``).
        """
        done = subprocess.run([_bin('openstack')] + list(args) +
                              (['-f', 'json'] if answers else []),
                              capture_output=True, text=True,
                              env=self.client_env(), timeout=120)
        if done.returncode:
            raise AssertionError('openstack %s: exit %d\n%s' % (
                ' '.join(args), done.returncode, done.stderr))
        return json.loads(done.stdout) if done.stdout.strip() else None

    def masakari_blazar(self, *args, timeout=300):
        """``masakari-blazar --config-file ... ARGS``, as a process."""
        return subprocess.run(
            [_bin('masakari-blazar')] + self.config_args() + list(args),
            capture_output=True, text=True, env=self.client_env(),
            timeout=timeout)
