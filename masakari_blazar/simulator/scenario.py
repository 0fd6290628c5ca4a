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

"""Scenario files: the starting state of a simulated cloud.

A scenario is YAML (or JSON, or a dict) with these sections, all optional::

    config:      simulator settings (see config.DEFAULTS)
    projects:    {name: id or null}        null: a stable uuid from the name
    users:       {name: password}          default {admin: secret}
    flavors:     [{name, id, vcpus, ram, disk, ephemeral, swap,
                   is_public, extra_specs}]
    hosts:       [{name, vcpus, memory_mb, disk_gb,
                   cpu_allocation_ratio, ram_allocation_ratio,
                   disk_allocation_ratio, reserved_host_memory_mb,
                   cpu_dedicated_set,  "4-7": that many PCPU in Placement
                   traits,        the root provider's traits besides
                                  COMPUTE_NODE (default [HW_CPU_X86_AVX2])
                   az,            an AZ aggregate of that name, unless 'nova'
                   blazar,        true: registered in Blazar (into freepool)
                   capabilities,  Blazar extra capabilities {key: value}
                   disabled, disabled_reason}]
    aggregates:  [{name, az, metadata, hosts}]
    leases:      [{name, project, type: host|instance,
                   hosts: [...]   exactly these hosts, as if Blazar had
                                  picked them
                   pin: true      also pin the (single) host through
                                  hypervisor_properties, as the plugin's
                                  own spare leases do; healing can then
                                  find no replacement
                   min, max, hypervisor_properties, resource_properties,
                   amount, vcpus, memory_mb, disk_gb, affinity,
                   start: now | +<n>[smhd], end: +<n>[smhd]}]
    server_groups: [{name, policy, max_server_per_host, project}]
    servers:     [{name, host, flavor, project, metadata, server_group,
                   reservation: <lease name>  the boot-time hint of that
                                              host lease, or the flavor of
                                              that instance lease
                   vm_state: active|stopped|error, locked,
                   availability_zone}]

Leases are created through the simulated Blazar and their due events run
before servers are placed, so a scenario starts in the state Blazar itself
would have produced.  Ids are stable: projects, hosts, flavors and servers
get uuid5s of their names, and everything Blazar creates gets sequence
based uuids.
"""

import datetime
import json
import os

import yaml

from masakari_blazar.simulator.blazar import records
from masakari_blazar.simulator import ids
from masakari_blazar.simulator import scenario_schema

ScenarioError = scenario_schema.ScenarioError

SCENARIO_DIR = os.path.join(os.path.dirname(__file__), 'scenarios')
DEFAULT_USERS = {'admin': 'secret'}


def available():
    """Names of the shipped scenarios."""
    return sorted(os.path.splitext(name)[0]
                  for name in os.listdir(SCENARIO_DIR)
                  if name.endswith(('.yaml', '.yml', '.json')))


def describe(source):
    """The scenario's file, as messages name it."""
    if isinstance(source, dict):
        return '(given as a dict)'
    if os.path.exists(source):
        return source
    for ext in ('.yaml', '.yml', '.json'):
        candidate = os.path.join(SCENARIO_DIR, source + ext)
        if os.path.exists(candidate):
            return candidate
    raise ScenarioError('Unknown scenario %r: neither a file nor a shipped '
                        'scenario (%s)' % (source, ', '.join(available())))


def load(source):
    """A checked scenario dict from a shipped name, a file path or a dict.

    :raises ScenarioError: one line naming the file, the place in it and
        the problem.
    """
    path = describe(source)
    if isinstance(source, dict):
        scenario_schema.check(source, path)
        return source
    try:
        with open(path) as stream:
            if path.endswith('.json'):
                spec = json.load(stream)
            else:
                spec = yaml.safe_load(stream) or {}
    except OSError as exc:
        raise ScenarioError('scenario %s: cannot be read: %s' % (
            path, exc.strerror or exc))
    except (ValueError, yaml.YAMLError) as exc:
        raise ScenarioError('scenario %s: not valid %s: %s' % (
            path, 'JSON' if path.endswith('.json') else 'YAML',
            ' '.join(str(exc).split())[:300]))
    scenario_schema.check(spec, path)
    return spec


def projects(spec):
    found = {'admin': None, 'service': None}
    found.update(spec.get('projects') or {})
    return {name: project_id or ids.stable_uuid('project', name)
            for name, project_id in found.items()}


def users(spec):
    return dict(spec.get('users') or DEFAULT_USERS)


def offset(value, now):
    """'now' or '+<n>[smhd]' into Blazar's date format (or 'now')."""
    if value in (None, 'now'):
        return 'now'
    text = str(value).strip().lstrip('+')
    units = {'s': 'seconds', 'm': 'minutes', 'h': 'hours', 'd': 'days'}
    unit = units.get(text[-1])
    amount = float(text[:-1]) if unit else float(text)
    delta = datetime.timedelta(**{unit or 'seconds': amount})
    return (now + delta).strftime(records.DATE_FORMAT)


def build(cloud, spec, source='(given as a dict)'):
    """Populate ``cloud`` (its state, Blazar and projects) from ``spec``.

    :param source: the scenario's file, for messages (:func:`describe`).
    """
    state = cloud.state
    for flavor in spec.get('flavors') or []:
        state.add_flavor(str(flavor.get('id') or
                             ids.stable_uuid('flavor', flavor['name'])),
                         flavor['name'], flavor['vcpus'], flavor['ram'],
                         flavor['disk'], flavor.get('ephemeral', 0),
                         flavor.get('swap', 0), flavor.get('is_public', True),
                         flavor.get('extra_specs'))
    _build_hosts(cloud, spec.get('hosts') or [])
    for aggregate in spec.get('aggregates') or []:
        created = state.create_aggregate(aggregate['name'],
                                         aggregate.get('az'))
        if aggregate.get('metadata'):
            state.set_aggregate_metadata(created.id, aggregate['metadata'])
        for host in aggregate.get('hosts') or []:
            state.add_aggregate_host(created.id, host)
    for host in spec.get('hosts') or []:
        if host.get('blazar'):
            values = {'name': host['name']}
            values.update(host.get('capabilities') or {})
            cloud.blazar.create_host(values)
    leases = _build_leases(cloud, spec.get('leases') or [])
    cloud.blazar.process_events()
    for name, lease in leases.items():
        if lease.start_date <= cloud.clock.now() and \
                lease.status != 'ACTIVE':
            raise ScenarioError('scenario %s: leases[%s]: did not start: %s'
                                % (source, name, lease.status))
    for group in spec.get('server_groups') or []:
        project = group.get('project', 'admin')
        rules = ({'max_server_per_host': group['max_server_per_host']}
                 if 'max_server_per_host' in group else {})
        state.add_server_group(
            ids.stable_uuid('server_group', group['name']), group['name'],
            group['policy'], cloud.projects[project],
            cloud.user_id(project), rules)
    _build_servers(cloud, spec.get('servers') or [], leases)
    for where, problem in scenario_schema.overcommitted(state):
        raise ScenarioError('scenario %s: %s: %s' % (source, where,
                                                     problem))


def _build_hosts(cloud, hosts):
    state = cloud.state
    state.create_aggregate(cloud.config['freepool_name'])
    for host in hosts:
        options = {key: host[key] for key in (
            'cpu_allocation_ratio', 'ram_allocation_ratio',
            'disk_allocation_ratio', 'reserved_host_memory_mb',
            'cpu_dedicated_set') if key in host}
        if 'traits' in host:
            options['traits'] = tuple(host['traits'])
        state.add_compute_host(host['name'], host.get('vcpus', 16),
                               host.get('memory_mb', 65536),
                               host.get('disk_gb', 500), **options)
        az = host.get('az')
        if az and az != cloud.config['default_availability_zone']:
            aggregate = state.aggregate_by_name(az) or \
                state.create_aggregate(az, az)
            state.add_aggregate_host(aggregate.id, host['name'])
        if host.get('disabled'):
            state.update_service(state.hosts[host['name']].service,
                                 'disabled', host.get('disabled_reason'))


def _blazar_ids(cloud, names):
    found = []
    for name in names:
        host = cloud.blazar.host_by_name(name)
        if host is None:
            raise ScenarioError('scenario: lease host %s is not registered '
                                'in Blazar (set blazar: true on it)' % name)
        found.append(host.id)
    return found


def _build_leases(cloud, specs):
    now = cloud.clock.now()
    leases = {}
    for spec in specs:
        project = spec.get('project', 'admin')
        hosts = spec.get('hosts')
        if spec.get('type', 'host') == 'host':
            count = len(hosts) if hosts else None
            pin = records.host_pin(hosts[0]) \
                if spec.get('pin') and hosts and len(hosts) == 1 else ''
            reservation = {
                'resource_type': records.HOST_TYPE,
                'min': spec.get('min', count or 1),
                'max': spec.get('max', count or 1),
                'hypervisor_properties': spec.get('hypervisor_properties',
                                                  pin),
                'resource_properties': spec.get('resource_properties', '')}
        else:
            reservation = {
                'resource_type': records.INSTANCE_TYPE,
                'amount': spec.get('amount', len(hosts) if hosts else 1),
                'vcpus': spec.get('vcpus', 1),
                'memory_mb': spec.get('memory_mb', 1024),
                'disk_gb': spec.get('disk_gb', 10),
                'affinity': spec.get('affinity'),
                'resource_properties': spec.get('resource_properties', '')}
        values = {'name': spec['name'],
                  'start_date': offset(spec.get('start', 'now'), now),
                  'end_date': offset(spec.get('end', '+365d'), now),
                  'reservations': [reservation]}
        pinned = {0: _blazar_ids(cloud, hosts)} if hosts else None
        leases[spec['name']] = cloud.blazar.create_lease(
            values, cloud.projects[project], cloud.user_id(project), pinned)
    return leases


def _build_servers(cloud, specs, leases):
    for spec in specs:
        project = spec.get('project', 'admin')
        flavor = spec.get('flavor')
        hints = {}
        if spec.get('reservation'):
            reservation = leases[spec['reservation']].reservations[0]
            if reservation.resource_type == records.HOST_TYPE:
                hints['reservation'] = reservation.id
            else:
                flavor = reservation.flavor_id
        if spec.get('server_group'):
            hints['group'] = ids.stable_uuid('server_group',
                                             spec['server_group'])
        flavor_id = _flavor_id(cloud, flavor)
        cloud.state.add_server(
            ids.stable_uuid('server', spec['name']), spec['name'],
            spec['host'], flavor_id, cloud.projects[project],
            cloud.user_id(project), vm_state=spec.get('vm_state', 'active'),
            locked=spec.get('locked', False), metadata=spec.get('metadata'),
            scheduler_hints=hints,
            requested_az=spec.get('availability_zone'))


def _flavor_id(cloud, flavor):
    if flavor in cloud.state.flavors:
        return flavor
    for candidate in cloud.state.flavors.values():
        if candidate.name == flavor:
            return candidate.id
    raise ScenarioError('scenario: unknown flavor %r' % flavor)
