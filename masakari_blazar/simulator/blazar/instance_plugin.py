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

"""Blazar's instance reservation plugin (flavor based, virtual:instance).

After blazar.plugins.instances.instance_plugin: slots are picked per
host from the hosts' raw vcpus/memory/disk, and a reservation gets a
private flavor, an aggregate with ``reservation=<id>`` (no AZ) and a custom
resource class whose inventory sits on each host's ``blazar_<host>``
provider.  Its hosts stay in freepool.
"""

import collections

from masakari_blazar.simulator.blazar import records
from masakari_blazar.simulator import http_errors


class InstancePlugin(object):
    """The instance plugin, working on the Blazar state it belongs to."""

    def __init__(self, blazar):
        self.blazar = blazar

    def _max_usages(self, reservations):
        events = []
        for reservation in reservations:
            lease, _ = self.blazar.find_reservation(reservation.id)
            for event in lease.events:
                events.append((event.time, event.event_type, reservation))
        events.sort(key=lambda e: e[0])
        peak = [0, 0, 0]
        current = [0, 0, 0]
        for _, event_type, res in events:
            delta = (res.vcpus, res.memory_mb, res.disk_gb)
            if event_type == 'start_lease':
                current = [c + d for c, d in zip(current, delta)]
                peak = [max(p, c) for p, c in zip(peak, current)]
            elif event_type == 'end_lease':
                current = [c - d for c, d in zip(current, delta)]
        return peak

    def _available_slots(self, values, start, end, excludes):
        """query_available_hosts: one entry per instance slot."""
        queries = ['vcpus >= %s' % values['vcpus'],
                   'memory_mb >= %s' % values['memory_mb'],
                   'local_gb >= %s' % values['disk_gb']]
        if values.get('resource_properties'):
            queries += records.convert_requirements(
                values['resource_properties'])
        free, reserved = [], []
        for host in self.blazar.hosts_matching(queries, reservable_only=True):
            others = [
                r for r in self.blazar.reservations_of_host(host.id, start,
                                                            end)
                if r.id not in excludes]
            if not others:
                free.append((host, []))
            elif all(r.resource_type == records.INSTANCE_TYPE for r in others):
                reserved.append((host, others))
        slots = []
        for host, others in reserved + free:
            used = self._max_usages(others)
            want = (int(values['vcpus']), int(values['memory_mb']),
                    int(values['disk_gb']))
            count = 1
            while all(u + w * count <= cap for u, w, cap in
                      zip(used, want, (host.vcpus, host.memory_mb,
                                       host.local_gb))):
                slots.append(host.id)
                count += 1
        return slots

    def pickup_hosts(self, reservation_id, values, start, end):
        """pickup_hosts: lists of host ids (one per slot) to add/remove."""
        amount = int(values['amount'])
        affinity = records.bool_or_none(values.get('affinity'))
        old = [a['compute_host_id'] for a in self.blazar.allocations_of(
            reservation_id)]
        candidates = self._available_slots(
            values, start, end, [reservation_id] if old else [])
        if affinity:
            counts = collections.Counter(candidates)
            available = [h for h in candidates if counts[h] >= amount]
            if not available:
                raise http_errors.not_enough_hosts()
            keep = [h for h in available if h in old]
            new_ids = [(keep or available)[0]] * amount
        else:
            possible = list(candidates)
            for host_id in old:
                if host_id in possible:
                    possible.remove(host_id)
            new_ids = [h for h in old if h in candidates]
            if affinity is False:
                new_ids = list(dict.fromkeys(new_ids))
            for host_id in possible:
                if affinity is False and host_id in new_ids:
                    continue
                new_ids.append(host_id)
            if len(new_ids) < amount:
                raise http_errors.not_enough_hosts()
            new_ids = new_ids[:amount]
        removed = list(old)
        added = []
        for host_id in new_ids:
            if host_id in removed:
                removed.remove(host_id)
            else:
                added.append(host_id)
        return added, removed

    def reserve(self, lease, reservation, values, pinned):
        missing = {'vcpus', 'memory_mb', 'disk_gb', 'amount', 'affinity',
                   'resource_properties'} - set(values)
        if missing:
            raise records.exc(
                'MissingParameter', 400, 'Missing parameter %s'
                % ','.join(sorted(missing)))
        try:
            amount = int(values['amount'])
        except (TypeError, ValueError):
            amount = 0
        if amount < 1:
            raise records.exc(
                'MalformedParameter', 400, 'Malformed parameter '
                'amount must be >= 1')
        if pinned is not None:
            added = list(pinned)
        else:
            added, _ = self.pickup_hosts(
                reservation.id, values, lease.start_date, lease.end_date)
        reservation.resource_id = self.blazar.ids.uuid('instance_reservation')
        reservation.vcpus = int(values['vcpus'])
        reservation.memory_mb = int(values['memory_mb'])
        reservation.disk_gb = int(values['disk_gb'])
        reservation.amount = amount
        reservation.affinity = records.bool_or_none(values['affinity'])
        reservation.resource_properties = values['resource_properties']
        for host_id in added:
            self.blazar.add_allocation(host_id, reservation.id)
        # _create_resources: the private flavor, the aggregate, the class.
        extra_specs = {
            'aggregate_instance_extra_specs:reservation': reservation.id,
            'resources:' + records.rc_name(reservation.id): '1'}
        metadata = {'reservation': reservation.id,
                    'filter_tenant_id': lease.project_id}
        if reservation.affinity is not None:
            reservation.server_group_id = self.blazar.ids.uuid('server_group')
            extra_specs['affinity_id'] = reservation.server_group_id
            metadata['affinity_id'] = reservation.server_group_id
        flavor = self.blazar.nova.add_flavor(
            reservation.id, 'reservation:' + reservation.id,
            reservation.vcpus, reservation.memory_mb, reservation.disk_gb,
            is_public=False, extra_specs=extra_specs)
        aggregate = self.blazar.pool.create(
            reservation.id, None, lease.project_id, metadata)
        self.blazar.placement.create_resource_class(
            records.rc_name(reservation.id))
        reservation.flavor_id = flavor.id
        reservation.aggregate_id = aggregate.id

    def _inventory_on(self, host, reservation_id, num, additional=False):
        """BlazarPlacementClient.update_reservation_inventory."""
        child = self.blazar.placement.provider_by_name(
            'blazar_' + host.hypervisor_hostname)
        if child is None:
            root = self.blazar.placement.provider_by_name(
                host.hypervisor_hostname)
            child = self.blazar.placement.create_provider(
                'blazar_' + host.hypervisor_hostname, parent_uuid=root.uuid)
        rc = records.rc_name(reservation_id)
        inventories = dict(child.inventories)
        if additional and rc in inventories:
            inventories[rc] = dict(inventories[rc],
                                   total=inventories[rc]['total'] + num)
        else:
            inventories[rc] = {'allocation_ratio': 1.0, 'max_unit': 1,
                               'min_unit': 1, 'reserved': 0, 'step_size': 1,
                               'total': num}
        self.blazar.placement.set_inventories(
            child.uuid, child.generation, inventories)

    def _drop_inventory(self, hostname, reservation_id):
        child = self.blazar.placement.provider_by_name('blazar_' + hostname)
        if child is not None and records.rc_name(
                reservation_id) in child.inventories:
            try:
                self.blazar.placement.delete_inventory(
                    child.uuid, records.rc_name(reservation_id))
            except http_errors.PlacementError:
                pass

    def start(self, lease, reservation):
        flavor = self.blazar.nova.flavor(reservation.flavor_id)
        if lease.project_id not in flavor.access:
            self.blazar.nova.add_flavor_access(flavor.id, lease.project_id)
        per_host = collections.Counter(
            a['compute_host_id']
            for a in self.blazar.allocations_of(reservation.id))
        for host_id, num in per_host.items():
            host = self.blazar.hosts[host_id]
            self.blazar.pool.add(
                reservation.aggregate_id, [host.service_name], stay_in=True)
            self._inventory_on(host, reservation.id, num)

    def end(self, lease, reservation, reason):
        try:
            self.blazar.nova.remove_flavor_access(
                reservation.flavor_id, lease.project_id)
        except http_errors.NovaError:
            pass
        hostnames = []
        for allocation in self.blazar.allocations_of(reservation.id):
            self.blazar.allocations.remove(allocation)
            host = self.blazar.hosts[allocation['compute_host_id']]
            hostnames.append(host.hypervisor_hostname)
        for server in list(self.blazar.nova.servers.values()):
            if server.flavor['id'] == reservation.id:
                self.blazar.nova.delete_server(
                    server.id, reason=reason,
                    lease_id=lease.id,
                    reservation_id=reservation.id)
        if reservation.flavor_id in self.blazar.nova.flavors:
            self.blazar.nova.delete_flavor(reservation.flavor_id)
        self.blazar.pool.delete(reservation.id)
        for hostname in hostnames:
            self._drop_inventory(hostname, reservation.id)
        try:
            self.blazar.placement.delete_resource_class(
                records.rc_name(reservation.id))
        except http_errors.PlacementError:
            pass

    def heal(self, lease, reservation, broken):
        """VirtualInstancePlugin._heal_reservation (non-affinity path)."""
        healed = True
        new_hosts = []
        values = {'vcpus': reservation.vcpus,
                  'memory_mb': reservation.memory_mb,
                  'disk_gb': reservation.disk_gb,
                  'amount': reservation.amount,
                  'affinity': reservation.affinity,
                  'resource_properties': reservation.resource_properties}
        for allocation in broken:
            start = max(self.blazar.clock.now(), lease.start_date)
            try:
                added, _ = self.pickup_hosts(
                    reservation.id, values, start, lease.end_date)
            except http_errors.BlazarError:
                added = []
            old = self.blazar.hosts[allocation['compute_host_id']]
            if reservation.status == 'active':
                self.blazar.pool.remove(
                    reservation.aggregate_id, [old.service_name])
                self._drop_inventory(old.hypervisor_hostname, reservation.id)
            if not added:
                self.blazar.allocations.remove(allocation)
                healed = False
                continue
            allocation['compute_host_id'] = added[0]
            new_hosts.append(added[0])
        if reservation.status == 'active':
            for host_id, num in collections.Counter(new_hosts).items():
                host = self.blazar.hosts[host_id]
                self.blazar.pool.add(
                    reservation.aggregate_id, [host.service_name],
                    stay_in=True)
                self._inventory_on(host, reservation.id, num,
                                   additional=True)
        return healed
