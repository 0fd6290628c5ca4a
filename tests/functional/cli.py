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

The command reads a masakari.conf naming a simulated cloud and, when the
test serves one, Masakari's API; it has no ``[database]`` section, since
the command asks Masakari through its API only.  It runs in the test
process, as its ``main()`` with the process-wide state it touches set as
in a process of its own, unless it needs a process: ``demo`` and
``recover --local`` run an engine of their own, and while the test process
serves Masakari -- its real WSGI API application, served with wsgiref, on
the test's Masakari database, and its engine manager as the RPC server
behind it, on oslo.messaging's fake transport -- that API reads the same
configuration.  test_cli_process checks that both ways give the same
result.
"""

import contextlib
import io
import json
import logging
import os
import socketserver
import subprocess
import sys
import threading
from unittest import mock
import warnings
from wsgiref import simple_server

from oslo_config import cfg
from oslo_db.sqlalchemy import enginefacade

from masakari_blazar.cmd import cli as command
from masakari_blazar import conf as mb_conf
from masakari_blazar.local import engine as local_engine

CONF = cfg.CONF

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


# Masakari services that this process serves (MasakariService).
_SERVING = set()


def run(*args, timeout=300):
    """Run ``masakari-blazar args``; returns a CompletedProcess.

    In this process when it can be: a new interpreter costs a second of
    imports per command.  Not when the command runs a Masakari engine of
    its own (``demo``, ``recover --local``), as the engine is one per
    process, nor while this process serves Masakari, whose API and engine
    read the same oslo.config CONF as the command.
    """
    if 'demo' in args or '--local' in args or _SERVING:
        return run_process(*args, timeout=timeout)
    return run_here(*args)


def run_process(*args, timeout=300):
    """Run ``masakari-blazar args`` in a new interpreter."""
    env = dict(os.environ, PYTHONWARNINGS='ignore')
    return subprocess.run(
        [sys.executable, '-m', 'masakari_blazar.cmd.cli'] + list(args),
        capture_output=True, text=True, timeout=timeout, env=env)


def run_here(*args):
    """Run ``masakari-blazar args`` as ``main()`` in this process."""
    out, err = io.StringIO(), io.StringIO()
    # argparse names the program after sys.argv[0], as the script's is.
    argv = ['masakari-blazar'] + list(args)
    with mock.patch.object(sys, 'argv', argv), _as_in_a_process_of_its_own():
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = command.main(list(args))
            except SystemExit as exc:   # argparse: --help, usage errors
                code = exc.code
            if code is not None and not isinstance(code, int):
                # What the interpreter does with sys.exit('message').
                print(code, file=sys.stderr)
                code = 1
    return subprocess.CompletedProcess(argv, code or 0, out.getvalue(),
                                       err.getvalue())


@contextlib.contextmanager
def _as_in_a_process_of_its_own():
    """The process-wide state ``main()`` uses, as it is in a new process.

    oslo.config's CONF has this process's overrides (the engine's database,
    flows and waits, the plugin's options of the last test) set aside and
    nothing parsed, so the command sees only its command line and files;
    Masakari's database (which can be configured once per process), its
    RPC transport, the root logger and the warning filters are the
    command's own.  All is put back afterwards, CONF parsed as
    local.engine.get_engine leaves it.
    """
    from masakari.db.sqlalchemy import api as db_api
    from masakari import rpc
    overrides = {key: info.pop('override')
                 for key, info in _options().items() if 'override' in info}
    CONF.clear()
    aside = _set_aside_refused()
    database = enginefacade.transaction_context()
    restore_database = db_api.context_manager.patch_factory(database)
    transports = (rpc.TRANSPORT, rpc.NOTIFICATION_TRANSPORT, rpc.NOTIFIER)
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        with warnings.catch_warnings():
            yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        rpc.TRANSPORT, rpc.NOTIFICATION_TRANSPORT, rpc.NOTIFIER = transports
        if database.is_started:
            database.dispose_pool()
        restore_database()
        CONF.clear()
        _set_aside_refused()
        for group, info in aside:
            CONF.register_opt(info['opt'], group, cli=info['cli'])
        options = _options()
        for key, value in overrides.items():
            options[key]['override'] = value
        # A required option without a value -- an auth plugin's, registered
        # by a command of an earlier test -- would fail the parse below; the
        # next command that needs it registers it again.
        for (group, _dest), info in _options().items():
            if (info['opt'].required and 'override' not in info and
                    info['opt'].default is None):
                CONF.unregister_opt(info['opt'], group)
        mb_conf.parse_config([])


def _options():
    """``{(group name, dest): option info}`` of every option of CONF.

    CONF lists neither its options nor their overrides publicly, hence its
    private iterator.
    """
    return {(group.name if group else None, info['opt'].dest): info
            for info, group in CONF._all_opt_infos()}


def _set_aside_refused():
    """Unregister what a parse without values would refuse; returns it.

    These are sub-commands and required options: the command registers its
    own, and the required ones of the auth plugin that its file names, as
    LocalEngine.use_cloud does for the engine's.  A new process has none
    of them when it parses its files.
    """
    refused = [(group, info) for (group, _dest), info in _options().items()
               if info['opt'].required or
               isinstance(info['opt'], cfg.SubCommandOpt)]
    for group, info in refused:
        CONF.unregister_opt(info['opt'], group)
    return refused


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
        conf = CONF
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
        _SERVING.add(self)
        return self

    @property
    def endpoint(self):
        return 'http://127.0.0.1:%d/v1' % self._httpd.server_port

    def stop(self):
        _SERVING.discard(self)
        if self.keystone is not None:
            # keystonemiddleware registered the password plugin's options in
            # the process's [keystone_authtoken], auth_url required: a later
            # parse of the process's configuration (tests run commands in
            # this process) would fail on it without a value.
            try:
                CONF.set_override('auth_url', self.keystone.auth_url,
                                  group='keystone_authtoken')
            except cfg.NoSuchOptError:
                pass
        if self._rpc is not None:
            self._rpc.stop()
            self._rpc.wait()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        CONF.clear_override('auth_strategy')
