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

"""Serving: one threaded HTTP server in front of all five services.

Each request goes through the same steps: find the service from the first
path segment, apply injected faults, check the token, negotiate the
microversion, then run the handler under the cloud's lock after letting
due events happen.  Every request, failed or not, is appended to the
cloud's request log.
"""

import http.server
import socket
import sys
import threading
import time
import traceback
import urllib.parse

from masakari_blazar.simulator.blazar import api as blazar
from masakari_blazar.simulator import http_errors
from masakari_blazar.simulator.ironic import api as ironic
from masakari_blazar.simulator.keystone import api as keystone
from masakari_blazar.simulator.nova import api as nova
from masakari_blazar.simulator.placement import api as placement
from masakari_blazar.simulator import web


class _Service(object):
    def __init__(self, name, module, error_class, negotiate=None,
                 version_headers=None):
        self.name = name
        self.module = module
        self.router = web.Router(module.ROUTES)
        self.error_class = error_class
        self.negotiate = negotiate
        self.version_headers = version_headers
        self.unversioned = getattr(module, 'UNVERSIONED', ())
        self.public = getattr(module, 'PUBLIC', self.unversioned)

    def error(self, status, message):
        if self.error_class is http_errors.BlazarError:
            return http_errors.blazar('INTERNAL_SERVER_ERROR' if status >= 500
                                      else status, status, message)
        if self.error_class is http_errors.PlacementError:
            return http_errors.PlacementError(status, message)
        return self.error_class(status, message)


SERVICES = {
    'identity': _Service('keystone', keystone, http_errors.KeystoneError),
    'compute': _Service('nova', nova, http_errors.NovaError, nova.negotiate,
                        nova.version_headers),
    'placement': _Service('placement', placement, http_errors.PlacementError,
                          placement.negotiate, placement.version_headers),
    'reservation': _Service('blazar', blazar, http_errors.BlazarError),
    'baremetal': _Service('ironic', ironic, http_errors.IronicError,
                          ironic.negotiate, ironic.version_headers),
}

DROP = object()


class Dispatcher(object):
    """Turns (method, path, headers, body) into a Response or DROP."""

    def __init__(self, cloud):
        self.cloud = cloud

    def dispatch(self, method, raw_path, headers, body):
        parsed = urllib.parse.urlsplit(raw_path)
        path = parsed.path
        segments = path.split('/', 2)
        service = SERVICES.get(segments[1] if len(segments) > 1 else '')
        if service is None:
            self._log('unknown', method, path, 404)
            return web.Response(404, {'error': 'Not Found'})
        target = path + ('?' + parsed.query if parsed.query else '')
        latency, kind = self.cloud.faults.take(service.name, method, target)
        if latency:
            time.sleep(latency)
        if kind in ('timeout', 'drop'):
            if kind == 'timeout':
                time.sleep(float(self.cloud.config['fault_timeout']))
            self._log(service.name, method, path, kind)
            return DROP
        if kind is not None:
            response = self._render(service, service.error(
                int(kind), 'Simulated failure (injected %s)' % kind))
        else:
            sub_path = '/' + segments[2] if len(segments) > 2 else ''
            request = web.Request(method, sub_path.rstrip('/'), parsed.query,
                                  headers, body, self.cloud.base_url)
            response = self._handle(service, request)
        self._log(service.name, method, path, response.status)
        return response

    def _handle(self, service, request):
        handler, params = service.router.match(request.method, request.path)
        if handler is None:
            status = 405 if params else 404
            if service.module is blazar:
                return self._render(service, blazar.not_allowed()
                                    if params else blazar.not_found())
            route_error = getattr(service.module, 'route_error', None)
            if route_error is not None:
                return self._render(service, route_error(status))
            return self._render(service, service.error(
                status, 'The resource could not be found.' if status == 404
                else 'The method is not allowed for the requested URL.'))
        if handler not in service.public:
            request.token = self.cloud.tokens.get(
                request.header('X-Auth-Token'))
            if request.token is None:
                return keystone.render_error(http_errors.KeystoneError(
                    401, 'The request you have made requires '
                    'authentication.'))
        extra_headers = {}
        try:
            if service.negotiate and handler not in service.unversioned:
                request.version = service.negotiate(request)
                extra_headers = service.version_headers(request.version)
            with self.cloud.lock:
                self.cloud.tick()
                response = handler(request, self.cloud, **params)
        except http_errors.SimError as exc:
            response = self._render(service, exc)
        except Exception:  # a simulator bug: make it loud, answer 500
            traceback.print_exc(file=sys.stderr)
            response = self._render(service, service.error(
                500, 'Unexpected error in the simulator: %s'
                % traceback.format_exc(limit=1).strip().splitlines()[-1]))
        response.headers.update(extra_headers)
        return response

    @staticmethod
    def _render(service, exc):
        return service.module.render_error(exc)

    def _log(self, service, method, path, status):
        with self.cloud.lock:
            self.cloud.request_log.append((service, method, path, status))


class _RequestHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    # The headers and the body go out in two writes; with Nagle's algorithm
    # the body waits for the client's delayed ACK of the headers, 40 ms on
    # Linux, on every keep-alive request.  Real API servers do not stall so.
    disable_nagle_algorithm = True

    def _serve(self):
        length = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(length) if length else b''
        response = self.server.dispatcher.dispatch(
            self.command, self.path, dict(self.headers.items()), body)
        if response is DROP:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        web.send(self, response)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _serve

    def log_message(self, format, *args):
        """Quiet: the cloud's request_log records every request."""


class _HTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        """A client dropping its keep-alive connection is not an error."""
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


class Server(object):
    """The listening socket and its serving and ticking threads."""

    def __init__(self, cloud, host, port):
        self.cloud = cloud
        self.httpd = _HTTPServer((host, port), _RequestHandler)
        self.httpd.dispatcher = Dispatcher(cloud)
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self.httpd.serve_forever,
                             kwargs={'poll_interval': 0.1},
                             name='simulated-cloud-http', daemon=True),
            threading.Thread(target=self._tick_loop,
                             name='simulated-cloud-ticker', daemon=True)]

    @property
    def address(self):
        return self.httpd.server_address[:2]

    def start(self):
        for thread in self._threads:
            thread.start()

    def _tick_loop(self):
        """Let evacuations finish and leases move without any request."""
        while not self._stop.wait(float(self.cloud.config['tick_interval'])):
            with self.cloud.lock:
                self.cloud.tick()

    def stop(self):
        self._stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
