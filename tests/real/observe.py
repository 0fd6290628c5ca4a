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

"""What a cloud looks like through its APIs, with every id replaced by a name.

Ids differ between the simulated cloud and the real services (uuids,
hypervisor ids, reservation ids), names do not: a reservation becomes
``reservation:<lease name>``, a project its name, an availability zone
``blazar_<reservation id>`` becomes ``blazar_reservation:<lease name>``.
Two outcomes that are equal here are equal field by field, and
:func:`differences` names every field where they are not.
"""

import json

CLAIM_PREFIX = 'claim:'
HINTS_VERSION = '2.100'
# A Blazar instance reservation's flavor (shown in servers from 2.47).
FLAVOR_RESERVATION = 'aggregate_instance_extra_specs:reservation'


class Observer(object):
    """Reads one cloud's Nova and Blazar through an :class:`api.Api`."""

    def __init__(self, api, projects):
        self.api = api
        self.labels = {}
        for name in projects:
            self.labels[api.session(name).get_project_id()] = name

    def learn(self):
        """Remember the names of every lease and reservation seen now.

        Called once the scenario is built, so that ids of leases deleted
        later (a claimed spare's) can still be named.
        """
        for lease in self.api.blazar().lease.list():
            self.labels[lease['id']] = 'lease:' + lease['name']
            for reservation in lease.get('reservations') or []:
                self.labels[reservation['id']] = (
                    'reservation:' + lease['name'])
                if reservation.get('server_group_id'):
                    self.labels[reservation['server_group_id']] = (
                        'server_group:' + lease['name'])
                # The custom resource class of an instance reservation.
                self.labels['CUSTOM_RESERVATION_' + reservation['id'].upper()
                            .replace('-', '_')] = (
                    'CUSTOM_RESERVATION:' + lease['name'])

    def label(self, value):
        if not isinstance(value, str):
            return value
        if value.startswith('blazar_') and value[7:] in self.labels:
            return 'blazar_' + self.labels[value[7:]]
        return self.labels.get(value, value)

    # Nova -----------------------------------------------------------
    def servers(self):
        found = {}
        for server in self.api.nova().servers.list(
                search_opts={'all_tenants': 1}):
            info = server.to_dict()
            found[server.name] = {
                'host': info.get('OS-EXT-SRV-ATTR:host'),
                'status': info.get('status'),
                'vm_state': info.get('OS-EXT-STS:vm_state'),
                'project': self.label(info.get('tenant_id')),
                'reservation': self._hint(server.id) or self.label(
                    ((info.get('flavor') or {}).get('extra_specs') or {})
                    .get(FLAVOR_RESERVATION))}
        return found

    def _hint(self, server_id):
        """The boot-time reservation hint (shown from microversion 2.100)."""
        body = self.api.session().get(
            '/servers/%s' % server_id,
            endpoint_filter={'service_type': 'compute'},
            headers={'OpenStack-API-Version': 'compute ' + HINTS_VERSION,
                     'X-OpenStack-Nova-API-Version': HINTS_VERSION}).json()
        hints = body['server'].get('scheduler_hints') or {}
        reservation = hints.get('reservation')
        if isinstance(reservation, list):
            reservation = reservation[0] if reservation else None
        return self.label(reservation)

    def aggregates(self):
        found, claims = {}, {}
        for aggregate in self.api.nova().aggregates.list():
            metadata = {}
            for key, value in (aggregate.metadata or {}).items():
                if key.startswith(CLAIM_PREFIX):
                    claims[key[len(CLAIM_PREFIX):]] = self._claim(value)
                else:
                    metadata[self.label(key)] = self.label(value)
            found[self.label(aggregate.name)] = {
                'hosts': sorted(aggregate.hosts), 'metadata': metadata}
        return found, claims

    def _claim(self, value):
        claim = json.loads(value)
        seen = {'group': self.label(claim.get('group')),
                'lease': self.label(claim.get('lease'))}
        if claim.get('joined'):
            seen['joined'] = self.label(claim['joined'])
        return seen

    def computes(self):
        """Each nova-compute service: enabled, up, forced down."""
        return {s.host: {'status': s.status, 'state': s.state,
                         'forced_down': s.forced_down}
                for s in self.api.nova().services.list(
                    binary='nova-compute')}

    def placement(self):
        """Each resource provider: its parent, inventories and usages."""
        placement = self.api.placement()
        providers = placement.get('/resource_providers').json()[
            'resource_providers']
        names = {p['uuid']: p['name'] for p in providers}
        found = {}
        for provider in providers:
            path = '/resource_providers/%s' % provider['uuid']
            inventories = placement.get(path + '/inventories').json()[
                'inventories']
            usages = placement.get(path + '/usages').json()['usages']
            found[provider['name']] = {
                'parent': names.get(provider.get('parent_provider_uuid')),
                'inventories': {self.label(rc): {
                    key: inventory[key] for key in (
                        'total', 'reserved', 'allocation_ratio')}
                    for rc, inventory in inventories.items()},
                'usages': {self.label(rc): used
                           for rc, used in usages.items()}}
        return found

    # Blazar ---------------------------------------------------------
    def blazar(self):
        blazar = self.api.blazar()
        # "The Blazar host id is the Nova hypervisor id" (the integer id
        # Nova shows before microversion 2.53).
        hypervisors = {str(h.id): h.hypervisor_hostname
                       for h in self.api.nova(version='2.1')
                       .hypervisors.list()}
        hosts = {str(h['id']): h['hypervisor_hostname']
                 for h in blazar.host.list()}
        allocated = {}
        for allocation in blazar.allocation.list('os-hosts'):
            for reservation in allocation.get('reservations') or []:
                allocated.setdefault(reservation['id'], []).append(
                    hosts.get(str(allocation['resource_id']),
                              allocation['resource_id']))
        leases = {}
        for lease in blazar.lease.list():
            leases[lease['name']] = {
                'status': lease['status'],
                'degraded': lease.get('degraded'),
                'project': self.label(lease['project_id']),
                'reservations': [{
                    'resource_type': r['resource_type'],
                    'status': r['status'],
                    'missing_resources': r.get('missing_resources'),
                    'resources_changed': r.get('resources_changed'),
                    'hosts': sorted(allocated.get(r['id'], []))}
                    for r in lease.get('reservations') or []]}
        host_states = {h['hypervisor_hostname']: {
            'reservable': h.get('reservable'),
            'id_is_hypervisor_id': hypervisors.get(str(h['id'])) ==
            h['hypervisor_hostname']} for h in blazar.host.list()}
        return host_states, leases

    def observe(self):
        """The whole comparable state, as nested dicts keyed by names."""
        self.learn()
        aggregates, claims = self.aggregates()
        hosts, leases = self.blazar()
        return {'servers': self.servers(), 'aggregates': aggregates,
                'claims': claims, 'blazar_hosts': hosts, 'leases': leases,
                'computes': self.computes(), 'placement': self.placement()}


def masakari(engine, notification_uuid):
    """The notification's outcome in Masakari's own records."""
    result = engine.notification(notification_uuid)
    moves = {}
    for vmove in result['vmoves']:
        moves[vmove['name']] = {'status': vmove['status'],
                                'source': vmove['source'],
                                'dest': vmove['dest']}
    return {'status': result['status'], 'vmoves': moves}


def flatten(value, prefix=''):
    """Leaf fields as {dotted.path: value}; lists of dicts by index."""
    if isinstance(value, dict):
        if not value:
            return {prefix: {}}
        leaves = {}
        for key in sorted(value, key=str):
            path = '%s.%s' % (prefix, key) if prefix else str(key)
            leaves.update(flatten(value[key], path))
        return leaves
    if isinstance(value, list) and any(isinstance(v, dict) for v in value):
        leaves = {}
        for index, item in enumerate(value):
            leaves.update(flatten(item, '%s[%d]' % (prefix, index)))
        return leaves
    return {prefix: value}


MISSING = '<missing>'


def differences(simulated, real):
    """One line per field where the two outcomes differ, and the count."""
    left, right = flatten(simulated), flatten(real)
    lines = []
    for path in sorted(set(left) | set(right)):
        a, b = left.get(path, MISSING), right.get(path, MISSING)
        if a != b:
            lines.append('%s: simulated=%r real=%r' % (path, a, b))
    return lines, len(set(left) | set(right))
