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

"""The Placement API under ``/placement``.

Resource providers (with nested children, as Blazar's ``blazar_<host>``
providers), inventories guarded by provider generations, usages computed
from the allocations the simulated Nova makes, traits and custom resource
classes: what Blazar's placement client and an operator's checks call.
"""

import re

from masakari_blazar.simulator import http_errors
from masakari_blazar.simulator.placement import store
from masakari_blazar.simulator import web

MIN_VERSION = (1, 0)
MAX_VERSION = (1, 39)
TITLES = {400: 'Bad Request', 404: 'Not Found', 405: 'Method Not Allowed',
          406: 'Not Acceptable', 409: 'Conflict', 500: 'Internal Server Error',
          503: 'Service Unavailable'}


def negotiate(req):
    header = req.header('OpenStack-API-Version') or ''
    match = re.search(r'placement\s+([^\s,]+)', header)
    if not match:
        return MIN_VERSION
    text = match.group(1)
    if text == 'latest':
        return MAX_VERSION
    try:
        version = tuple(int(x) for x in text.split('.'))
    except ValueError:
        version = None
    if version is None or len(version) != 2:
        raise http_errors.PlacementError(
            400, 'invalid version string: %s' % text,
            'placement.undefined_code')
    if not MIN_VERSION <= version <= MAX_VERSION:
        raise http_errors.PlacementError(
            406, 'Unacceptable version header: %s' % text,
            'placement.undefined_code')
    return version


def version_headers(version):
    return {'OpenStack-API-Version': 'placement %d.%d' % version,
            'Vary': 'openstack-api-version'}


def render_error(exc):
    code = getattr(exc, 'code', 'placement.undefined_code')
    return web.Response(exc.status, {'errors': [{
        'status': exc.status, 'title': TITLES.get(exc.status, 'Error'),
        'detail': exc.message, 'code': code, 'request_id': None}]})


def _body(req):
    body = req.json()
    if body is None:
        raise http_errors.PlacementError(400, 'Malformed JSON',
                                         'placement.undefined_code')
    return body


def _provider_view(req, provider):
    link = req.base_url + '/placement/resource_providers/' + provider.uuid
    view = {'uuid': provider.uuid, 'name': provider.name,
            'generation': provider.generation,
            'links': [{'rel': 'self', 'href': link},
                      {'rel': 'inventories', 'href': link + '/inventories'},
                      {'rel': 'usages', 'href': link + '/usages'},
                      {'rel': 'traits', 'href': link + '/traits'}]}
    if req.version >= (1, 14):
        view['parent_provider_uuid'] = provider.parent_uuid
        view['root_provider_uuid'] = provider.root_uuid
    return view


def root(req, cloud):
    return web.Response(200, {'versions': [{
        'id': 'v1.0', 'max_version': '%d.%d' % MAX_VERSION,
        'min_version': '%d.%d' % MIN_VERSION, 'status': 'CURRENT',
        'links': [{'rel': 'self', 'href': ''}]}]})


def list_providers(req, cloud):
    state = cloud.placement
    found = list(state.providers.values())
    if 'name' in req.query:
        found = [p for p in found if p.name == req.query['name']]
    if 'uuid' in req.query:
        found = [p for p in found if p.uuid == req.query['uuid']]
    if 'in_tree' in req.query:
        tree = state.providers.get(req.query['in_tree'])
        if tree is None:
            raise http_errors.PlacementError(
                400, "Invalid uuid value: %s" % req.query['in_tree'],
                'placement.undefined_code')
        found = [p for p in found if p.root_uuid == tree.root_uuid]
    return web.Response(200, {'resource_providers': [
        _provider_view(req, p) for p in found]})


def create_provider(req, cloud):
    body = _body(req)
    if not body.get('name'):
        raise http_errors.PlacementError(
            400, "JSON does not validate: 'name' is a required property",
            'placement.undefined_code')
    provider = cloud.placement.create_provider(
        body['name'], body.get('uuid'), body.get('parent_provider_uuid'))
    if req.version >= (1, 20):
        return web.Response(200, _provider_view(req, provider))
    return web.Response(201, None, {
        'Location': '/resource_providers/' + provider.uuid})


def show_provider(req, cloud, rp_uuid):
    return web.Response(200, _provider_view(req, cloud.placement.provider(
        rp_uuid)))


def delete_provider(req, cloud, rp_uuid):
    cloud.placement.delete_provider(rp_uuid)
    return web.Response(204)


def _inventories_view(provider):
    return {'inventories': {rc: dict(record) for rc, record in
                            provider.inventories.items()},
            'resource_provider_generation': provider.generation}


def get_inventories(req, cloud, rp_uuid):
    return web.Response(200, _inventories_view(cloud.placement.provider(
        rp_uuid)))


def put_inventories(req, cloud, rp_uuid):
    body = _body(req)
    provider = cloud.placement.set_inventories(
        rp_uuid, body.get('resource_provider_generation'),
        body.get('inventories') or {})
    return web.Response(200, _inventories_view(provider))


def get_inventory(req, cloud, rp_uuid, rc):
    provider = cloud.placement.provider(rp_uuid)
    if rc not in provider.inventories:
        raise http_errors.PlacementError(
            404, 'No inventory of class %s for %s' % (rc, rp_uuid),
            'placement.undefined_code')
    record = dict(provider.inventories[rc])
    record['resource_provider_generation'] = provider.generation
    return web.Response(200, record)


def put_inventory(req, cloud, rp_uuid, rc):
    body = dict(_body(req))
    generation = body.pop('resource_provider_generation', None)
    provider = cloud.placement.set_inventory(rp_uuid, rc, generation, body)
    record = dict(provider.inventories[rc])
    record['resource_provider_generation'] = provider.generation
    return web.Response(200, record)


def delete_inventory(req, cloud, rp_uuid, rc):
    cloud.placement.delete_inventory(rp_uuid, rc)
    return web.Response(204)


def get_usages(req, cloud, rp_uuid):
    """Every class the provider has inventory of, 0 where none is used.

    Placement sums allocations over an outer join from the inventories
    (placement/objects/usage.py), so an unused class reads 0, not absent.
    """
    provider = cloud.placement.provider(rp_uuid)
    used = cloud.placement.provider_usages(rp_uuid)
    return web.Response(200, {
        'usages': {rc: used.get(rc, 0) for rc in provider.inventories},
        'resource_provider_generation': provider.generation})


def get_traits(req, cloud, rp_uuid):
    provider = cloud.placement.provider(rp_uuid)
    return web.Response(200, {
        'traits': list(provider.traits),
        'resource_provider_generation': provider.generation})


def get_allocations(req, cloud, consumer):
    allocation = cloud.placement.allocations.get(consumer, {})
    return web.Response(200, {'allocations': {
        rp: {'resources': dict(amounts),
             'generation': cloud.placement.providers[rp].generation}
        for rp, amounts in allocation.items() if amounts}})


def _requested_resources(req):
    text = req.query.get('resources')
    if text is None:
        raise http_errors.PlacementError(
            400, "Invalid query string parameters: 'resources' is a "
            "required property", 'placement.undefined_code')
    resources = {}
    for item in text.split(','):
        rc, _, amount = item.partition(':')
        if not amount.isdigit() or not rc:
            raise http_errors.PlacementError(
                400, 'Badly formed resources parameter. Expected resources '
                'query string parameter in form: ?resources=VCPU:2,'
                'MEMORY_MB:1024. Got: %s.' % item, 'placement.undefined_code')
        resources[rc] = int(amount)
    return resources


def _requested_traits(req):
    """``required`` (1.17 on): names, and ``!name`` forbidden (1.22 on)."""
    text = req.query.get('required')
    if text is None or req.version < (1, 17):
        return set(), set()
    required, forbidden = set(), set()
    for name in text.split(','):
        if name.startswith('!') and req.version >= (1, 22):
            forbidden.add(name[1:])
        elif name.startswith('!') or not re.match(r'^[A-Z0-9_]+$', name):
            raise http_errors.PlacementError(
                400, "Invalid query string parameters: Expected 'required' "
                "parameter value of the form: HW_CPU_X86_VMX,CUSTOM_MAGIC. "
                "Got: %s" % text, 'placement.undefined_code')
        else:
            required.add(name)
    return required, forbidden


def allocation_candidates(req, cloud):
    """GET /allocation_candidates (1.10 on, answered in the 1.12 format).

    Every tree that can satisfy ``resources`` and the ``required``
    traits is a candidate; each
    provider summary gives ``capacity`` ((total - reserved) *
    allocation_ratio) and ``used`` of its classes: from 1.27 all of its
    classes, from 1.29 for every provider of a candidate's tree.
    """
    if req.version < (1, 10):
        raise http_errors.PlacementError(
            404, 'The resource could not be found.',
            'placement.undefined_code')
    state = cloud.placement
    resources = _requested_resources(req)
    for rc in resources:
        if rc not in state.resource_classes:
            raise http_errors.PlacementError(
                400, 'Invalid resource class in resources parameter: No such '
                'resource class %s.' % rc, 'placement.undefined_code')
    required, forbidden = _requested_traits(req)
    found, trees, usages = state.candidates(resources, required, forbidden)
    if 'limit' in req.query and req.version >= (1, 16):
        found = found[:int(req.query['limit'])]
    summaries = {}
    for root_uuid, placement in found:
        members = trees[root_uuid] if req.version >= (1, 29) else [
            state.providers[uuid] for uuid in placement]
        for provider in members:
            classes = provider.inventories if req.version >= (1, 27) \
                else [rc for rc in resources if rc in provider.inventories]
            summary = {'resources': {
                rc: {'capacity': store.capacity(
                    provider.inventories[rc]),
                     'used': usages.get(provider.uuid, {}).get(rc, 0)}
                for rc in classes}}
            if req.version >= (1, 17):
                summary['traits'] = list(provider.traits)
            if req.version >= (1, 29):
                summary['parent_provider_uuid'] = provider.parent_uuid
                summary['root_provider_uuid'] = provider.root_uuid
            summaries[provider.uuid] = summary
    return web.Response(200, {
        'allocation_requests': [
            {'allocations': {uuid: {'resources': dict(amounts)}
                             for uuid, amounts in placement.items()}}
            for _, placement in found],
        'provider_summaries': summaries})


def list_classes(req, cloud):
    return web.Response(200, {'resource_classes': [
        {'name': name, 'links': [{'rel': 'self', 'href':
                                  '/resource_classes/' + name}]}
        for name in sorted(cloud.placement.resource_classes)]})


def create_class(req, cloud):
    name = _body(req).get('name', '')
    cloud.placement.create_resource_class(name)
    return web.Response(201, None, {'Location': '/resource_classes/' + name})


def put_class(req, cloud, name):
    created = cloud.placement.create_resource_class(name, must_be_new=False)
    return web.Response(201 if created else 204, None,
                        {'Location': '/resource_classes/' + name})


def show_class(req, cloud, name):
    if name not in cloud.placement.resource_classes:
        raise http_errors.PlacementError(
            404, 'No such resource class %s.' % name,
            'placement.undefined_code')
    return web.Response(200, {'name': name, 'links': [
        {'rel': 'self', 'href': '/resource_classes/' + name}]})


def delete_class(req, cloud, name):
    cloud.placement.delete_resource_class(name)
    return web.Response(204)


_RP = r'/resource_providers/(?P<rp_uuid>[^/]+)'
ROUTES = (
    ('GET', r'', root),
    ('GET', r'/resource_providers', list_providers),
    ('POST', r'/resource_providers', create_provider),
    ('GET', _RP, show_provider),
    ('DELETE', _RP, delete_provider),
    ('GET', _RP + '/inventories', get_inventories),
    ('PUT', _RP + '/inventories', put_inventories),
    ('GET', _RP + '/inventories/(?P<rc>[^/]+)', get_inventory),
    ('PUT', _RP + '/inventories/(?P<rc>[^/]+)', put_inventory),
    ('DELETE', _RP + '/inventories/(?P<rc>[^/]+)', delete_inventory),
    ('GET', _RP + '/usages', get_usages),
    ('GET', _RP + '/traits', get_traits),
    ('GET', r'/allocations/(?P<consumer>[^/]+)', get_allocations),
    ('GET', r'/allocation_candidates', allocation_candidates),
    ('GET', r'/resource_classes', list_classes),
    ('POST', r'/resource_classes', create_class),
    ('GET', r'/resource_classes/(?P<name>[^/]+)', show_class),
    ('PUT', r'/resource_classes/(?P<name>[^/]+)', put_class),
    ('DELETE', r'/resource_classes/(?P<name>[^/]+)', delete_class),
)

UNVERSIONED = (root,)
