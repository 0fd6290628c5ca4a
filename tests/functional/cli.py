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

"""Running ``masakari-blazar`` as operators run it, in the tests.

The command runs as a separate process that reads a masakari.conf naming a
simulated cloud and the test's Masakari database; the test process holds
the cloud and, for ``recover`` without ``--local``, Masakari itself: its
real WSGI API application, served with wsgiref, and its engine manager as
the RPC server behind it, on oslo.messaging's fake transport.
"""

import json
import os
import socketserver
import subprocess
import sys
import threading
from wsgiref import simple_server

from oslo_config import cfg

from masakari_blazar.local import engine as local_engine

CONF_TEMPLATE = """
[DEFAULT]
transport_url = fake:/
os_privileged_user_auth_url = {auth_url}
os_privileged_user_name = {username}
os_privileged_user_password = {password}
os_privileged_user_tenant = {project_name}
os_user_domain_name = {user_domain_name}
os_project_domain_name = {project_domain_name}

[keystone_authtoken]
auth_type = password

[database]
connection = sqlite:///{workdir}/masakari.sqlite

[blazar]
auth_type = password
auth_url = {auth_url}
username = {username}
password = {password}
project_name = {project_name}
user_domain_name = {user_domain_name}
project_domain_name = {project_domain_name}
{extra}
[masakari_blazar]
lock_path = {workdir}/locks
api_retry_delay = 0
{plugin}
"""

# The recommended flows, as shipped.
with open(local_engine.flows_file()) as _flows:
    FLOWS = '\n' + _flows.read()


def write_conf(directory, runner, cloud, extra='', plugin='', tail=''):
    """A masakari.conf for ``cloud``; returns its path.

    :param extra: lines for the ``[blazar]`` section.
    :param plugin: lines for the ``[masakari_blazar]`` section.
    :param tail: further sections.
    """
    path = os.path.join(str(directory), 'masakari.conf')
    with open(path, 'w') as conf:
        conf.write(CONF_TEMPLATE.format(
            workdir=runner.engine.workdir, extra=extra, plugin=plugin,
            **cloud.credentials) + tail)
    return path


def run(*args, timeout=300):
    """Run ``masakari-blazar args``; returns the CompletedProcess."""
    env = dict(os.environ, PYTHONWARNINGS='ignore')
    return subprocess.run(
        [sys.executable, '-m', 'masakari_blazar.cmd.cli'] + list(args),
        capture_output=True, text=True, timeout=timeout, env=env)


def one_line_error(done):
    """The single stderr line of a failed run, checked to be one line."""
    assert done.returncode != 0, done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith('masakari-blazar: error: '), lines[0]
    return lines[0][len('masakari-blazar: error: '):]


def snapshot(cloud):
    """The simulated cloud's whole state, as comparable text."""
    return json.dumps(cloud.snapshot(), sort_keys=True)


class _ThreadingServer(socketserver.ThreadingMixIn, simple_server.WSGIServer):
    daemon_threads = True


class _QuietHandler(simple_server.WSGIRequestHandler):
    def log_message(self, *args):
        pass


class MasakariService(object):
    """masakari-api and masakari-engine in the test process.

    The API is Masakari's own paste application (``api-paste.ini`` as
    installed with Masakari) with ``auth_strategy = noauth2``, since the
    simulated Keystone issues tokens that no keystonemiddleware would
    validate; every request is then an admin's.  It shares the engine's
    sqlite database (the process's oslo.config), and its RPC casts and
    calls reach the engine manager through the fake transport.
    """

    def __init__(self, engine):
        self.engine = engine
        self._httpd = None
        self._rpc = None

    @staticmethod
    def paste_config():
        path = os.path.join(sys.prefix, 'etc', 'masakari', 'api-paste.ini')
        return path if os.path.exists(path) else None

    def start(self):
        from masakari.objects import base as objects_base
        from masakari import rpc
        import oslo_messaging as messaging
        from paste import deploy
        conf = cfg.CONF
        conf.set_override('auth_strategy', 'noauth2')
        app = deploy.loadapp('config:' + self.paste_config(),
                             name='masakari_api')
        self._httpd = simple_server.make_server(
            '127.0.0.1', 0, app, server_class=_ThreadingServer,
            handler_class=_QuietHandler)
        threading.Thread(target=self._httpd.serve_forever,
                         daemon=True).start()
        target = messaging.Target(topic=conf.masakari_topic,
                                  server=conf.host)
        self._rpc = messaging.get_rpc_server(
            rpc.TRANSPORT, target, [self.engine.manager],
            serializer=rpc.RequestContextSerializer(
                objects_base.MasakariObjectSerializer()),
            access_policy=messaging.DefaultRPCAccessPolicy)
        self._rpc.start()
        return self

    @property
    def endpoint(self):
        return 'http://127.0.0.1:%d/v1' % self._httpd.server_port

    def stop(self):
        if self._rpc is not None:
            self._rpc.stop()
            self._rpc.wait()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        cfg.CONF.clear_override('auth_strategy')
