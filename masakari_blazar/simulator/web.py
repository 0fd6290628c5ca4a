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

"""The few HTTP primitives the service handlers share.

A handler receives a ``Request`` and returns a ``Response``; each service
module declares its routes as (method, pattern, handler) triples.  Keeping
this tiny and local avoids a web framework dependency the project would not
otherwise have.
"""

import json
import re
import urllib.parse


class Request(object):
    """One parsed request, as a handler sees it."""

    def __init__(self, method, path, query_string, headers, body, base_url):
        self.method = method
        self.path = path
        self.query_string = query_string
        self.query = {k: v[-1] for k, v in
                      urllib.parse.parse_qs(query_string,
                                            keep_blank_values=True).items()}
        self.headers = headers
        self.raw_body = body
        self.base_url = base_url
        # Filled in by the server: the caller's token and the version the
        # service negotiated.
        self.token = None
        self.version = None

    def header(self, name, default=None):
        for key, value in self.headers.items():
            if key.lower() == name.lower():
                return value
        return default

    def json(self):
        """The JSON body, or {} when there is none."""
        if not self.raw_body:
            return {}
        try:
            return json.loads(self.raw_body.decode('utf-8'))
        except ValueError:
            return None


class Response(object):
    def __init__(self, status=200, body=None, headers=None):
        self.status = status
        self.body = body
        self.headers = dict(headers or {})

    def payload(self):
        if self.body is None:
            return b''
        if isinstance(self.body, bytes):
            return self.body
        return json.dumps(self.body, sort_keys=True).encode('utf-8')


def send(handler, response):
    """Write ``response`` through a ``BaseHTTPRequestHandler``.

    A 204 carries no body, whatever was rendered (Blazar's delete renders
    '{}'); a client would read a stray body as the next response.
    """
    payload = b'' if response.status == 204 else response.payload()
    handler.send_response(response.status)
    if payload:
        handler.send_header('Content-Type', 'application/json')
    handler.send_header('Content-Length', str(len(payload)))
    for key, value in response.headers.items():
        handler.send_header(key, value)
    handler.end_headers()
    if payload and handler.command != 'HEAD':
        handler.wfile.write(payload)


class Router(object):
    """Match a method and a path against declared routes."""

    def __init__(self, routes):
        self._routes = [(method, re.compile('^' + pattern + '/?$'), handler)
                        for method, pattern, handler in routes]

    def match(self, method, path):
        """Find the handler of a request.

        Returns (handler, path parameters), or (None, allowed methods) if
        only the method is wrong, or (None, None) if no path matches.
        """
        allowed = []
        for route_method, pattern, handler in self._routes:
            found = pattern.match(path)
            if found:
                if route_method == method:
                    return handler, found.groupdict()
                allowed.append(route_method)
        return None, (allowed or None)
