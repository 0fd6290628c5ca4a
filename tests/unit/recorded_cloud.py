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

"""A :class:`Clients` that answers from recorded API answers.

It stands for the HTTP answers only: Blazar's, Nova's and Placement's
client calls return the recorded bodies (novaclient's as resources with
attributes and ``to_dict``), and the writes the plugin makes are kept in
order in ``writes`` and applied to the recording, so that a later read sees
them as the service would.  Everything above the clients (inventory,
ledger, admission, the decisions) is the plugin's own code.
"""

import copy
import urllib.parse

from keystoneauth1 import exceptions as ks_exc
from novaclient import exceptions as nova_exc

from masakari_blazar.cloud import calls
from masakari_blazar.cloud import inventory
from masakari_blazar.cloud import ledger

CLAIMS = 'masakari-blazar-claims'


class Resource(object):
    """A novaclient resource: the body's fields as attributes."""

    def __init__(self, body):
        self._body = copy.deepcopy(body)
        self.__dict__.update(copy.deepcopy(body))

    def to_dict(self):
        return copy.deepcopy(self._body)


class Response(object):
    def __init__(self, body):
        self._body = body

    def json(self):
        return copy.deepcopy(self._body)


class _Manager(object):
    def __init__(self, cloud):
        self.cloud = cloud


class _Leases(_Manager):
    def list(self):
        return copy.deepcopy(self.cloud.leases)

    def delete(self, lease_id):
        self.cloud.writes.append(('delete lease', lease_id))
        self.cloud.leases = [x for x in self.cloud.leases
                             if x['id'] != lease_id]
        freed = {r['id'] for x in self.cloud.leases
                 for r in x.get('reservations', [])}
        for allocation in self.cloud.allocations:
            allocation['reservations'] = [
                r for r in allocation['reservations'] if r['id'] in freed]

    def create(self, name, **kwargs):
        self.cloud.writes.append(('create lease', name))
        return {'id': 'lease-%s' % name, 'name': name, 'status': 'PENDING'}


class _BlazarHosts(_Manager):
    def list(self):
        return copy.deepcopy(self.cloud.blazar_hosts)

    def delete(self, host_id):
        self.cloud.writes.append(('delete blazar host', host_id))
        self.cloud.blazar_hosts = [h for h in self.cloud.blazar_hosts
                                   if str(h['id']) != str(host_id)]

    def create(self, name):
        self.cloud.writes.append(('register blazar host', name))
        self.cloud.blazar_hosts.append(
            {'id': str(100 + len(self.cloud.blazar_hosts)),
             'hypervisor_hostname': name})


class _Allocations(_Manager):
    def list(self, resource):
        assert resource == 'os-hosts'
        return copy.deepcopy(self.cloud.allocations)


class _Aggregates(_Manager):
    def list(self):
        return [Resource(a) for a in self.cloud.aggregates]

    def create(self, name, zone):
        self.cloud.writes.append(('create aggregate', name))
        body = {'id': 900 + len(self.cloud.aggregates), 'name': name,
                'availability_zone': zone, 'hosts': [], 'metadata': {}}
        self.cloud.aggregates.append(body)
        return Resource(body)

    def _body(self, aggregate_id):
        for body in self.cloud.aggregates:
            if body['id'] == aggregate_id:
                return body
        raise nova_exc.NotFound(404, 'Aggregate %s could not be found.'
                                % aggregate_id)

    def get(self, aggregate_id):
        return Resource(self._body(aggregate_id))

    def add_host(self, aggregate_id, host):
        """Nova's unique (host, aggregate): 409 for a host already there."""
        body = self._body(aggregate_id)
        if host in self.cloud.anchored_meanwhile and body['name'] == CLAIMS:
            self.cloud.anchored_meanwhile.discard(host)
            body['hosts'].append(host)
        if host in body['hosts']:
            raise nova_exc.Conflict(409, 'Aggregate %s already has host %s.'
                                    % (aggregate_id, host))
        self.cloud.writes.append(('add host', body['name'], host))
        body['hosts'].append(host)

    def remove_host(self, aggregate_id, host):
        body = self._body(aggregate_id)
        if host not in body['hosts']:
            raise nova_exc.NotFound(404, 'Cannot remove host %s in '
                                    'aggregate %s' % (host, aggregate_id))
        self.cloud.writes.append(('remove host', body['name'], host))
        body['hosts'].remove(host)

    def set_metadata(self, aggregate, metadata):
        self.cloud.writes.append(('set metadata', aggregate.name,
                                  dict(metadata)))
        for body in self.cloud.aggregates:
            if body['id'] == aggregate.id:
                for key, value in metadata.items():
                    if value is None:
                        body['metadata'].pop(key, None)
                    else:
                        body['metadata'][key] = value


class _Services(_Manager):
    def list(self, binary):
        assert binary == 'nova-compute'
        return [Resource(s) for s in self.cloud.services]


class _Hypervisors(_Manager):
    def list(self):
        return [Resource(h) for h in self.cloud.hypervisors]


class _Servers(_Manager):
    def get(self, uuid):
        for body in self.cloud.servers:
            if body['id'] == uuid:
                return Resource(body)
        raise AssertionError('no recorded server %s' % uuid)


class _NovaReads(_Manager):
    """The keystoneauth adapter the servers are read through (2.100)."""

    def get(self, url):
        path, _, query = url.partition('?')
        assert path == '/servers/detail', url
        host = urllib.parse.parse_qs(query).get('host', [None])[0]
        return Response({'servers': [
            s for s in self.cloud.servers
            if host is None or s['OS-EXT-SRV-ATTR:host'] == host]})


class _ServerGroups(_Manager):
    def list(self, all_projects=False):
        return [Resource(g) for g in self.cloud.server_groups]


class _Placement(_Manager):
    def get(self, path, microversion=None):
        self.cloud.placement_reads.append(path)
        if path == inventory.CANDIDATES:
            return Response({'provider_summaries': self.cloud.summaries})
        if path.startswith('/allocation_candidates?'):
            unknown = [t for t in self.cloud.unknown_traits if t in path]
            if unknown:
                raise ks_exc.BadRequest('No such trait(s): %s.' % unknown[0],
                                        http_status=400)
            return Response({'provider_summaries': {
                uuid: summary for uuid, summary in
                self.cloud.summaries.items()
                if _offers(summary, path.split('?', 1)[1])}})
        if path.startswith('/resource_providers?name='):
            name = path.split('=', 1)[1]
            return Response({'resource_providers': [
                p for p in self.cloud.providers if p['name'] == name]})
        raise AssertionError('no recorded answer for GET %s' % path)


def _offers(summary, query):
    """Whether a recorded summary has room and traits for ``query``.

    Placement's own judgement is recorded only for the smallest request;
    for the others the summary's free amounts and traits answer.
    """
    params = dict(item.split('=', 1) for item in query.split('&'))
    traits = set(summary.get('traits') or ())
    for trait in filter(None, params.get('required', '').split(',')):
        if (trait[1:] in traits) if trait.startswith('!') else \
                (trait not in traits):
            return False
    resources = summary.get('resources', {})
    for item in params['resources'].split(','):
        rc, amount = item.split(':')
        have = resources.get(rc)
        if have is None or have['capacity'] - have['used'] < int(amount):
            return False
    return True


class RecordedClients(object):
    """Clients over one recorded cloud; see the module's docstring."""

    def __init__(self):
        self.leases = []
        self.blazar_hosts = []
        self.allocations = []
        self.aggregates = []
        self.services = []
        self.hypervisors = []
        self.servers = []
        self.server_groups = []
        self.summaries = {}
        self.providers = []
        #: Placement's GET paths, in order; traits it answers 400 for.
        self.placement_reads = []
        self.unknown_traits = set()
        self.writes = []
        # Hosts that another claimant adds to the claim aggregate just
        # before this one tries: a race that the claim lock did not stop.
        self.anchored_meanwhile = set()
        self.call = calls.Caller(0, 0, 0)
        self.blazar = type('Blazar', (), {})()
        self.blazar.lease = _Leases(self)
        self.blazar.host = _BlazarHosts(self)
        self.blazar.allocation = _Allocations(self)
        self.nova = type('Nova', (), {})()
        self.nova.aggregates = _Aggregates(self)
        self.nova.services = _Services(self)
        self.nova.hypervisors = _Hypervisors(self)
        self.nova.servers = _Servers(self)
        self.nova.server_groups = _ServerGroups(self)
        self.placement = _Placement(self)
        self.nova_reads = _NovaReads(self)
        # Keystone's token for the [blazar] credentials: their project.
        self.session = type('Session', (), {
            'get_project_id': staticmethod(lambda: 'admin')})()

    # Recording the cloud ---------------------------------------------------
    def compute(self, hostname, free_mb=32768, used_mb=0, status='enabled',
                state='up'):
        """A nova-compute host, its hypervisor and its Placement summary."""
        provider = 'rp-%s' % hostname
        self.services.append({
            'id': 'svc-%s' % hostname, 'binary': 'nova-compute',
            'host': hostname, 'zone': 'nova', 'status': status,
            'state': state, 'forced_down': False, 'disabled_reason': None})
        self.hypervisors.append({
            'id': provider, 'hypervisor_hostname': hostname,
            'state': 'up', 'status': 'enabled'})
        self.summaries[provider] = {'resources': {
            'VCPU': {'capacity': 32, 'used': 2 if used_mb else 0},
            'MEMORY_MB': {'capacity': free_mb + used_mb, 'used': used_mb},
            'DISK_GB': {'capacity': 500, 'used': 0}}}

    def service(self, hostname):
        """The recorded nova-compute service of ``hostname``, to change."""
        return [s for s in self.services if s['host'] == hostname][0]

    def spare_lease(self, hostname, lease_id, status='ACTIVE', name=None,
                    project_id='admin'):
        """A lease holding ``hostname`` in one host reservation."""
        host_id = str(len(self.blazar_hosts) + 1)
        self.blazar_hosts.append({'id': host_id,
                                  'hypervisor_hostname': hostname})
        reservation = 'res-%s' % lease_id
        self.leases.append({
            'id': lease_id, 'name': name or 'masakari-spare-%s' % hostname,
            'status': status, 'project_id': project_id, 'degraded': False,
            'reservations': [{'id': reservation,
                              'resource_type': 'physical:host'}]})
        self.allocations.append({'resource_id': host_id, 'reservations': [
            {'id': reservation, 'lease_id': lease_id}]})
        return host_id

    def aggregate(self, name, hosts=(), zone=None, metadata=None):
        self.aggregates.append({
            'id': len(self.aggregates) + 1, 'name': name,
            'availability_zone': zone, 'hosts': list(hosts),
            'metadata': dict(metadata or {})})

    def server(self, uuid, name, host, ram=4096, project='p-1', **extra):
        body = {'id': uuid, 'name': name, 'tenant_id': project,
                'OS-EXT-SRV-ATTR:host': host,
                'OS-EXT-SRV-ATTR:hypervisor_hostname': host,
                'image': {'id': 'img'},
                'flavor': {'vcpus': 2, 'ram': ram, 'disk': 20,
                           'ephemeral': 0, 'swap': 0, 'extra_specs': {}}}
        body.update(extra)
        self.servers.append(body)

    def server_group(self, uuid, policy, members, rules=None):
        self.server_groups.append({'id': uuid, 'name': uuid,
                                   'policy': policy, 'rules': rules or {},
                                   'members': list(members)})

    def claim(self, hostname, notification, group=None, lease=None,
              anchored=True):
        """A claim in the ledger, as an earlier run wrote it.

        ``notification`` None leaves the anchor without a record;
        ``anchored`` False the record without an anchor, as the plugin's
        earlier versions wrote claims.
        """
        if not any(a['name'] == CLAIMS for a in self.aggregates):
            self.aggregate(CLAIMS)
        for body in self.aggregates:
            if body['name'] != CLAIMS:
                continue
            if anchored:
                body['hosts'].append(hostname)
            if notification is not None:
                body['metadata'][ledger.KEY_PREFIX + hostname] = \
                    ledger.Claim(hostname, notification,
                                 '2026-03-01T10:00:00', group,
                                 lease).encode()

    def claims_aggregate(self):
        for body in self.aggregates:
            if body['name'] == CLAIMS:
                return body
        return None

    def claimed(self):
        """The ledger's claims now, as the plugin reads them."""
        body = self.claims_aggregate()
        return ledger.parse(body['metadata'], body['hosts']) if body else {}
