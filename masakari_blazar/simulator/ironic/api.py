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

"""The Ironic bare-metal API under ``/baremetal``, microversions 1.1-1.115.

What a power driver built on openstacksdk's baremetal proxy calls: the
version documents its discovery reads, nodes listed and shown by uuid or
name, their states, and power actions (``PUT .../states/power``, answered
202 while the action runs in the background, see ``simulator/bmc.py``).
It follows Ironic 39 (ironic/api/controllers/root.py, v1/__init__.py,
v1/node.py, ironic/api/method.py and middleware/parsable_error.py), so
that a driver tested here meets the answers, status codes and error
texts of a real Ironic; doc/source/simulator.rst lists the facts.
"""

import json
import re
import urllib.parse

from masakari_blazar.simulator import bmc
from masakari_blazar.simulator import http_errors
from masakari_blazar.simulator.ironic import nodes
from masakari_blazar.simulator import web

MIN_VERSION = (1, 1)
MAX_VERSION = (1, 115)  # Ironic 39.0 (ironic/api/controllers/v1/versions.py)
VERSION_HEADER = 'X-OpenStack-Ironic-API-Version'
MIN_HEADER = 'X-OpenStack-Ironic-API-Minimum-Version'
MAX_HEADER = 'X-OpenStack-Ironic-API-Maximum-Version'
TITLES = {400: 'Bad Request', 404: 'Not Found', 405: 'Method Not Allowed',
          406: 'Not Acceptable', 409: 'Conflict',
          500: 'Internal Server Error', 503: 'Service Unavailable'}
# ironic/api/controllers/v1/node.py ALLOWED_TARGET_POWER_STATES
ALLOWED_TARGETS = (bmc.POWER_ON, bmc.POWER_OFF, bmc.REBOOT, bmc.SOFT_REBOOT,
                   bmc.SOFT_POWER_OFF)
MAX_LIMIT = 1000  # ironic.conf [api] max_limit


def _text(version):
    return '%d.%d' % version


def negotiate(req):
    """The requested version, as Controller.add_version_attributes finds it.

    ``OpenStack-API-Version: baremetal X.Y`` first, then the legacy header;
    none means the minimum.  Its 406s are webob exceptions: raised while
    routing they reach pecan, except under ``GET /``, whose handler renders
    them (see :func:`render_error`).
    """
    routing = req.path != ''
    text = None
    for value in reversed((req.header('OpenStack-API-Version') or '')
                          .split(',')):
        parts = value.split(None, 1)
        if len(parts) == 2 and parts[0].lower() == 'baremetal':
            text = parts[1].strip()
            break
    if text is None:
        legacy = req.header(VERSION_HEADER)
        text = legacy.split(',')[-1].strip() if legacy else None
    if not text:
        return MIN_VERSION
    if text.lower() == 'latest':
        return MAX_VERSION
    match = re.match(r'^\s*(\d+)\.(\d+)\s*$', text)
    if not match:
        raise http_errors.IronicError(
            406, 'Invalid value for %s header' % VERSION_HEADER, routing)
    version = int(match.group(1)), int(match.group(2))
    supported = '[%s, %s]' % (_text(MIN_VERSION), _text(MAX_VERSION))
    if version[0] != MIN_VERSION[0]:
        raise http_errors.IronicError(
            406, 'Mutually exclusive versions requested. Version %s '
            'requested but not supported by this service. The supported '
            'version range is: %s.' % (_text(version), supported), routing)
    if not MIN_VERSION <= version <= MAX_VERSION:
        raise http_errors.IronicError(
            406, 'Version %s was requested but the minor version is not '
            'supported by this service. The supported version range is: '
            '%s.' % (_text(version), supported), routing)
    return version


def _range_headers():
    return {MIN_HEADER: _text(MIN_VERSION), MAX_HEADER: _text(MAX_VERSION)}


def version_headers(version):
    return dict(_range_headers(), **{VERSION_HEADER: _text(version)})


def render_error(exc):
    """ParsableErrorMiddleware's body around the inner error document.

    A handler's exception becomes method.format_exception's ``faultcode``
    (Client for 4xx), ``faultstring`` and ``debuginfo``; a webob exception
    raised while routing becomes pecan's ``code``, ``title`` and
    ``description``.  Either is a JSON string under ``error_message``.
    """
    if getattr(exc, 'routing', False):
        inner = {'code': exc.status, 'title': TITLES.get(exc.status, ''),
                 'description': exc.message}
    else:
        inner = {'faultcode': 'Client' if 400 <= exc.status < 500
                 else 'Server', 'faultstring': exc.message,
                 'debuginfo': None}
    return web.Response(exc.status, {'error_message': json.dumps(inner)},
                        _range_headers())


def route_error(status):
    """pecan.abort(404) or a 405 while routing: no description."""
    return http_errors.IronicError(status, None, routing=True)


def _public_url(req):
    return req.base_url + '/baremetal'


# ----------------------------------------------------------------------
# Versions

def _default_version(req):
    """ironic/api/controllers/version.py default_version."""
    return {'id': 'v1', 'status': 'CURRENT',
            'min_version': _text(MIN_VERSION),
            'version': _text(MAX_VERSION),
            'links': [{'href': _public_url(req) + '/v1/', 'rel': 'self'}]}


def root(req, cloud):
    return web.Response(200, {
        'name': 'OpenStack Ironic API',
        'description': 'Ironic is an OpenStack project which enables the '
                       'provision and management of baremetal machines.',
        'default_version': _default_version(req),
        'versions': [_default_version(req)]})


def v1(req, cloud):
    public = _public_url(req)
    doc = {'id': 'v1',
           'links': [{'href': public + '/v1/', 'rel': 'self'},
                     {'href': 'https://docs.openstack.org//ironic/latest/'
                              'contributor//webapi.html',
                      'rel': 'describedby', 'type': 'text/html'}],
           'media_types': {'base': 'application/json',
                           'type': 'application/vnd.openstack.ironic.v1+json'},
           'version': _default_version(req)}
    for name in ('chassis', 'nodes', 'ports', 'drivers'):
        doc[name] = [{'href': '%s/v1/%s/' % (public, name), 'rel': 'self'},
                     {'href': '%s/%s/' % (public, name), 'rel': 'bookmark'}]
    return web.Response(200, doc)


# ----------------------------------------------------------------------
# Nodes

def _fields(req):
    """args.string_list: comma-separated, stripped, lower-cased, unique."""
    if 'fields' not in req.query:
        return None
    fields = []
    for field in req.query['fields'].split(','):
        field = field.strip().lower()
        if field and field not in fields:
            fields.append(field)
    return fields


def _boolean(req, name):
    """args.boolean (oslo strutils.bool_from_string, strict)."""
    value = req.query.get(name)
    if value is None:
        return None
    text = value.strip().lower()
    if text in ('1', 't', 'true', 'on', 'y', 'yes'):
        return True
    if text in ('0', 'f', 'false', 'off', 'n', 'no'):
        return False
    raise http_errors.IronicError(
        400, "Invalid %s: Unrecognized value '%s', acceptable values are: "
        "'0', '1', 'f', 'false', 'n', 'no', 'off', 'on', 't', 'true', 'y', "
        "'yes'" % (name, value))


def _page(req, names):
    """validate_limit and the marker: nodes in creation order."""
    limit = req.query.get('limit')
    if limit is not None:
        try:
            limit = int(limit)
        except ValueError:
            raise http_errors.IronicError(
                400, 'Expected an integer for limit: %s' % limit)
        if limit <= 0:
            raise http_errors.IronicError(400, 'Limit must be positive')
    limit = min(limit or MAX_LIMIT, MAX_LIMIT)
    marker = req.query.get('marker')
    if marker is not None:
        if not nodes.is_uuid_like(marker):
            raise http_errors.IronicError(
                400, 'Expected UUID for marker: %s' % marker)
        uuids = [nodes.node_uuid(name) for name in names]
        if marker not in uuids:
            raise http_errors.IronicError(
                404, 'Node %s could not be found.' % marker)
        names = names[uuids.index(marker) + 1:]
    return names[:limit], limit


def _filtered(req, cloud):
    """The nodes that pass get_all's filters.

    Every node is out of maintenance, active, fake-hardware and without
    an instance, so a filter passes them all or none; the others are not
    modelled and pass all.
    """
    names = list(cloud.state.hosts)
    maintenance = _boolean(req, 'maintenance')
    associated = _boolean(req, 'associated')
    if maintenance or associated:
        return []
    for key, value in (('provision_state', 'active'),
                       ('driver', nodes.DRIVER)):
        if req.query.get(key) not in (None, value):
            return []
    return names


def _collection(req, cloud, fields, resource):
    names, limit = _page(req, _filtered(req, cloud))
    body = {'nodes': [nodes.view(cloud, name, _public_url(req), req.version,
                                 fields) for name in names]}
    if names and len(names) == limit:
        args = ''.join('%s=%s&' % item for item in (
            [('fields', ','.join(fields))] if fields else []) + [
            ('sort_key', 'id'), ('sort_dir', 'asc')])
        body['next'] = '%s/v1/%s?%slimit=%d&marker=%s' % (
            _public_url(req), resource, args, limit,
            nodes.node_uuid(names[-1]))
    return web.Response(200, body)


def list_nodes(req, cloud):
    """NodesController.get_all: default fields, ?fields= or ?detail=."""
    fields = _fields(req)
    detail = _boolean(req, 'detail')
    nodes.check_fields(fields, req.version)
    if detail is not None and req.version < (1, 43):
        raise http_errors.IronicError(
            400, 'Invalid query parameter ?detail=%s received.'
            % req.query['detail'])
    if fields is not None and detail:
        raise http_errors.IronicError(
            400, 'Can not specify ?detail=True and fields in the same '
            'request.')
    if fields is None and not detail:
        fields = nodes.DEFAULT_FIELDS
    return _collection(req, cloud, fields, 'nodes')


def list_nodes_detail(req, cloud):
    """NodesController.detail: every field (it takes no ``fields``)."""
    return _collection(req, cloud, None, 'nodes/detail')


def _ident(ident):
    return urllib.parse.unquote(ident)


def show_node(req, cloud, ident):
    name = nodes.find(cloud, _ident(ident), req.version)
    return web.Response(200, nodes.view(
        cloud, name, _public_url(req), req.version, _fields(req)))


def node_states(req, cloud, ident):
    name = nodes.find(cloud, _ident(ident), req.version)
    return web.Response(200, nodes.states(cloud, name, req.version))


def _power_args(req):
    """args.validate of NodeStatesController.power, on pecan's params.

    pecan takes the JSON body (a dict) over the query string, and drops
    what the method does not take.
    """
    params = dict(req.query)
    body = req.json()
    if isinstance(body, dict):
        params.update(body)
    if 'target' not in params:
        raise http_errors.IronicError(
            400, 'Missing mandatory parameter: target')
    target, timeout = params['target'], params.get('timeout')
    if target is not None and not isinstance(target, str):
        raise http_errors.IronicError(
            400, 'Expected string for target: %s' % target)
    if timeout is not None:
        try:
            timeout = int(timeout)
        except (TypeError, ValueError):
            raise http_errors.IronicError(
                400, 'Expected an integer for timeout: %s' % timeout)
    return target, timeout


def set_power(req, cloud, ident):
    """NodeStatesController.power, then the conductor's lock.

    The action itself runs in the background; 202 with the node's states
    as ``Location``.
    """
    ident = _ident(ident)
    target, timeout = _power_args(req)
    name = nodes.find(cloud, ident, req.version)
    if (target in (bmc.SOFT_REBOOT, bmc.SOFT_POWER_OFF) or timeout) and \
            req.version < (1, 27):
        raise http_errors.IronicError(406, 'Request not acceptable.')
    if timeout is not None and timeout < 1:
        raise http_errors.IronicError(
            400, 'timeout has to be positive integer')
    if target not in ALLOWED_TARGETS:
        raise http_errors.IronicError(
            400, 'The requested action "%s" can not be performed on node '
            '"%s" while it is in state "%s".' % (
                target, ident, cloud.power.bmc(name).power_state))
    try:
        cloud.power.request(name, target)
    except bmc.NodeLocked:
        raise http_errors.IronicError(
            409, 'Node %s is locked by host %s, please retry after the '
            'current operation is completed.' % (nodes.node_uuid(name),
                                                 nodes.CONDUCTOR))
    return web.Response(202, None, {
        'Location': '%s/v1/nodes/%s/states' % (_public_url(req), ident)})


_NODE = r'/v1/nodes/(?P<ident>[^/]+)'
ROUTES = (
    ('GET', r'', root),
    ('GET', r'/v1', v1),
    ('GET', r'/v1/nodes', list_nodes),
    ('GET', r'/v1/nodes/detail', list_nodes_detail),
    ('GET', _NODE, show_node),
    ('GET', _NODE + '/states', node_states),
    ('PUT', _NODE + '/states/power', set_power),
)

# ironic/api/config.py acl_public_routes: no token needed, yet versioned.
PUBLIC = (root, v1)
