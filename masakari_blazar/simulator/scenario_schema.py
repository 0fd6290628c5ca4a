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

"""What a scenario may say, checked before anything is built from it.

A scenario that a real cloud could never be in (a host with ``vcpus:
abc``, a server on a host it does not fit, a lease naming an unknown host)
would otherwise fail half-way through building, deep in the simulated
services, with an error that names neither the file nor the entry.  The
shape is checked with a JSON Schema (``jsonschema``), and what a schema
cannot say (references between sections) right after; capacity is checked
once the servers hold their allocations (:func:`overcommitted`).  Each
problem is one line naming the file, the place in it and what is wrong.
"""

import jsonschema

from masakari_blazar.simulator import config
from masakari_blazar.simulator import durations
from masakari_blazar.simulator.nova import scheduler
from masakari_blazar.simulator.placement import store

_NAME = {'type': 'string', 'minLength': 1}
_COUNT = {'type': 'integer', 'minimum': 0}
_POSITIVE = {'type': 'integer', 'minimum': 1}
_RATIO = {'type': 'number', 'exclusiveMinimum': 0}
_OFFSET = {'anyOf': [{'const': 'now'},
                     {'type': 'string', 'pattern': r'^\+?[0-9.]+[smhd]?$'},
                     {'type': 'number'}]}


def _setting(default):
    """A setting's schema from its default: every number is a quantity."""
    if isinstance(default, bool):
        return {'type': 'boolean'}
    if isinstance(default, (int, float)):
        return {'type': 'number', 'minimum': 0}
    return {'type': 'string'}


_CONFIG = {
    'type': 'object',
    'additionalProperties': False,
    'properties': dict(
        {key: _setting(value) for key, value in config.DEFAULTS.items()},
        # A fixed time, or a seeded distribution (see durations.check).
        **{name: {'anyOf': [{'type': 'number', 'minimum': 0},
                            {'type': 'object'}]}
           for name in durations.SETTINGS}),
}

SCHEMA = {
    'type': 'object',
    'additionalProperties': False,
    'properties': {
        'config': _CONFIG,
        'projects': {'type': 'object',
                     'additionalProperties': {
                         'anyOf': [{'type': 'null'}, _NAME]}},
        'users': {'type': 'object', 'additionalProperties': _NAME},
        'flavors': {'type': 'array', 'items': {
            'type': 'object',
            'additionalProperties': False,
            'required': ['name', 'vcpus', 'ram', 'disk'],
            'properties': {
                'name': _NAME, 'id': {'type': ['string', 'integer']},
                'vcpus': _POSITIVE, 'ram': _POSITIVE, 'disk': _COUNT,
                'ephemeral': _COUNT, 'swap': _COUNT,
                'is_public': {'type': 'boolean'},
                'extra_specs': {'type': 'object',
                                'additionalProperties': {
                                    'type': 'string'}}}}},
        'hosts': {'type': 'array', 'items': {
            'type': 'object',
            'additionalProperties': False,
            'required': ['name'],
            'properties': {
                'name': _NAME, 'vcpus': _POSITIVE, 'memory_mb': _POSITIVE,
                'disk_gb': _POSITIVE, 'cpu_allocation_ratio': _RATIO,
                'ram_allocation_ratio': _RATIO,
                'disk_allocation_ratio': _RATIO,
                'reserved_host_memory_mb': _COUNT,
                'az': _NAME, 'blazar': {'type': 'boolean'},
                'cpu_dedicated_set': {'type': 'string',
                                      'pattern': r'^[0-9,^\- ]*$'},
                'traits': {'type': 'array', 'items': {
                    'type': 'string', 'pattern': '^[A-Z0-9_]+$'}},
                'capabilities': {'type': 'object'},
                'disabled': {'type': 'boolean'},
                'disabled_reason': {'type': 'string'}}}},
        'aggregates': {'type': 'array', 'items': {
            'type': 'object',
            'additionalProperties': False,
            'required': ['name'],
            'properties': {
                'name': _NAME, 'az': _NAME,
                'metadata': {'type': 'object',
                             'additionalProperties': {'type': 'string'}},
                'hosts': {'type': 'array', 'items': _NAME}}}},
        'leases': {'type': 'array', 'items': {
            'type': 'object',
            'additionalProperties': False,
            'required': ['name'],
            'properties': {
                'name': _NAME, 'project': _NAME,
                'type': {'enum': ['host', 'instance']},
                'hosts': {'type': 'array', 'items': _NAME, 'minItems': 1},
                'pin': {'type': 'boolean'},
                'min': _POSITIVE, 'max': _POSITIVE,
                'hypervisor_properties': {'type': 'string'},
                'resource_properties': {'type': 'string'},
                'amount': _POSITIVE, 'vcpus': _POSITIVE,
                'memory_mb': _POSITIVE, 'disk_gb': _COUNT,
                'affinity': {'type': ['boolean', 'null']},
                'start': _OFFSET, 'end': _OFFSET}}},
        'server_groups': {'type': 'array', 'items': {
            'type': 'object',
            'additionalProperties': False,
            'required': ['name', 'policy'],
            'properties': {
                'name': _NAME, 'project': _NAME,
                'policy': {'enum': ['affinity', 'anti-affinity',
                                    'soft-affinity', 'soft-anti-affinity']},
                'max_server_per_host': _POSITIVE}}},
        'servers': {'type': 'array', 'items': {
            'type': 'object',
            'additionalProperties': False,
            'required': ['name', 'host'],
            'properties': {
                'name': _NAME, 'host': _NAME, 'flavor': _NAME,
                'project': _NAME, 'server_group': _NAME,
                'metadata': {'type': 'object',
                             'additionalProperties': {'type': 'string'}},
                'reservation': _NAME,
                'vm_state': {'enum': ['active', 'stopped', 'error']},
                'locked': {'type': 'boolean'},
                'availability_zone': _NAME}}},
    },
}

_VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


class ScenarioError(ValueError):
    """A scenario that cannot be built; its text is one line."""


def _where(path):
    """``hosts[2].vcpus`` for jsonschema's deque of keys and indexes."""
    text = ''
    for part in path:
        text += '[%d]' % part if isinstance(part, int) else (
            '.%s' % part if text else str(part))
    return text or 'the top level'


def check(spec, source):
    """Raise :class:`ScenarioError` for the first problem of ``spec``.

    :param source: what to call the scenario in the message (its file).
    """
    if not isinstance(spec, dict):
        raise ScenarioError('scenario %s: the top level must be a mapping '
                            'of sections, not %s' % (
                                source, type(spec).__name__))
    error = jsonschema.exceptions.best_match(_VALIDATOR.iter_errors(spec))
    if error is not None:
        raise ScenarioError('scenario %s: %s: %s' % (
            source, _where(error.absolute_path),
            ' '.join(error.message.split())[:300]))
    for where, problem in _references(spec):
        raise ScenarioError('scenario %s: %s: %s' % (
            source, where, problem))


def _references(spec):
    """``(where, problem)`` for what the sections say of each other."""
    hosts = {h['name']: h for h in spec.get('hosts') or []}
    flavors = {}
    for flavor in spec.get('flavors') or []:
        flavors[flavor['name']] = flavor
        if 'id' in flavor:
            flavors[str(flavor['id'])] = flavor
    projects = set(spec.get('projects') or {}) | {'admin', 'service'}
    leases = {lease['name']: lease for lease in spec.get('leases') or []}
    for index, aggregate in enumerate(spec.get('aggregates') or []):
        for host in aggregate.get('hosts') or []:
            if host not in hosts:
                yield ('aggregates[%d].hosts' % index,
                       'unknown host %r' % host)
    for index, lease in enumerate(spec.get('leases') or []):
        if lease.get('project', 'admin') not in projects:
            yield ('leases[%d].project' % index,
                   'unknown project %r' % lease['project'])
        for host in lease.get('hosts') or []:
            if host not in hosts:
                yield 'leases[%d].hosts' % index, 'unknown host %r' % host
            elif not hosts[host].get('blazar'):
                yield ('leases[%d].hosts' % index,
                       'host %r is not registered in Blazar (set blazar: '
                       'true on it)' % host)
    groups = {g['name'] for g in spec.get('server_groups') or []}
    for index, server in enumerate(spec.get('servers') or []):
        where = 'servers[%d]' % index
        group = server.get('server_group')
        if group is not None and group not in groups:
            yield where + '.server_group', 'unknown server group %r' % group
        if server['host'] not in hosts:
            yield where + '.host', 'unknown host %r' % server['host']
            continue
        if server.get('project', 'admin') not in projects:
            yield (where + '.project',
                   'unknown project %r' % server['project'])
        reservation = server.get('reservation')
        if reservation is not None and reservation not in leases:
            yield where + '.reservation', 'unknown lease %r' % reservation
        lease = leases.get(reservation) or {}
        if lease.get('type') != 'instance' and \
                server.get('flavor') not in flavors:
            yield (where + '.flavor', 'unknown flavor %r' %
                   server.get('flavor') if 'flavor' in server else
                   'no flavor, and no instance reservation to take it from')


def overcommitted(state):
    """``(where, problem)`` for a host whose servers exceed its capacity.

    Placement never lets allocations exceed ``(total - reserved) *
    allocation_ratio``, even for a server forced onto a host, so a cloud in
    that state cannot exist; its spares' capacity would make no sense.
    """
    usages = state.placement.all_usages()
    for name, host in sorted(state.hosts.items()):
        provider = state.placement.provider(host.node_uuid)
        used = usages.get(host.node_uuid, {})
        for rc, record in sorted(provider.inventories.items()):
            limit = store.capacity(record)
            if used.get(rc, 0) > limit:
                yield ('hosts[%s]' % name,
                       'its servers need %d %s, more than the %d it has' % (
                           used[rc], rc, limit))
    for server in sorted(state.servers.values(), key=lambda s: s.name):
        host = state.hosts.get(server.host)
        if host is None:
            continue
        tree = state.placement.providers_in_tree(host.node_uuid)
        for rc in sorted(scheduler.flavor_resources(server.flavor)):
            if not any(rc in p.inventories for p in tree):
                yield ('servers[%s]' % server.name,
                       'its flavor needs %s, which host %s has no inventory '
                       'of (cpu_dedicated_set for PCPU)' % (rc, host.name))
