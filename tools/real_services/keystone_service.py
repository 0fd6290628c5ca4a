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

"""The Keystone stand-in of the real-services harness, in its own process.

Real Nova, Blazar and Masakari all need Keystone, and no real Keystone can
run here.  This serves the simulator's Keystone handlers
(:mod:`masakari_blazar.simulator.keystone.api`: tokens with a catalog,
discovery, validation, trusts) under ``/identity`` with the catalog of the
harness, where each service has a port of its own.  Projects get the same
ids as in the simulated cloud, so that both clouds can be compared field
by field.
"""

import argparse
import http.server
import json
import sys
import threading
import traceback
import urllib.parse

from masakari_blazar.simulator import http_errors
from masakari_blazar.simulator import ids
from masakari_blazar.simulator.keystone import api as keystone
from masakari_blazar.simulator import scenario
from masakari_blazar.simulator import web

PREFIX = '/identity'


class Realm(object):
    """Users, projects, tokens, trusts and the catalog of the harness."""

    def __init__(self, projects, users, catalog):
        self.projects = projects
        self.users = users
        self.catalog = catalog
        self.tokens = keystone.TokenStore()
        self.trusts = keystone.TrustStore()
        self.router = web.Router(keystone.ROUTES)

    @staticmethod
    def user_id(name):
        return ids.stable_uuid('user', name)

    def handle(self, method, raw_path, headers, body, base_url):
        parsed = urllib.parse.urlsplit(raw_path)
        if not parsed.path.startswith(PREFIX):
            return web.Response(404, {'error': 'Not Found'})
        path = parsed.path[len(PREFIX):].rstrip('/')
        request = web.Request(method, path, parsed.query, headers, body,
                              base_url)
        handler, params = self.router.match(method, path)
        try:
            if handler is None:
                raise http_errors.KeystoneError(
                    405 if params else 404,
                    'The resource could not be found.')
            if handler not in keystone.PUBLIC:
                request.token = self.tokens.get(
                    request.header('X-Auth-Token'))
                if request.token is None:
                    raise http_errors.KeystoneError(
                        401, 'The request you have made requires '
                        'authentication.')
            return handler(request, self, **params)
        except http_errors.SimError as exc:
            return keystone.render_error(exc)
        except Exception:
            traceback.print_exc(file=sys.stderr)
            return keystone.render_error(http_errors.KeystoneError(
                500, 'Unexpected error in the Keystone stand-in'))


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def _serve(self):
        length = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(length) if length else b''
        base_url = 'http://%s:%d' % self.server.server_address[:2]
        response = self.server.realm.handle(
            self.command, self.path, dict(self.headers.items()), body,
            base_url)
        web.send(self, response)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _serve

    def log_message(self, fmt, *args):
        sys.stderr.write('%s %s\n' % (self.log_date_time_string(),
                                      fmt % args))


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def serve(realm, port):
    """Serve ``realm`` on 127.0.0.1:``port`` in a thread."""
    server = _Server(('127.0.0.1', port), _Handler)
    server.realm = realm
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--port', type=int, required=True)
    parser.add_argument('--catalog', required=True,
                        help='JSON list of [type, name, url]')
    parser.add_argument('--projects', default='["admin", "service", "demo"]',
                        help='JSON list of project names')
    options = parser.parse_args(argv)
    names = json.loads(options.projects)
    realm = Realm(scenario.projects({'projects': dict.fromkeys(names)}),
                  scenario.users({}),
                  [tuple(entry) for entry in json.loads(options.catalog)])
    server = serve(realm, options.port)
    sys.stderr.write('Keystone stand-in on port %d\n' % options.port)
    sys.stderr.flush()
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()


if __name__ == '__main__':
    main()
