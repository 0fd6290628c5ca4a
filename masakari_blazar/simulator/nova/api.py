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

"""The Nova compute API under ``/compute``, microversions 2.1 to 2.100.

Response fields appear and disappear with the microversion as in Nova's
views (server flavor embedding from 2.47, service and hypervisor uuids
from 2.53, hypervisor resource fields only before 2.88, scheduler hints
from 2.100), because the plugin and Masakari read them at different
versions: Masakari at 2.53, Blazar at 2.1.
"""

import hashlib
import re
import urllib.parse

from masakari_blazar.simulator import clock as clock_mod
from masakari_blazar.simulator import http_errors
from masakari_blazar.simulator import web

MIN_VERSION = (2, 1)
MAX_VERSION = (2, 100)
ERROR_KEYS = {400: 'badRequest', 401: 'unauthorized', 403: 'forbidden',
              404: 'itemNotFound', 405: 'badMethod', 406: 'notAcceptable',
              409: 'conflictingRequest', 500: 'computeFault',
              503: 'serviceUnavailable'}
VERSION_HEADER = 'X-OpenStack-Nova-API-Version'


def _v(text):
    major, minor = text.split('.')
    return int(major), int(minor)


def negotiate(req):
    """The requested microversion, or 400/406 as Nova answers."""
    requested = req.header(VERSION_HEADER)
    generic = req.header('OpenStack-API-Version')
    if generic:
        match = re.search(r'compute\s+([^\s,]+)', generic)
        if match:
            requested = match.group(1)
    if not requested:
        return MIN_VERSION
    if requested == 'latest':
        return MAX_VERSION
    try:
        version = _v(requested)
    except ValueError:
        raise http_errors.NovaError(
            400, 'API Version String %s is of invalid format. Must be of '
            'format MajorNum.MinorNum.' % requested)
    if not MIN_VERSION <= version <= MAX_VERSION:
        raise http_errors.NovaError(
            406, 'Version %s is not supported by the API. Minimum is 2.1 and '
            'maximum is 2.100.' % requested)
    return version


def version_headers(version):
    text = '%d.%d' % version
    return {VERSION_HEADER: text, 'OpenStack-API-Version': 'compute ' + text,
            'Vary': 'OpenStack-API-Version, X-OpenStack-Nova-API-Version'}


def render_error(exc):
    key = ERROR_KEYS.get(exc.status, 'computeFault')
    return web.Response(exc.status, {key: {'code': exc.status,
                                           'message': exc.message}})


def _at_least(req, text):
    return req.version >= _v(text)


def _url(req, *parts):
    return '/'.join([req.base_url + '/compute/v2.1'] + list(parts))


def _links(req, collection, item_id):
    return [{'rel': 'self', 'href': _url(req, collection, item_id)},
            {'rel': 'bookmark',
             'href': req.base_url + '/compute/%s/%s' % (collection, item_id)}]


def _body(req):
    body = req.json()
    if body is None:
        raise http_errors.NovaError(400, 'Malformed request body')
    return body


# ----------------------------------------------------------------------
# Versions

def _version_doc(req):
    return {'id': 'v2.1', 'status': 'CURRENT', 'version': '2.100',
            'min_version': '2.1', 'updated': '2013-07-23T11:33:21Z',
            'links': [{'rel': 'self', 'href': _url(req) + '/'}],
            'media-types': [{'base': 'application/json',
                             'type': 'application/vnd.openstack.compute+json;'
                                     'version=2.1'}]}


def versions(req, cloud):
    return web.Response(200, {'versions': [_version_doc(req)]})


def version(req, cloud):
    return web.Response(200, {'version': _version_doc(req)})


# ----------------------------------------------------------------------
# Servers

def _host_status(cloud, server):
    service = cloud.state.hosts[server.host].service
    if service.forced_down:
        return 'DOWN'
    if cloud.state.service_is_up(service):
        return 'MAINTENANCE' if service.disabled else 'UP'
    return 'UNKNOWN'


def _server_flavor(req, server):
    flavor = server.flavor
    if _at_least(req, '2.47'):
        return {'vcpus': flavor['vcpus'], 'ram': flavor['ram'],
                'disk': flavor['disk'], 'ephemeral': flavor['ephemeral'],
                'swap': flavor['swap'], 'original_name': flavor['name'],
                'extra_specs': dict(flavor['extra_specs'])}
    return {'id': flavor['id'],
            'links': [{'rel': 'bookmark', 'href': req.base_url +
                       '/compute/flavors/' + flavor['id']}]}


def server_view(req, cloud, server, show=True):
    state = cloud.state
    status = state.server_status(server)
    host_id = hashlib.sha224(
        (server.project_id + server.host).encode()).hexdigest()
    view = {
        'id': server.id, 'name': server.name, 'status': status,
        'tenant_id': server.project_id, 'user_id': server.user_id,
        'metadata': dict(server.metadata), 'hostId': host_id,
        'image': {'id': server.image_id, 'links': [{
            'rel': 'bookmark',
            'href': req.base_url + '/compute/images/' + server.image_id}]},
        'flavor': _server_flavor(req, server),
        'created': clock_mod.isotime(server.created_at),
        'updated': clock_mod.isotime(server.updated_at),
        'addresses': {}, 'accessIPv4': '', 'accessIPv6': '',
        'links': _links(req, 'servers', server.id),
        'OS-DCF:diskConfig': 'MANUAL',
        'OS-EXT-AZ:availability_zone': state.host_az(server.host),
        'config_drive': '', 'key_name': None,
        'OS-SRV-USG:launched_at': server.created_at.isoformat(),
        'OS-SRV-USG:terminated_at': None,
        'security_groups': [{'name': 'default'}],
        'OS-EXT-SRV-ATTR:host': server.host,
        'OS-EXT-SRV-ATTR:instance_name': 'instance-%08x' % server.seq,
        'OS-EXT-SRV-ATTR:hypervisor_hostname': server.host,
        'OS-EXT-STS:task_state': server.task_state,
        'OS-EXT-STS:vm_state': server.vm_state,
        'OS-EXT-STS:power_state': server.power_state,
        'os-extended-volumes:volumes_attached': [],
    }
    if status in ('ACTIVE', 'BUILD', 'REBUILD', 'RESIZE', 'VERIFY_RESIZE',
                  'MIGRATING'):
        view['progress'] = 0
    if status in ('ERROR', 'DELETED') and server.fault:
        view['fault'] = {'code': server.fault['code'],
                         'message': server.fault['message'],
                         'details': server.fault['details'],
                         'created': clock_mod.isotime(
                             server.fault['created'])}
    if _at_least(req, '2.3'):
        view.update({'OS-EXT-SRV-ATTR:hostname': server.name,
                     'OS-EXT-SRV-ATTR:kernel_id': '',
                     'OS-EXT-SRV-ATTR:launch_index': 0,
                     'OS-EXT-SRV-ATTR:ramdisk_id': '',
                     'OS-EXT-SRV-ATTR:reservation_id': 'r-%08x' % server.seq,
                     'OS-EXT-SRV-ATTR:root_device_name': '/dev/vda',
                     'OS-EXT-SRV-ATTR:user_data': None})
    if _at_least(req, '2.9'):
        view['locked'] = server.locked
    if _at_least(req, '2.16'):
        view['host_status'] = _host_status(cloud, server)
    if _at_least(req, '2.19'):
        view['description'] = None
    if _at_least(req, '2.26'):
        view['tags'] = []
    if _at_least(req, '2.63'):
        view['trusted_image_certificates'] = None
    if show and _at_least(req, '2.71'):
        view['server_groups'] = cloud.state.groups_of(server.id)
    if _at_least(req, '2.73'):
        view['locked_reason'] = server.locked_reason
    if _at_least(req, '2.96'):
        view['pinned_availability_zone'] = server.requested_az
    if _at_least(req, '2.100'):
        view['scheduler_hints'] = {k: list(v) for k, v in
                                   server.scheduler_hints.items()}
    return view


def _page(req, cloud, servers, collection):
    """One page of a list and its ``servers_links``, as Nova pages.

    A page holds at most ``limit`` and at most ``[api] max_limit`` items,
    after the ``marker`` server; a full page carries a ``next`` link
    (nova.api.openstack.common.ViewBuilder._get_collection_links).
    """
    max_limit = int(cloud.config['nova_max_limit'])
    try:
        limit = min(int(req.query.get('limit', max_limit)), max_limit)
    except ValueError:
        limit = -1
    if limit < 0:
        raise http_errors.NovaError(400, 'limit param must be an integer')
    marker = req.query.get('marker')
    if marker is not None:
        ids = [s.id for s in servers]
        if marker not in ids:
            raise http_errors.NovaError(400, 'marker [%s] not found' % marker)
        servers = servers[ids.index(marker) + 1:]
    page = servers[:limit]
    links = {}
    if limit and len(page) == limit:
        query = urllib.parse.urlencode(dict(req.query, marker=page[-1].id))
        links['servers_links'] = [{'rel': 'next', 'href': '%s?%s' % (
            _url(req, collection), query)}]
    return page, links


def list_servers(req, cloud):
    servers, links = _page(req, cloud, cloud.state.list_servers(
        req.query, req.token['project_id']), 'servers')
    return web.Response(200, dict(links, servers=[
        {'id': s.id, 'name': s.name, 'links': _links(req, 'servers', s.id)}
        for s in servers]))


def list_servers_detail(req, cloud):
    servers, links = _page(req, cloud, cloud.state.list_servers(
        req.query, req.token['project_id']), 'servers/detail')
    return web.Response(200, dict(links, servers=[
        server_view(req, cloud, s, show=False) for s in servers]))


def show_server(req, cloud, server_id):
    server = cloud.state.server(server_id)
    return web.Response(200, {'server': server_view(req, cloud, server)})


def delete_server(req, cloud, server_id):
    cloud.state.delete_server(server_id)
    return web.Response(204)


def server_action(req, cloud, server_id):
    body = _body(req)
    if len(body) != 1:
        raise http_errors.NovaError(400, 'There is no such action: %s'
                                    % ','.join(sorted(body)))
    action, args = next(iter(body.items()))
    state = cloud.state
    if action == 'evacuate':
        args = args or {}
        if not _at_least(req, '2.14') and 'onSharedStorage' not in args:
            raise http_errors.NovaError(
                400, "Invalid input for field/attribute evacuate. Value: %s. "
                "'onSharedStorage' is a required property" % args)
        force = False
        if 'force' in args and (not _at_least(req, '2.29') or
                                _at_least(req, '2.68')):
            raise http_errors.NovaError(
                400, "Invalid input for field/attribute evacuate. Value: %s. "
                "Additional properties are not allowed ('force' was "
                "unexpected)" % args)
        if 'force' in args:
            force = str(args['force']).lower() in ('true', '1')
            if force and not args.get('host'):
                raise http_errors.NovaError(
                    400, "Can't force to a non-provided destination")
        state.evacuate(server_id, args.get('host'), force,
                       stop=_at_least(req, '2.95'))
        cloud.evacuation_marks.append(len(cloud.request_log))
        if _at_least(req, '2.14'):
            return web.Response(200)
        return web.Response(200, {'adminPass': 'simulated'})
    if action == 'lock':
        reason = (args or {}).get('locked_reason') \
            if _at_least(req, '2.73') else None
        state.lock_server(server_id, reason)
    elif action == 'unlock':
        state.unlock_server(server_id)
    elif action == 'os-stop':
        state.stop_server(server_id)
    elif action == 'os-start':
        state.start_server(server_id)
    elif action == 'os-resetState':
        state.reset_state(server_id, (args or {}).get('state'))
    else:
        raise http_errors.NovaError(
            400, 'There is no such action: %s' % action)
    return web.Response(202)


def show_server_metadata(req, cloud, server_id):
    return web.Response(200, {'metadata': dict(
        cloud.state.server(server_id).metadata)})


def _update_metadata(replace):
    def handler(req, cloud, server_id):
        metadata = _body(req).get('metadata', {})
        result = cloud.state.set_metadata(server_id, metadata, replace)
        return web.Response(200, {'metadata': dict(result)})
    return handler


# ----------------------------------------------------------------------
# Services

def _service_view(req, cloud, service, with_forced_down):
    state = cloud.state
    view = {'binary': service.binary, 'host': service.host,
            'id': service.uuid if _at_least(req, '2.53') else service.id,
            'zone': state.host_az(service.host)
            if service.binary == 'nova-compute' else 'internal',
            'status': 'disabled' if service.disabled else 'enabled',
            'state': 'up' if state.service_is_up(service) else 'down',
            'updated_at': clock_mod.isotime(
                state.service_updated_at(service)).rstrip('Z') + '.000000',
            'disabled_reason': service.disabled_reason}
    if with_forced_down:
        view['forced_down'] = service.forced_down
    return view


def list_services(req, cloud):
    services = cloud.state.find_services(req.query.get('host'),
                                         req.query.get('binary'))
    return web.Response(200, {'services': [
        _service_view(req, cloud, s, _at_least(req, '2.11'))
        for s in services]})


def update_service(req, cloud, service_id):
    body = _body(req)
    state = cloud.state
    if _at_least(req, '2.53'):
        if not re.match(r'^[0-9a-f-]{36}$', service_id):
            raise http_errors.NovaError(400, 'Invalid uuid %s' % service_id)
        service = state.service_by_id(service_id, by_uuid=True)
        status = body.get('status')
        if status == 'enabled' and body.get('disabled_reason'):
            raise http_errors.NovaError(
                400, "Specifying 'disabled_reason' with "
                "status 'enabled' is invalid.")
        if status is None and 'forced_down' not in body:
            raise http_errors.NovaError(
                400, "No updates were requested. Fields "
                "'status' or 'forced_down' should be "
                "specified.")
        forced_down = None
        if 'forced_down' in body:
            forced_down = str(body['forced_down']).lower() in ('true', '1')
        state.update_service(service, status, body.get('disabled_reason'),
                             forced_down)
        return web.Response(200, {'service': _service_view(
            req, cloud, service, True)})
    actions = ['enable', 'disable', 'disable-log-reason']
    if _at_least(req, '2.11'):
        actions.append('force-down')
    if service_id not in actions:
        raise http_errors.NovaError(404, 'Unknown action')
    host, binary = body.get('host'), body.get('binary')
    matches = state.find_services(host, binary)
    if not host or not binary or not matches:
        raise http_errors.NovaError(
            404, 'Compute host %s could not be found.' % host)
    service = matches[0]
    result = {'host': host, 'binary': binary}
    if service_id == 'force-down':
        if 'forced_down' not in body:
            raise http_errors.NovaError(400, 'Missing forced_down field')
        forced = str(body['forced_down']).lower() in ('true', '1')
        state.update_service(service, forced_down=forced)
        result['forced_down'] = forced
    elif service_id == 'enable':
        state.update_service(service, 'enabled')
        result['status'] = 'enabled'
    else:
        if service_id == 'disable-log-reason' and \
                'disabled_reason' not in body:
            raise http_errors.NovaError(400, 'Missing disabled reason field')
        reason = body.get('disabled_reason')
        state.update_service(service, 'disabled', reason)
        result['status'] = 'disabled'
        if reason:
            result['disabled_reason'] = reason
    return web.Response(200, {'service': result})


# ----------------------------------------------------------------------
# Hypervisors

def _hypervisor_view(req, cloud, host, detail, servers=None):
    state = cloud.state
    service = host.service
    uuids = _at_least(req, '2.53')
    view = {'id': host.node_uuid if uuids else host.node_id,
            'hypervisor_hostname': host.name,
            'state': 'up' if state.service_is_up(service) else 'down',
            'status': 'disabled' if service.disabled else 'enabled'}
    if detail:
        view.update({'hypervisor_type': host.hypervisor_type,
                     'hypervisor_version': host.hypervisor_version,
                     'host_ip': host.host_ip,
                     'service': {'id': service.uuid if uuids else service.id,
                                 'host': host.name,
                                 'disabled_reason': service.disabled_reason}})
        if not _at_least(req, '2.88'):
            view.update({'vcpus': host.vcpus, 'memory_mb': host.memory_mb,
                         'local_gb': host.disk_gb})
            view.update(state.hypervisor_usage(host))
            cpu_info = {'arch': 'x86_64', 'model': 'Haswell',
                        'vendor': 'Intel', 'features': ['avx2'],
                        'topology': {'cells': 1, 'sockets': 1,
                                     'cores': host.vcpus, 'threads': 1}}
            view['cpu_info'] = cpu_info if _at_least(req, '2.28') \
                else str(cpu_info)
        else:
            view['uptime'] = None
    if servers:
        view['servers'] = [{'name': s.name, 'uuid': s.id} for s in servers]
    elif servers is not None and _at_least(req, '2.75'):
        view['servers'] = []
    return view


def _hypervisor_list(req, cloud, detail):
    state = cloud.state
    pattern = None
    with_servers = False
    if _at_least(req, '2.53'):
        pattern = req.query.get('hypervisor_hostname_pattern')
        with_servers = req.query.get('with_servers', '').lower() in (
            'true', '1', 'yes')
    hosts = state.hypervisors(pattern)
    return web.Response(200, {'hypervisors': [
        _hypervisor_view(req, cloud, h, detail,
                         state.servers_on_host(h.name)
                         if with_servers else None)
        for h in hosts]})


def list_hypervisors(req, cloud):
    return _hypervisor_list(req, cloud, False)


def list_hypervisors_detail(req, cloud):
    return _hypervisor_list(req, cloud, True)


def show_hypervisor(req, cloud, hypervisor_id):
    if _at_least(req, '2.53'):
        if not re.match(r'^[0-9a-f-]{36}$', hypervisor_id):
            raise http_errors.NovaError(400, 'Invalid uuid %s' % hypervisor_id)
        host = cloud.state.hypervisor(hypervisor_id, by_uuid=True)
    else:
        host = cloud.state.hypervisor(hypervisor_id, by_uuid=False)
    servers = None
    if _at_least(req, '2.53') and req.query.get('with_servers', '').lower() \
            in ('true', '1', 'yes'):
        servers = cloud.state.servers_on_host(host.name)
    return web.Response(200, {'hypervisor': _hypervisor_view(
        req, cloud, host, True, servers)})


def _before_253(req):
    if _at_least(req, '2.53'):
        raise http_errors.NovaError(404, 'The resource could not be found.')


def search_hypervisors(req, cloud, pattern):
    _before_253(req)
    return web.Response(200, {'hypervisors': [
        _hypervisor_view(req, cloud, h, False)
        for h in cloud.state.hypervisors(pattern)]})


def hypervisor_servers(req, cloud, pattern):
    _before_253(req)
    state = cloud.state
    return web.Response(200, {'hypervisors': [
        _hypervisor_view(req, cloud, h, False, state.servers_on_host(h.name))
        for h in state.hypervisors(pattern)]})


# ----------------------------------------------------------------------
# Aggregates and availability zones

def _server_group_view(req, group):
    """The 2.64 form (one policy, rules), or the older policies list."""
    view = {'id': group.id, 'name': group.name,
            'members': list(group.members)}
    if _at_least(req, '2.13'):
        view.update(project_id=group.project_id, user_id=group.user_id)
    if _at_least(req, '2.64'):
        view.update(policy=group.policy, rules=dict(group.rules))
    else:
        view.update(policies=[group.policy], metadata={})
    return view


def list_server_groups(req, cloud):
    # Nova looks only for the key (and an admin context).
    everyone = 'all_projects' in req.query
    return web.Response(200, {'server_groups': [
        _server_group_view(req, g)
        for g in cloud.state.server_groups.values()
        if everyone or g.project_id == req.token['project_id']]})


def show_server_group(req, cloud, group_id):
    return web.Response(200, {'server_group': _server_group_view(
        req, cloud.state.server_group(group_id))})


def _aggregate_view(req, aggregate, full=True):
    view = {'id': aggregate.id, 'name': aggregate.name,
            'availability_zone': aggregate.availability_zone,
            'created_at': aggregate.created_at.isoformat(),
            'updated_at': aggregate.updated_at.isoformat()
            if aggregate.updated_at else None,
            'deleted_at': None, 'deleted': False}
    if full:
        view['hosts'] = list(aggregate.hosts)
        view['metadata'] = dict(aggregate.metadata)
    if _at_least(req, '2.41'):
        view['uuid'] = aggregate.uuid
    return view


def list_aggregates(req, cloud):
    return web.Response(200, {'aggregates': [
        _aggregate_view(req, a) for a in cloud.state.aggregates.values()]})


def create_aggregate(req, cloud):
    spec = _body(req).get('aggregate') or {}
    name = (spec.get('name') or '').strip()
    if not name:
        raise http_errors.NovaError(400, "Invalid input for field/attribute "
                                    "aggregate. 'name' is a required property")
    az = spec.get('availability_zone')
    aggregate = cloud.state.create_aggregate(name, az.strip() if az else None)
    return web.Response(200, {'aggregate': _aggregate_view(req, aggregate,
                                                           full=False)})


def show_aggregate(req, cloud, aggregate_id):
    return web.Response(200, {'aggregate': _aggregate_view(
        req, cloud.state.aggregate(aggregate_id))})


def update_aggregate(req, cloud, aggregate_id):
    spec = _body(req).get('aggregate') or {}
    aggregate = cloud.state.update_aggregate(
        aggregate_id, spec.get('name'), spec.get('availability_zone'))
    return web.Response(200, {'aggregate': _aggregate_view(req, aggregate)})


def delete_aggregate(req, cloud, aggregate_id):
    cloud.state.delete_aggregate(aggregate_id)
    return web.Response(200)


def aggregate_action(req, cloud, aggregate_id):
    body = _body(req)
    state = cloud.state
    if 'add_host' in body:
        aggregate = state.add_aggregate_host(aggregate_id,
                                             body['add_host']['host'])
    elif 'remove_host' in body:
        aggregate = state.remove_aggregate_host(aggregate_id,
                                                body['remove_host']['host'])
    elif 'set_metadata' in body:
        aggregate = state.set_aggregate_metadata(
            aggregate_id, body['set_metadata'].get('metadata') or {})
    else:
        raise http_errors.NovaError(400, 'There is no such action: %s'
                                    % ','.join(sorted(body)))
    return web.Response(200, {'aggregate': _aggregate_view(req, aggregate)})


def _zones(cloud):
    """AZ name -> hosts, for hosts running nova-compute."""
    zones = {}
    for host in cloud.state.hosts:
        zones.setdefault(cloud.state.host_az(host), []).append(host)
    return zones


def list_azs(req, cloud):
    state = cloud.state
    info = []
    for zone, hosts in _zones(cloud).items():
        available = any(not state.hosts[h].service.disabled for h in hosts)
        info.append({'zoneName': zone, 'zoneState': {'available': available},
                     'hosts': None})
    return web.Response(200, {'availabilityZoneInfo': info})


def list_azs_detail(req, cloud):
    state = cloud.state

    def entry(service):
        return {'available': state.service_is_up(service),
                'active': not service.disabled,
                'updated_at': state.service_updated_at(service).isoformat()}

    info = [{'zoneName': 'internal', 'zoneState': {'available': True},
             'hosts': {'controller': {
                 s.binary: entry(s) for s in state.find_services('controller')
             }}}]
    for zone, hosts in _zones(cloud).items():
        available = any(not state.hosts[h].service.disabled for h in hosts)
        info.append({'zoneName': zone, 'zoneState': {'available': available},
                     'hosts': {h: {'nova-compute': entry(
                         state.hosts[h].service)} for h in hosts}})
    return web.Response(200, {'availabilityZoneInfo': info})


# ----------------------------------------------------------------------
# Flavors

def _flavor_view(req, flavor, detail=True):
    view = {'id': flavor.id, 'name': flavor.name,
            'links': _links(req, 'flavors', flavor.id)}
    if _at_least(req, '2.55'):
        view['description'] = flavor.description
    if not detail:
        return view
    view.update({'ram': flavor.ram, 'disk': flavor.disk,
                 'vcpus': flavor.vcpus,
                 'OS-FLV-EXT-DATA:ephemeral': flavor.ephemeral,
                 'OS-FLV-DISABLED:disabled': False,
                 'swap': flavor.swap if flavor.swap or _at_least(req, '2.75')
                 else '',
                 'rxtx_factor': 1.0,
                 'os-flavor-access:is_public': flavor.is_public})
    if _at_least(req, '2.61'):
        view['extra_specs'] = dict(flavor.extra_specs)
    return view


def _visible_flavors(req, cloud):
    is_public = req.query.get('is_public', 'true').lower()
    flavors = list(cloud.state.flavors.values())
    if is_public in ('none', ''):
        return flavors
    wanted = is_public in ('true', '1', 't', 'yes')
    return [f for f in flavors if f.is_public == wanted]


def list_flavors(req, cloud):
    return web.Response(200, {'flavors': [
        _flavor_view(req, f, detail=False)
        for f in _visible_flavors(req, cloud)]})


def list_flavors_detail(req, cloud):
    return web.Response(200, {'flavors': [
        _flavor_view(req, f) for f in _visible_flavors(req, cloud)]})


def show_flavor(req, cloud, flavor_id):
    return web.Response(200, {'flavor': _flavor_view(
        req, cloud.state.flavor(flavor_id))})


def create_flavor(req, cloud):
    spec = _body(req).get('flavor') or {}
    flavor_id = spec.get('id') or cloud.ids.uuid('flavor')
    flavor = cloud.state.add_flavor(
        str(flavor_id), spec['name'], spec['vcpus'], spec['ram'],
        spec['disk'], spec.get('OS-FLV-EXT-DATA:ephemeral', 0),
        spec.get('swap') or 0, spec.get('os-flavor-access:is_public', True),
        description=spec.get('description'))
    return web.Response(200, {'flavor': _flavor_view(req, flavor)})


def delete_flavor(req, cloud, flavor_id):
    cloud.state.delete_flavor(flavor_id)
    return web.Response(202)


def list_extra_specs(req, cloud, flavor_id):
    return web.Response(200, {'extra_specs': dict(
        cloud.state.flavor(flavor_id).extra_specs)})


def set_extra_specs(req, cloud, flavor_id):
    specs = _body(req).get('extra_specs') or {}
    flavor = cloud.state.flavor(flavor_id)
    flavor.extra_specs.update({k: str(v) for k, v in specs.items()})
    return web.Response(200, {'extra_specs': specs})


def show_extra_spec(req, cloud, flavor_id, key):
    flavor = cloud.state.flavor(flavor_id)
    if key not in flavor.extra_specs:
        raise http_errors.NovaError(
            404, 'Flavor %s has no extra specs with key '
            '%s.' % (flavor_id, key))
    return web.Response(200, {key: flavor.extra_specs[key]})


def update_extra_spec(req, cloud, flavor_id, key):
    body = _body(req)
    if key not in body:
        raise http_errors.NovaError(400, 'Request body and URI mismatch')
    cloud.state.flavor(flavor_id).extra_specs[key] = str(body[key])
    return web.Response(200, {key: str(body[key])})


def delete_extra_spec(req, cloud, flavor_id, key):
    flavor = cloud.state.flavor(flavor_id)
    if key not in flavor.extra_specs:
        raise http_errors.NovaError(
            404, 'Flavor %s has no extra specs with key '
            '%s.' % (flavor_id, key))
    del flavor.extra_specs[key]
    return web.Response(202)


def _access_view(flavor):
    return {'flavor_access': [{'flavor_id': flavor.id, 'tenant_id': p}
                              for p in flavor.access]}


def list_flavor_access(req, cloud, flavor_id):
    flavor = cloud.state.flavor(flavor_id)
    if flavor.is_public:
        raise http_errors.NovaError(
            404, 'Access list not available for public '
            'flavors.')
    return web.Response(200, _access_view(flavor))


def flavor_action(req, cloud, flavor_id):
    body = _body(req)
    state = cloud.state
    if 'addTenantAccess' in body:
        state.add_flavor_access(flavor_id, body['addTenantAccess']['tenant'])
    elif 'removeTenantAccess' in body:
        state.remove_flavor_access(flavor_id,
                                   body['removeTenantAccess']['tenant'])
    else:
        raise http_errors.NovaError(400, 'There is no such action: %s'
                                    % ','.join(sorted(body)))
    return web.Response(200, _access_view(state.flavor(flavor_id)))


# ----------------------------------------------------------------------
# Migrations

def list_migrations(req, cloud):
    found = []
    for migration in cloud.state.migrations:
        if req.query.get('instance_uuid') not in (
                None, migration.instance_uuid):
            continue
        if req.query.get('source_compute') not in (
                None, migration.source_compute):
            continue
        if req.query.get('migration_type') not in (
                None, migration.migration_type):
            continue
        view = {'id': migration.id, 'instance_uuid': migration.instance_uuid,
                'source_compute': migration.source_compute,
                'dest_compute': migration.dest_compute,
                'source_node': migration.source_compute,
                'dest_node': migration.dest_compute,
                'status': migration.status,
                'migration_type': migration.migration_type}
        if _at_least(req, '2.59'):
            view['uuid'] = migration.uuid
        found.append(view)
    return web.Response(200, {'migrations': found})


_ID = r'(?P<%s>[^/]+)'
ROUTES = (
    ('GET', r'', versions),
    ('GET', r'/v2\.1', version),
    ('GET', r'/v2\.1/servers', list_servers),
    ('GET', r'/v2\.1/servers/detail', list_servers_detail),
    ('GET', r'/v2\.1/servers/' + _ID % 'server_id', show_server),
    ('DELETE', r'/v2\.1/servers/' + _ID % 'server_id', delete_server),
    ('POST', r'/v2\.1/servers/' + _ID % 'server_id' + '/action',
     server_action),
    ('GET', r'/v2\.1/servers/' + _ID % 'server_id' + '/metadata',
     show_server_metadata),
    ('POST', r'/v2\.1/servers/' + _ID % 'server_id' + '/metadata',
     _update_metadata(False)),
    ('PUT', r'/v2\.1/servers/' + _ID % 'server_id' + '/metadata',
     _update_metadata(True)),
    ('GET', r'/v2\.1/os-services', list_services),
    ('PUT', r'/v2\.1/os-services/' + _ID % 'service_id', update_service),
    ('GET', r'/v2\.1/os-hypervisors', list_hypervisors),
    ('GET', r'/v2\.1/os-hypervisors/detail', list_hypervisors_detail),
    ('GET', r'/v2\.1/os-hypervisors/' + _ID % 'pattern' + '/search',
     search_hypervisors),
    ('GET', r'/v2\.1/os-hypervisors/' + _ID % 'pattern' + '/servers',
     hypervisor_servers),
    ('GET', r'/v2\.1/os-hypervisors/' + _ID % 'hypervisor_id',
     show_hypervisor),
    ('GET', r'/v2\.1/os-server-groups', list_server_groups),
    ('GET', r'/v2\.1/os-server-groups/' + _ID % 'group_id',
     show_server_group),
    ('GET', r'/v2\.1/os-aggregates', list_aggregates),
    ('POST', r'/v2\.1/os-aggregates', create_aggregate),
    ('GET', r'/v2\.1/os-aggregates/' + _ID % 'aggregate_id', show_aggregate),
    ('PUT', r'/v2\.1/os-aggregates/' + _ID % 'aggregate_id',
     update_aggregate),
    ('DELETE', r'/v2\.1/os-aggregates/' + _ID % 'aggregate_id',
     delete_aggregate),
    ('POST', r'/v2\.1/os-aggregates/' + _ID % 'aggregate_id' + '/action',
     aggregate_action),
    ('GET', r'/v2\.1/os-availability-zone', list_azs),
    ('GET', r'/v2\.1/os-availability-zone/detail', list_azs_detail),
    ('GET', r'/v2\.1/flavors', list_flavors),
    ('POST', r'/v2\.1/flavors', create_flavor),
    ('GET', r'/v2\.1/flavors/detail', list_flavors_detail),
    ('GET', r'/v2\.1/flavors/' + _ID % 'flavor_id', show_flavor),
    ('DELETE', r'/v2\.1/flavors/' + _ID % 'flavor_id', delete_flavor),
    ('POST', r'/v2\.1/flavors/' + _ID % 'flavor_id' + '/action',
     flavor_action),
    ('GET', r'/v2\.1/flavors/' + _ID % 'flavor_id' + '/os-flavor-access',
     list_flavor_access),
    ('GET', r'/v2\.1/flavors/' + _ID % 'flavor_id' + '/os-extra_specs',
     list_extra_specs),
    ('POST', r'/v2\.1/flavors/' + _ID % 'flavor_id' + '/os-extra_specs',
     set_extra_specs),
    ('GET', r'/v2\.1/flavors/' + _ID % 'flavor_id' + '/os-extra_specs/' +
     _ID % 'key', show_extra_spec),
    ('PUT', r'/v2\.1/flavors/' + _ID % 'flavor_id' + '/os-extra_specs/' +
     _ID % 'key', update_extra_spec),
    ('DELETE', r'/v2\.1/flavors/' + _ID % 'flavor_id' + '/os-extra_specs/' +
     _ID % 'key', delete_extra_spec),
    ('GET', r'/v2\.1/os-migrations', list_migrations),
)

UNVERSIONED = (versions, version)
