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
simulated cloud and, when the test serves one, Masakari's API; it has no
``[database]`` section, since the command asks Masakari through its API
only.  The test process holds the cloud and Masakari itself: its real WSGI
API application, served with wsgiref, on the test's Masakari database, and
its engine manager as the RPC server behind it, on oslo.messaging's fake
transport.
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


def write_conf(directory, runner, cloud, extra='', plugin='', tail='',
               masakari=None):
    """A masakari.conf for ``cloud``; returns its path.

    :param extra: lines for the ``[blazar]`` section.
    :param plugin: lines for the ``[masakari_blazar]`` section.
    :param tail: further sections.
    :param masakari: a started :class:`MasakariService` to name in
        ``[masakari] endpoint_override``.
    """
    text = CONF_TEMPLATE.format(workdir=runner.engine.workdir, extra=extra,
                                plugin=plugin, **cloud.credentials) + tail
    if masakari is not None:
        text += '\n[masakari]\nendpoint_override = %s\n' % masakari.endpoint
    # The command must work without Masakari's database.
    assert '[database]' not in text
    path = os.path.join(str(directory), 'masakari.conf')
    with open(path, 'w') as conf:
        conf.write(text)
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
    installed with Masakari).  By default its ``auth_strategy`` is
    ``noauth2``, which makes every request an admin's; given ``keystone``,
    a started simulated cloud, keystonemiddleware validates each token
    with that cloud's Keystone, as a deployed masakari-api does.  It
    shares the engine's sqlite database (the process's oslo.config), and
    its RPC casts and calls reach the engine manager through the fake
    transport.
    """

    def __init__(self, engine, keystone=None):
        self.engine = engine
        self.keystone = keystone
        self._httpd = None
        self._rpc = None

    @staticmethod
    def paste_config():
        path = os.path.join(sys.prefix, 'etc', 'masakari', 'api-paste.ini')
        return path if os.path.exists(path) else None

    def _validating_paste_config(self):
        """api-paste.ini with keystonemiddleware's options for ``keystone``.

        Options given to the filter in the paste file win over
        ``[keystone_authtoken]``, which the process shares.
        """
        with open(self.paste_config()) as installed:
            text = installed.read()
        factory = ('paste.filter_factory = '
                   'keystonemiddleware.auth_token:filter_factory\n')
        assert factory in text
        options = dict(self.keystone.credentials, auth_type='password',
                       www_authenticate_uri=self.keystone.auth_url)
        text = text.replace(factory, factory + ''.join(
            '%s = %s\n' % item for item in sorted(options.items())))
        path = os.path.join(self.engine.workdir, 'api-paste-keystone.ini')
        with open(path, 'w') as changed:
            changed.write(text)
        return path

    def start(self):
        from masakari.objects import base as objects_base
        from masakari import rpc
        import oslo_messaging as messaging
        from paste import deploy
        conf = cfg.CONF
        if self.keystone is None:
            conf.set_override('auth_strategy', 'noauth2')
            paste = self.paste_config()
        else:
            conf.set_override('auth_strategy', 'keystone')
            paste = self._validating_paste_config()
        app = deploy.loadapp('config:' + paste, name='masakari_api')
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
