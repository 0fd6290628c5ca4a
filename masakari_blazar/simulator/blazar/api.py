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

"""The Blazar v1 API under ``/reservation``.

Bodies and error bodies follow blazar.api.v1: an error is
``{"error_code", "error_message", "error_name"}``, which
python-blazarclient turns into ``BlazarClientException`` carrying the
status in ``kwargs['code']``.  An unknown route answers as Flask does (404,
or 405 for a known path with another method), which is what a client of
upstream Blazar sees for the fork-only reallocate call.
"""

from masakari_blazar.simulator import clock as clock_mod
from masakari_blazar.simulator import http_errors
from masakari_blazar.simulator import web


def render_error(exc):
    if isinstance(exc, http_errors.BlazarError):
        if exc.name == 'INTERNAL_SERVER_ERROR':
            name = exc.name
        else:
            name = exc.status
        return web.Response(exc.status, {'error_code': exc.status,
                                         'error_message': exc.message,
                                         'error_name': name})
    if exc.status in (404, 405):
        # Flask's own answer for an unknown route or method.
        return web.Response(exc.status, {'error': exc.status,
                                         'error_message': exc.message})
    # Anything else escaping the manager is obfuscated upstream.
    return web.Response(500, {'error_code': 500,
                              'error_message': 'Internal Server Error',
                              'error_name': 'INTERNAL_SERVER_ERROR'})


def not_found():
    return http_errors.SimError(
        404, 'The requested URL was not found on the server. If you entered '
        'the URL manually please check your spelling and try again.')


def not_allowed():
    return http_errors.SimError(
        405, 'The method is not allowed for the requested URL.')


def _body(req):
    body = req.json()
    if body is None:
        raise http_errors.blazar('INTERNAL_SERVER_ERROR', 500,
                                 'Internal Server Error')
    return body


def versions(req, cloud):
    return web.Response(300, {'versions': [{
        'id': 'v1.0', 'status': 'CURRENT',
        'links': [{'href': req.base_url + '/reservation/v1', 'rel': 'self'}],
        'min_version': '1.0', 'max_version': '1.0'}]})


def lease_view(lease):
    return {'id': lease.id, 'name': lease.name, 'user_id': lease.user_id,
            'project_id': lease.project_id,
            'start_date': clock_mod.blazar_time(lease.start_date),
            'end_date': clock_mod.blazar_time(lease.end_date),
            'trust_id': lease.trust_id, 'status': lease.status,
            'degraded': lease.degraded,
            'created_at': lease.created_at.isoformat(' '),
            'updated_at': lease.updated_at.isoformat(' ')
            if lease.updated_at else None,
            'reservations': [r.to_dict() for r in lease.reservations],
            'events': [e.to_dict() for e in lease.events]}


def list_leases(req, cloud):
    return web.Response(200, {'leases': [
        lease_view(lease) for lease in cloud.blazar.leases.values()]})


def create_lease(req, cloud):
    lease = cloud.blazar.create_lease(_body(req), req.token['project_id'],
                                      req.token['user_id'])
    return web.Response(201, {'lease': lease_view(lease)})


def show_lease(req, cloud, lease_id):
    return web.Response(200, {'lease': lease_view(cloud.blazar.lease(
        lease_id))})


def update_lease(req, cloud, lease_id):
    lease = cloud.blazar.update_lease(lease_id, _body(req))
    return web.Response(200, {'lease': lease_view(lease)})


def delete_lease(req, cloud, lease_id):
    cloud.blazar.delete_lease(lease_id)
    return web.Response(204, {})


def list_hosts(req, cloud):
    return web.Response(200, {'hosts': [
        h.to_dict() for h in cloud.blazar.hosts.values()]})


def create_host(req, cloud):
    host = cloud.blazar.create_host(_body(req))
    return web.Response(201, {'host': host.to_dict()})


def show_host(req, cloud, host_id):
    return web.Response(200, {'host': cloud.blazar.host(host_id).to_dict()})


def update_host(req, cloud, host_id):
    host = cloud.blazar.update_host(host_id, _body(req))
    return web.Response(200, {'host': host.to_dict()})


def delete_host(req, cloud, host_id):
    cloud.blazar.delete_host(host_id)
    return web.Response(204, {})


def list_allocations(req, cloud):
    return web.Response(200, {'allocations': cloud.blazar.list_allocations(
        req.query)})


def show_allocation(req, cloud, host_id):
    return web.Response(200, {'allocation': cloud.blazar.host_allocation(
        host_id, req.query)})


def reallocate(req, cloud, host_id):
    if not cloud.config['reallocate_api']:
        raise not_allowed()
    cloud.blazar.host(host_id)
    return web.Response(200, {'allocation': cloud.blazar.reallocate(
        host_id, _body(req))})


def list_properties(req, cloud):
    names = sorted({key for host in cloud.blazar.hosts.values()
                    for key in host.extra})
    return web.Response(200, {'resource_properties': [
        {'property': name} for name in names]})


_HOST = r'/v1/os-hosts/(?P<host_id>[^/]+)'
_LEASE = r'/v1/leases/(?P<lease_id>[^/]+)'
ROUTES = (
    ('GET', r'', versions),
    ('GET', r'/versions', versions),
    ('GET', r'/v1/leases', list_leases),
    ('POST', r'/v1/leases', create_lease),
    ('GET', _LEASE, show_lease),
    ('PUT', _LEASE, update_lease),
    ('DELETE', _LEASE, delete_lease),
    ('GET', r'/v1/os-hosts', list_hosts),
    ('POST', r'/v1/os-hosts', create_host),
    ('GET', r'/v1/os-hosts/allocations', list_allocations),
    ('GET', r'/v1/os-hosts/properties', list_properties),
    ('GET', _HOST, show_host),
    ('PUT', _HOST, update_host),
    ('DELETE', _HOST, delete_host),
    ('GET', _HOST + '/allocation', show_allocation),
    ('PUT', _HOST + '/allocation', reallocate),
)

UNVERSIONED = (versions,)
