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

"""A simulator scenario, built on the real services through their APIs.

The simulated cloud builds a scenario by writing its own state; here the
same scenario dict is built the way an operator and users would on a real
cloud: computes join (the harness's control port), ``freepool`` is created
in Nova, hosts are registered through Blazar's API, leases are created
through python-blazarclient by their own projects and waited for until
ACTIVE, and servers are booted through Nova's scheduler (with the
BlazarFilter) onto the named host, with the reservation hint of their
lease.  Only what the real services accept can be built, so a scenario
whose lease names hosts must pin them (``pin: true``): real Blazar picks
hosts itself.
"""

import datetime
import json
import urllib.request

from masakari_blazar.simulator import scenario as scenario_mod
from tests.real import api as api_mod
from tools.real_services import harness

# The image of Nova's GlanceFixture.
IMAGE = '155d900f-4e14-4e4c-a73d-069cbf4541e6'
PIN = '["=", "$hypervisor_hostname", "%s"]'
LEASE_TIMEOUT = 60
BOOT_TIMEOUT = 60


class RealCloud(object):
    """The real services of the harness, holding one scenario."""

    def __init__(self, description):
        self.description = description
        self.credentials = dict(description['credentials'])
        self.api = api_mod.Api(self.credentials)
        self.hosts = []
        self.projects = []
        self.leases = {}
        self.server_groups = {}

    # What no API does ----------------------------------------------
    def _control(self, path, body):
        request = urllib.request.Request(
            self.description['nova_control'] + path,
            data=json.dumps(body).encode(), method='POST',
            headers={'Content-Type': 'application/json'})
        with urllib.request.urlopen(request, timeout=120) as response:
            return json.loads(response.read())

    def power_off(self, host):
        """The host dies: its nova-compute stops, its servers stay."""
        self._control('/computes/%s/stop' % host, {})

    def fail_next_evacuation(self, name):
        """The next evacuation of server ``name`` fails on its target."""
        self._control('/servers/%s/fail-next-spawn' % name, {})

    # Building ----------------------------------------------------------
    def build(self, spec):
        unknown = set(spec.get('projects') or {}) - set(
            harness.PROJECTS)
        if unknown:
            raise ValueError('The harness Keystone has no project %s'
                             % sorted(unknown))
        self.projects = sorted(scenario_mod.projects(spec))
        nova = self.api.nova()
        # Quotas are no part of a scenario (the simulated cloud has none);
        # Nova's defaults (20 cores per project) would refuse the bigger
        # ones, so every project gets no limit, as an operator would set.
        for name in self.projects:
            nova.quotas.update(self.api.session(name).get_project_id(),
                               cores=-1, ram=-1, instances=-1)
        nova.aggregates.create('freepool', None)
        self._flavors(nova, spec.get('flavors') or [])
        for host in spec.get('hosts') or []:
            self._add_host(nova, host)
        for aggregate in spec.get('aggregates') or []:
            self._aggregate(nova, aggregate)
        blazar = self.api.blazar()
        for host in spec.get('hosts') or []:
            if host.get('blazar'):
                values = dict(host.get('capabilities') or {})
                blazar.host.create(name=host['name'], **values)
        for lease in spec.get('leases') or []:
            self.leases[lease['name']] = self._lease(lease)
        for group in spec.get('server_groups') or []:
            rules = ({'max_server_per_host': group['max_server_per_host']}
                     if 'max_server_per_host' in group else None)
            self.server_groups[group['name']] = self.api.nova(
                group.get('project', 'admin')).server_groups.create(
                    group['name'], group['policy'], rules=rules).id
        reserved = {host for lease in spec.get('leases') or []
                    if lease.get('type', 'host') == 'host'
                    for host in lease.get('hosts') or ()}
        for server in spec.get('servers') or []:
            self._boot(server, reserved)
        return self

    def _flavors(self, nova, flavors):
        existing = {f.id: f for f in nova.flavors.list(is_public=None)}
        for spec in flavors:
            flavor_id = str(spec.get('id') or spec['name'])
            found = existing.get(flavor_id)
            wanted = (spec['vcpus'], spec['ram'], spec['disk'])
            extra_specs = spec.get('extra_specs') or {}
            if found is None:
                flavor = nova.flavors.create(
                    spec['name'], spec['ram'], spec['vcpus'], spec['disk'],
                    flavorid=flavor_id, ephemeral=spec.get('ephemeral', 0),
                    swap=spec.get('swap', 0) or 0,
                    is_public=spec.get('is_public', True))
                if extra_specs:
                    flavor.set_keys(extra_specs)
            elif (found.name, (found.vcpus, found.ram, found.disk),
                  found.get_keys()) != (spec['name'], wanted, extra_specs):
                raise ValueError('Flavor %s differs from Nova\'s %s'
                                 % (spec, found.to_dict()))

    def _add_host(self, nova, host):
        self._control('/computes', {
            'host': host['name'], 'vcpus': host.get('vcpus', 16),
            'memory_mb': host.get('memory_mb', 65536),
            'disk_gb': host.get('disk_gb', 500)})
        self.hosts.append(host['name'])
        if host.get('traits'):
            self._add_traits(host['name'], host['traits'])
        az = host.get('az')
        if az and az != 'nova':
            found = [a for a in nova.aggregates.list() if a.name == az]
            aggregate = found[0] if found else nova.aggregates.create(az, az)
            nova.aggregates.add_host(aggregate.id, host['name'])
        if host.get('disabled'):
            nova.services.disable_log_reason(
                self._service(nova, host['name']).id,
                host.get('disabled_reason') or 'disabled')

    def _add_traits(self, host, traits):
        """Give the compute node's provider the scenario's traits too.

        As an operator does: custom traits are created first, and
        nova-compute keeps the traits it does not manage itself.
        """
        placement = self.api.placement()
        for trait in traits:
            if trait.startswith('CUSTOM_'):
                placement.put('/traits/%s' % trait)
        provider = placement.get('/resource_providers?name=%s' % host).json()[
            'resource_providers'][0]
        path = '/resource_providers/%s/traits' % provider['uuid']
        current = placement.get(path).json()
        placement.put(path, json={
            'resource_provider_generation':
                current['resource_provider_generation'],
            'traits': sorted(set(current['traits']) | set(traits))})

    @staticmethod
    def _service(nova, host):
        return nova.services.list(host=host, binary='nova-compute')[0]

    @staticmethod
    def _aggregate(nova, spec):
        aggregate = nova.aggregates.create(spec['name'], spec.get('az'))
        if spec.get('metadata'):
            nova.aggregates.set_metadata(aggregate.id, spec['metadata'])
        for host in spec.get('hosts') or []:
            nova.aggregates.add_host(aggregate.id, host)

    def _lease(self, spec):
        hosts = spec.get('hosts') or []
        reservation = self._reservation(spec, hosts)
        now = datetime.datetime.utcnow()
        blazar = self.api.blazar(spec.get('project', 'admin'))
        lease = blazar.lease.create(
            spec['name'], scenario_mod.offset(spec.get('start', 'now'), now),
            scenario_mod.offset(spec.get('end', '+365d'), now),
            [reservation], [])
        lease = api_mod.wait_for(
            lambda: self._active(blazar, lease['id']), LEASE_TIMEOUT,
            'lease %s to start' % spec['name'])
        picked = self._allocated(lease['reservations'][0]['id'])
        if hosts and picked != sorted(set(hosts)):
            raise AssertionError('Real Blazar gave lease %s the hosts %s, '
                                 'not %s' % (spec['name'], picked, hosts))
        return lease

    @staticmethod
    def _reservation(spec, hosts):
        """The reservation to ask for; real Blazar picks its hosts itself.

        A scenario lease that names its hosts must therefore select them:
        pin one host (host reservations), give properties, or leave Blazar
        no other choice (instance reservations).
        """
        if spec.get('type', 'host') != 'host':
            return {'resource_type': 'virtual:instance',
                    'amount': spec.get('amount', len(hosts) or 1),
                    'vcpus': spec.get('vcpus', 1),
                    'memory_mb': spec.get('memory_mb', 1024),
                    'disk_gb': spec.get('disk_gb', 10),
                    'affinity': spec.get('affinity'),
                    'resource_properties': spec.get('resource_properties',
                                                    '')}
        pinned = spec.get('pin') and len(hosts) == 1
        selects = spec.get('hypervisor_properties') or spec.get(
            'resource_properties')
        if hosts and not (pinned or selects):
            raise ValueError('Lease %s names its hosts; real Blazar picks '
                             'hosts itself, so pin one host (pin: true) or '
                             'select them by properties' % spec['name'])
        return {'resource_type': 'physical:host',
                'min': spec.get('min', len(hosts) or 1),
                'max': spec.get('max', len(hosts) or 1),
                'hypervisor_properties': spec.get(
                    'hypervisor_properties', PIN % hosts[0] if pinned else ''),
                'resource_properties': spec.get('resource_properties', '')}

    def _allocated(self, reservation_id):
        blazar = self.api.blazar()
        names = {str(h['id']): h['hypervisor_hostname']
                 for h in blazar.host.list()}
        return sorted(set(
            names[str(a['resource_id'])]
            for a in blazar.allocation.list('os-hosts')
            if any(r['id'] == reservation_id
                   for r in a.get('reservations') or [])))

    @staticmethod
    def _active(blazar, lease_id):
        lease = blazar.lease.get(lease_id)
        if lease['status'] == 'ERROR':
            raise AssertionError('Lease %s failed to start: %s'
                                 % (lease['name'], lease))
        return lease if lease['status'] == 'ACTIVE' else None

    def _boot(self, spec, reserved_hosts):
        hints = {}
        nova = self.api.nova(spec.get('project', 'admin'))
        flavor_ref = spec.get('flavor')
        if spec.get('reservation'):
            reservation = self.leases[spec['reservation']]['reservations'][0]
            if reservation['resource_type'] == 'physical:host':
                hints['reservation'] = reservation['id']
            else:
                # Blazar's flavor for the reservation has its id.
                flavor_ref = reservation['id']
        if spec.get('server_group'):
            hints['group'] = self.server_groups[spec['server_group']]
        named = [f for f in nova.flavors.list() if f.name == flavor_ref]
        flavor = named[0] if named else nova.flavors.get(flavor_ref)
        host, zone = spec['host'], spec.get('availability_zone')
        if host in reserved_hosts and 'reservation' not in hints:
            # Only an admin's forced placement ("zone:host", which skips the
            # scheduler's filters) puts an unreserved instance on a host of
            # a host reservation: the BlazarFilter refuses it there.  The
            # evacuation forgets the forced host (the conductor resets it).
            host, zone = None, '%s:%s' % (zone or '', host)
        server = nova.servers.create(
            spec['name'], IMAGE, flavor.id, nics='none', host=host,
            meta=spec.get('metadata'), scheduler_hints=hints,
            availability_zone=zone)
        server = api_mod.wait_for(
            lambda: self._settled(nova, server.id), BOOT_TIMEOUT,
            'server %s to boot' % spec['name'])
        state = spec.get('vm_state', 'active')
        if state == 'stopped':
            nova.servers.stop(server.id)
        elif state == 'error':
            nova.servers.reset_state(server.id, 'error')
        if spec.get('locked'):
            nova.servers.lock(server.id)

    @staticmethod
    def _settled(nova, server_id):
        server = nova.servers.get(server_id)
        if server.status == 'ERROR':
            raise AssertionError('Server %s did not boot: %s' % (
                server.name, getattr(server, 'fault', None)))
        return server if server.status == 'ACTIVE' else None
