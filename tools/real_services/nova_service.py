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

"""Real Nova 34 and Placement, served on real ports from Nova's own fixtures.

Runs in the Nova virtualenv, never in the project's: Nova and Masakari
cannot share a process (both register the option ``pybasedir``).  Nova's
functional-test base class gives the real API, conductor, scheduler and
Placement, and computes on the fake virt driver; this script keeps one such
test case set up and serves its WSGI applications on 127.0.0.1 so that
other processes (real Blazar, the real Masakari engine, the plugin) speak
to them over HTTP like to any Nova.

What differs from a deployment, and why:

* Nova's API runs the real keystonemiddleware against the harness's
  Keystone, so servers belong to the caller's real project (the
  BlazarFilter compares that with ``blazar:owner``).
* Placement keeps Nova's functional-test ``noauth2``; its port maps every
  caller to admin, as only admins (Blazar, the plugin) call it.
* The scheduler enables the BlazarFilter from blazar-nova, and the
  aggregate filters that Blazar's instance reservations rely on.
* ``service_down_time`` is a day: computes in this harness send no
  heartbeats, and a failed host is fenced with ``forced_down`` as
  masakari-hostmonitor's operators do, which Nova honours at once.

A small control port does what no API can: start a compute (a host joins
the cloud) and stop one (its power is cut).  Control calls run on the main
thread, where the test case lives.
"""

import argparse
import http.server
import json
import logging
import os
import queue
import socketserver
import sys
import threading
import wsgiref.simple_server

# Native threads, not eventlet: the WSGI servers below are plain threads.
os.environ['OS_NOVA_DISABLE_EVENTLET_PATCHING'] = '1'
os.environ.pop('OS_TEST_TIMEOUT', None)

LOG = logging.getLogger('nova_service')
CALLS = queue.Queue()


class _ThreadingWSGIServer(socketserver.ThreadingMixIn,
                           wsgiref.simple_server.WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _QuietHandler(wsgiref.simple_server.WSGIRequestHandler):
    def log_message(self, fmt, *args):
        LOG.info('%s %s', self.address_string(), fmt % args)


def serve_wsgi(app, port):
    """Serve ``app`` on 127.0.0.1:``port`` in a daemon thread."""
    server = wsgiref.simple_server.make_server(
        '127.0.0.1', port, app, server_class=_ThreadingWSGIServer,
        handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True,
                     name='wsgi-%d' % port).start()
    return server


def as_admin(app):
    """Placement's noauth2 takes the token as user: make every caller admin."""
    def wrapped(environ, start_response):
        environ['HTTP_X_AUTH_TOKEN'] = 'admin'
        return app(environ, start_response)
    return wrapped


def on_main_thread(func, *args):
    """Run ``func`` where the test case lives; return or raise its result."""
    done = queue.Queue()
    CALLS.put((func, args, done))
    ok, value = done.get()
    if not ok:
        raise value
    return value


def build_case(options):
    """Set up Nova's functional-test base class and return the test case."""
    from keystoneauth1 import loading as ks_loading
    from nova.tests.functional import integrated_helpers
    from oslo_config import cfg

    conf = cfg.CONF

    class Cloud(integrated_helpers._IntegratedTestBase):
        ADMIN_API = True
        STUB_KEYSTONE = False
        CAST_AS_CALL = False
        microversion = 'latest'

        def _setup_compute_service(self):
            return None  # computes join through the control port

        def _setup_services(self):
            # As Blazar's installation guide enables them: its instance
            # reservations are gated by the aggregate filters.
            filters = list(conf.filter_scheduler.enabled_filters) + [
                'AggregateInstanceExtraSpecsFilter',
                'AggregateMultiTenancyIsolation', 'BlazarFilter']
            self.flags(
                enabled_filters=filters,
                available_filters=[
                    'nova.scheduler.filters.all_filters',
                    'blazarnova.scheduler.filters.blazar_filter.'
                    'BlazarFilter'],
                group='filter_scheduler')
            self.flags(service_down_time=86400,
                       compute_driver='fake.FakeDriver')
            self.flags(api_paste_config=os.path.join(
                sys.prefix, 'etc', 'nova', 'api-paste.ini'), group='wsgi')
            group = 'keystone_authtoken'
            import keystonemiddleware.auth_token  # noqa: F401 (its options)
            for opt in ks_loading.get_auth_plugin_conf_options('password'):
                if opt.dest not in conf[group]:
                    conf.register_opt(opt, group=group)
            self.flags(auth_type='password', group=group)
            self.flags(www_authenticate_uri=options.auth_url, group=group)
            for name, value in options.credentials.items():
                self.flags(**{name: value, 'group': group})
            super()._setup_services()

        def test_serve(self):
            """Unused: the case is only set up, never run as a test."""

    case = Cloud('test_serve')
    case.setUp()
    return case


def start_compute(case, host, vcpus, memory_mb, disk_gb):
    """Start a compute on the fake driver with the host's own size.

    The fake driver reads its size from class attributes, when it is built
    and again whenever it reports inventory; instance attributes keep each
    host's size after the next host is started with another.
    """
    from nova.virt import fake
    sizes = {'vcpus': vcpus, 'memory_mb': memory_mb, 'local_gb': disk_gb}
    for name, value in sizes.items():
        setattr(fake.FakeDriver, name, value)
    service = case._start_compute(host)
    for name, value in sizes.items():
        setattr(service.manager.driver, name, value)
    return {'host': host}


def stop_compute(case, host):
    """Cut a host's power: its compute service stops answering."""
    case.computes[host].stop()
    return {'host': host, 'stopped': True}


FAIL_NEXT_SPAWN = set()


def fail_next_spawn(case, name):
    """Make the next spawn of server ``name`` fail, as a broken host would.

    An evacuation rebuilds the server on its target with the driver's
    spawn; Nova then puts the server in ERROR on its source host.
    """
    from nova.virt import fake
    if not getattr(fake.FakeDriver, '_harness_patched', False):
        original = fake.FakeDriver.spawn

        def spawn(self, context, instance, *args, **kwargs):
            if instance.display_name in FAIL_NEXT_SPAWN:
                FAIL_NEXT_SPAWN.discard(instance.display_name)
                raise RuntimeError('Harness: failure of the spawn of %s'
                                   % instance.display_name)
            return original(self, context, instance, *args, **kwargs)
        fake.FakeDriver.spawn = spawn
        fake.FakeDriver._harness_patched = True
    FAIL_NEXT_SPAWN.add(name)
    return {'fail_next_spawn': name}


class _Control(http.server.BaseHTTPRequestHandler):
    """What no API can do: hosts join, hosts lose power.

    ``POST /computes {host, vcpus, memory_mb, disk_gb}``,
    ``POST /computes/<host>/stop``, ``POST /servers/<name>/fail-next-spawn``
    and ``GET /ready``.
    """

    def _reply(self, status, body):
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self):
        if self.path == '/ready':
            return self._reply(200, {'ready': True})
        return self._reply(404, {'error': self.path})

    def do_POST(self):
        length = int(self.headers.get('Content-Length') or 0)
        body = json.loads(self.rfile.read(length) or b'{}')
        parts = self.path.strip('/').split('/')
        try:
            if parts == ['computes']:
                result = on_main_thread(
                    start_compute, body['host'], body.get('vcpus', 16),
                    body.get('memory_mb', 32768), body.get('disk_gb', 500))
            elif len(parts) == 3 and parts[0] == 'computes' and \
                    parts[2] == 'stop':
                result = on_main_thread(stop_compute, parts[1])
            elif len(parts) == 3 and parts[0] == 'servers' and \
                    parts[2] == 'fail-next-spawn':
                result = on_main_thread(fail_next_spawn, parts[1])
            else:
                return self._reply(404, {'error': self.path})
        except Exception as exc:  # reported to the harness, which fails
            LOG.exception('Control call %s failed', self.path)
            return self._reply(500, {'error': repr(exc)})
        return self._reply(200, result)

    def log_message(self, fmt, *args):
        LOG.info('control: ' + fmt, *args)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--api-port', type=int, required=True)
    parser.add_argument('--placement-port', type=int, required=True)
    parser.add_argument('--control-port', type=int, required=True)
    parser.add_argument('--auth-url', required=True,
                        help='Keystone, e.g. http://127.0.0.1:5000/identity')
    parser.add_argument('--credentials', required=True,
                        help='JSON: username, password, project_name, ...')
    options = parser.parse_args(argv)
    options.credentials = json.loads(options.credentials)
    options.credentials.setdefault('auth_url', options.auth_url)

    case = build_case(options)
    # Nova's StandardLogging fixture captures logs; show them in our log.
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(
        '%(asctime)s %(levelname)s %(name)s %(message)s'))
    logging.getLogger().addHandler(handler)
    logging.getLogger().setLevel(logging.INFO)

    from placement import deploy
    placement_conf = case.placement_fixture.conf_fixture.conf
    servers = [
        serve_wsgi(case.api_fixture.app(), options.api_port),
        serve_wsgi(as_admin(deploy.loadapp(placement_conf)),
                   options.placement_port)]
    control = http.server.ThreadingHTTPServer(
        ('127.0.0.1', options.control_port), _Control)
    threading.Thread(target=control.serve_forever, daemon=True).start()
    LOG.info('Nova API on %d, Placement on %d, control on %d',
             options.api_port, options.placement_port, options.control_port)
    try:
        while True:
            func, args, done = CALLS.get()
            try:
                done.put((True, func(case, *args)))
            except Exception as exc:
                done.put((False, exc))
    except KeyboardInterrupt:
        pass
    finally:
        control.shutdown()
        for server in servers:
            server.shutdown()
        case.doCleanups()


if __name__ == '__main__':
    main()
