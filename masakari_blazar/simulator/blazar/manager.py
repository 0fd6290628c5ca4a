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

"""Blazar in memory: the manager, the host plugin and the monitor.

Each method follows the upstream manager and plugin it names
(blazar.manager.service, plugins.oshosts.host_plugin,
plugins.instances.instance_plugin, utils.openstack.nova.ReservationPool),
including the order of its Nova calls and what it does when one fails,
because the plugin under test must survive exactly that.  Nova and
Placement are reached through ``CloudState`` the way Blazar reaches them
through their APIs: a Nova refusal arrives as a ``NovaError`` and is
translated into the Blazar exception the real code raises.
"""

import collections
import datetime

from masakari_blazar.simulator.blazar import instance_plugin
from masakari_blazar.simulator.blazar import records
from masakari_blazar.simulator.blazar import reservation_pool as pool_mod
from masakari_blazar.simulator import clock as clock_mod
from masakari_blazar.simulator import http_errors

BEFORE_END_OPTIONS = ('', 'snapshot', 'default')
# Exceptions after which update_lease restores the lease status
# (the non_fatal_exceptions of the lease_status decorator).
NON_FATAL = {'InvalidInput', 'InvalidRange', 'MissingParameter',
             'MalformedRequirements', 'MalformedParameter',
             'NotEnoughHostsAvailable', 'InvalidDate', 'CantUpdateParameter',
             'InvalidPeriod'}


class BlazarState(object):
    """The Blazar manager with its host and instance plugins."""

    def __init__(self, cloud, clock, config, idgen):
        self.nova = cloud
        self.placement = cloud.placement
        self.pool = pool_mod.ReservationPool(cloud, config['freepool_name'])
        self.instances = instance_plugin.InstancePlugin(self)
        self.clock = clock
        self.config = config
        self.ids = idgen
        self.hosts = {}
        self.leases = {}
        self.allocations = []
        self.last_poll = clock.now()
        self.last_heal = clock.now()
        self.monitor_log = []

    # ------------------------------------------------------------------
    # Hosts (PhysicalHostPlugin)

    def host(self, host_id):
        host = self.hosts.get(str(host_id))
        if host is None:
            raise records.exc(
                'NotFound', 404, "Object with {'host_id': '%s'} "
                "not found" % host_id)
        return host

    def host_by_name(self, name):
        for host in self.hosts.values():
            if host.hypervisor_hostname == name:
                return host
        return None

    def create_host(self, values):
        """create_computehost: refusals in upstream order."""
        values = dict(values)
        host_ref = values.pop('id', None) or values.pop('name', None)
        values.pop('name', None)
        if host_ref is None:
            raise records.exc(
                'InvalidHost', 403, 'Invalid values for host %s' % values)
        matches = self._search_hypervisors(host_ref)
        if len(matches) > 1:
            raise records.exc(
                'MultipleHostsFound', 409,
                "Multiple Hosts found for pattern '%s'" % host_ref)
        servers = [{'name': s.name, 'uuid': s.id}
                   for s in self.nova.servers_on_host(matches[0].name)]
        if servers:
            raise records.exc(
                'HostHavingServers', 409,
                'Servers [%s] found for host %s' % (servers, host_ref))
        node = self._hypervisor_details(host_ref)
        extra = {k: v for k, v in values.items()
                 if k not in ('id', 'availability_zone',
                              'hypervisor_hostname', 'service_name', 'vcpus',
                              'cpu_info', 'hypervisor_type',
                              'hypervisor_version', 'memory_mb', 'local_gb')}
        if any(len(key) > 64 for key in extra):
            raise records.exc(
                'ExtraCapabilityTooLong', 400, 'Extra capability key too long')
        root = self.placement.provider_by_name(node.name)
        if root is None:
            raise records.exc(
                'ResourceProviderNotFound', 500,
                'No such resource provider %s' % node.name)
        try:
            self.placement.create_provider(
                'blazar_' + node.name, parent_uuid=root.uuid)
        except http_errors.PlacementError:
            raise records.exc(
                'ResourceProviderCreationConflict', 409,
                'Conflict on creating resource provider blazar_%s '
                % node.name)
        self.pool.add(self.pool.freepool_name, [node.name])
        now = self.clock.now()
        host = records.Host(
            id=str(node.node_id), hypervisor_hostname=node.name,
            service_name=node.name, vcpus=node.vcpus,
            memory_mb=node.memory_mb, local_gb=node.disk_gb,
            cpu_info=str(records.cpu_info()),
            hypervisor_type=node.hypervisor_type,
            hypervisor_version=node.hypervisor_version,
            availability_zone=self.nova.host_az(node.name),
            trust_id=self.ids.uuid('trust'), created_at=now,
            extra={k: str(v) for k, v in extra.items()})
        self.hosts[host.id] = host
        return host

    def _search_hypervisors(self, pattern):
        try:
            return self.nova.hypervisors(str(pattern))
        except http_errors.NovaError:
            raise records.exc(
                'HostNotFound', 404, "Host '%s' not found!" % pattern)

    def _hypervisor_details(self, host_ref):
        """NovaInventory.get_host_details: by integer id, else by name."""
        try:
            return self.nova.hypervisor(int(host_ref), by_uuid=False)
        except (TypeError, ValueError, http_errors.NovaError):
            matches = self._search_hypervisors(host_ref)
            if len(matches) > 1:
                raise records.exc(
                    'MultipleHostsFound', 409,
                    "Multiple Hosts found for pattern '%s'" % host_ref)
            return matches[0]

    def update_host(self, host_id, values):
        host = self.host(host_id)
        if not values:
            raise records.exc(
                'INTERNAL_SERVER_ERROR', 400, 'No data to update')
        refused = []
        for key, value in values.items():
            if key in host.extra and self._capability_in_use(host, key):
                refused.append(key)
            elif value is None:
                host.extra.pop(key, None)
            else:
                host.extra[key] = str(value)
        if refused:
            raise records.exc(
                'CantAddExtraCapability', 409,
                "Can't add extracapabilities %s to Host %s"
                % (refused, host.id))
        host.updated_at = self.clock.now()
        return host

    def _capability_in_use(self, host, key):
        now = self.clock.now()
        for reservation in self.reservations_of_host(
                host.id, now, datetime.datetime.max):
            for requirement in records.convert_requirements(
                    reservation.resource_properties):
                if requirement.split(' ')[0] == key:
                    return True
        return False

    def delete_host(self, host_id):
        host = self.host(host_id)
        if any(a['compute_host_id'] == host.id for a in self.allocations):
            raise records.exc(
                'CantDeleteHost', 409, "Can't delete host %s. The "
                "host is reserved." % host.id)
        servers = [{'name': s.name, 'uuid': s.id}
                   for s in self.nova.servers_on_host(host.service_name)]
        if servers:
            raise records.exc(
                'HostHavingServers', 409,
                'Servers [%s] found for host %s'
                % (servers, host.hypervisor_hostname))
        self.pool.remove(self.pool.freepool_name, [host.service_name])
        child = self.placement.provider_by_name(
            'blazar_' + host.hypervisor_hostname)
        if child is not None:
            self.placement.delete_provider(child.uuid)
        del self.hosts[host.id]

    def hosts_matching(self, queries, reservable_only):
        """host_get_all_by_queries, in registration order."""
        found = []
        for host in self.hosts.values():
            if reservable_only and not host.reservable:
                continue
            for query in queries:
                key, op, value = query.split(' ', 2)
                if key not in records.HOST_COLUMNS and \
                        not any(key in h.extra for h in self.hosts.values()):
                    raise records.exc(
                        'BlazarDBNotFound', 500,
                        'BlazarDBNotFound: A database error occurred')
                actual = host.value(key)
                if actual is None or not records.compare(op, actual, value):
                    break
            else:
                found.append(host)
        return found

    # ------------------------------------------------------------------
    # Allocations

    def allocations_of(self, reservation_id):
        return [a for a in self.allocations
                if a['reservation_id'] == reservation_id]

    def add_allocation(self, host_id, reservation_id):
        self.allocations.append({'id': self.ids.uuid('allocation'),
                                 'compute_host_id': host_id,
                                 'reservation_id': reservation_id})

    def find_reservation(self, reservation_id):
        for lease in self.leases.values():
            for reservation in lease.reservations:
                if reservation.id == reservation_id:
                    return lease, reservation
        return None, None

    def reservations_of_host(self, host_id, start, end):
        """db.utils.get_reservations_by_host_id: leases overlapping."""
        found = []
        for allocation in self.allocations:
            if allocation['compute_host_id'] != host_id:
                continue
            lease, reservation = self.find_reservation(
                allocation['reservation_id'])
            if lease and start <= lease.end_date and \
                    lease.start_date <= end and reservation not in found:
                found.append(reservation)
        return found

    def allocations_by_host(self, host_ids, lease_id=None,
                            reservation_id=None):
        """query_allocations: reservations not ended yet, per host."""
        now = self.clock.now()
        result = {host_id: [] for host_id in host_ids}
        for lease in self.leases.values():
            if lease_id and lease.id != lease_id:
                continue
            if not (lease_id or reservation_id) and lease.end_date < now:
                continue
            for reservation in lease.reservations:
                if reservation_id and reservation.id != reservation_id:
                    continue
                for allocation in self.allocations_of(reservation.id):
                    host_id = allocation['compute_host_id']
                    entry = {'id': reservation.id, 'lease_id': lease.id,
                             'start_date': clock_mod.blazar_time(
                                 lease.start_date),
                             'end_date': clock_mod.blazar_time(
                                 lease.end_date)}
                    # Once per allocation row, as Blazar's query does: a
                    # host with two slots of one instance reservation
                    # lists that reservation twice.
                    if host_id in result:
                        result[host_id].append(entry)
        return result

    def list_allocations(self, query):
        per_host = self.allocations_by_host(
            list(self.hosts), query.get('lease_id'),
            query.get('reservation_id'))
        return [{'resource_id': host_id, 'reservations': allocs}
                for host_id, allocs in per_host.items()]

    def host_allocation(self, host_id, query):
        host = self.host(host_id)
        per_host = self.allocations_by_host(
            [host.id], query.get('lease_id'), query.get('reservation_id'))
        return {'resource_id': host.id, 'reservations': per_host[host.id]}

    def reallocate(self, host_id, data):
        """ChameleonCloud's reallocate_computehost, without its policy."""
        host = self.host(host_id)
        query = {k: data[k] for k in ('lease_id', 'reservation_id')
                 if data.get(k)}
        force = bool(data.get('force', False))
        for entry in self.host_allocation(host.id, query)['reservations']:
            lease, reservation = self.find_reservation(entry['id'])
            allocation = [a for a in self.allocations_of(reservation.id)
                          if a['compute_host_id'] == host.id][0]
            if self._reallocate_chameleon(lease, reservation, allocation,
                                          force):
                if reservation.status == 'active':
                    reservation.resources_changed = True
                    lease.degraded = True
            elif force:
                reservation.missing_resources = True
                lease.degraded = True
        return self.host_allocation(host.id, query)

    def _reallocate_chameleon(self, lease, reservation, allocation, force):
        old = self.hosts[allocation['compute_host_id']]
        if reservation.status == 'active':
            servers = self.nova.servers_on_host(old.hypervisor_hostname)
            if servers:
                raise records.exc(
                    'HostHavingServers', 409,
                    'Servers [%s] found for host %s'
                    % ([s.name for s in servers], old.hypervisor_hostname))
        start = max(self.clock.now(), lease.start_date)
        new_ids = self._matching_hosts(reservation.hypervisor_properties,
                                       reservation.resource_properties,
                                       '1-1', start, lease.end_date)
        if new_ids:
            new = self.hosts[new_ids.pop()]
            allocation['compute_host_id'] = new.id
            if reservation.status == 'active':
                self.pool.add(
                    reservation.aggregate_id,
                    [new.hypervisor_hostname], reason='healing',
                    lease_id=lease.id,
                    reservation_id=reservation.id)
                self.pool.remove(
                    reservation.aggregate_id, [old.hypervisor_hostname])
            return True
        if force:
            self.allocations.remove(allocation)
            self.pool.remove(
                reservation.aggregate_id, [old.hypervisor_hostname])
        return False

    # ------------------------------------------------------------------
    # Host reservations

    def _matching_hosts(self, hypervisor_properties, resource_properties,
                        count_range, start, end):
        """PhysicalHostPlugin._matching_hosts: unallocated hosts first."""
        low, high = (int(x) for x in count_range.split('-'))
        queries = []
        if hypervisor_properties:
            queries += records.convert_requirements(hypervisor_properties)
        if resource_properties:
            queries += records.convert_requirements(resource_properties)
        free, allocated = [], []
        for host in self.hosts_matching(queries, reservable_only=True):
            if not any(a['compute_host_id'] == host.id
                       for a in self.allocations):
                free.append(host.id)
            elif not self.reservations_of_host(host.id, start, end):
                allocated.append(host.id)
        if len(free) >= low:
            return free[:high]
        both = allocated + free
        return both[:high] if len(both) >= low else []

    def _check_host_params(self, values):
        self._validate_range(values, values.get('min'), values.get('max'))
        for key in ('hypervisor_properties', 'resource_properties'):
            if key not in values:
                raise records.exc(
                    'MissingParameter', 400, 'Missing parameter %s' % key)
        values.setdefault('before_end', 'default')
        if values['before_end'] not in BEFORE_END_OPTIONS:
            raise records.exc(
                'MalformedParameter', 400, 'Malformed parameter before_end')

    @staticmethod
    def _validate_range(values, low, high):
        for name, value in (('min', low), ('max', high)):
            if value is None:
                raise records.exc(
                    'MissingParameter', 400, 'Missing parameter %s' % name)
            try:
                int(str(value))
            except ValueError:
                raise records.exc(
                    'MalformedParameter', 400, 'Malformed parameter %s' % name)
        low, high = int(low), int(high)
        if low <= 0 or high <= 0:
            raise records.exc(
                'MalformedParameter', 400, 'Malformed parameter min '
                'and max (must be greater than or equal to 1)')
        if high < low:
            raise records.exc(
                'InvalidRange', 400, 'Invalid values for min/max of '
                'hosts. Max must be equal to or larger than min.')
        values['count_range'] = '%d-%d' % (low, high)

    def _reserve_hosts(self, lease, reservation, values, pinned):
        self._check_host_params(values)
        host_ids = pinned if pinned is not None else self._matching_hosts(
            values['hypervisor_properties'], values['resource_properties'],
            values['count_range'], lease.start_date, lease.end_date)
        if not host_ids:
            raise http_errors.not_enough_hosts()
        aggregate = self.pool.create(
            reservation.id, 'blazar_' + reservation.id, lease.project_id)
        reservation.resource_id = self.ids.uuid('host_reservation')
        reservation.aggregate_id = aggregate.id
        reservation.hypervisor_properties = values['hypervisor_properties']
        reservation.resource_properties = values['resource_properties']
        reservation.count_range = values['count_range']
        reservation.before_end = values['before_end']
        for host_id in host_ids:
            self.add_allocation(host_id, reservation.id)

    def _start_hosts(self, lease, reservation):
        hosts = [self.hosts[a['compute_host_id']].service_name
                 for a in self.allocations_of(reservation.id)]
        self.pool.add(
            reservation.aggregate_id, hosts, reason='lease_start',
            lease_id=lease.id, reservation_id=reservation.id)

    def _end_hosts(self, lease, reservation, reason):
        for allocation in self.allocations_of(reservation.id):
            self.allocations.remove(allocation)
        for host in self.pool.hosts(reservation.aggregate_id):
            for server in self.nova.servers_on_host(host):
                self.nova.delete_server(server.id, reason=reason,
                                        lease_id=lease.id,
                                        reservation_id=reservation.id)
        self.pool.delete(reservation.aggregate_id)

    def _update_hosts(self, lease, reservation, values, dates_before):
        """update_reservation + _update_allocations of the host plugin."""
        if not any(k in values for k in ('min', 'max',
                                         'hypervisor_properties',
                                         'resource_properties')) and \
                values['start_date'] >= dates_before[0] and \
                values['end_date'] <= dates_before[1]:
            return
        low_now, high_now = reservation.count_range.split('-')
        low = values.get('min', int(low_now))
        high = values.get('max', int(high_now))
        self._validate_range(values, low, high)
        low, high = int(low), int(high)
        hyper = values.get('hypervisor_properties',
                           reservation.hypervisor_properties)
        resource = values.get('resource_properties',
                              reservation.resource_properties)
        allocations = self.allocations_of(reservation.id)
        queries = records.convert_requirements(hyper) + \
            records.convert_requirements(resource)
        requested = [h.id for h in self.hosts_matching(
            queries, reservable_only=False)]
        to_remove = [a for a in allocations
                     if a['compute_host_id'] not in requested]
        grows = dates_before[0] > values['start_date'] or \
            dates_before[1] < values['end_date']
        for allocation in allocations:
            if allocation in to_remove or not grows:
                continue
            others = [r for r in self.reservations_of_host(
                allocation['compute_host_id'], values['start_date'],
                values['end_date']) if r.id != reservation.id]
            if others:
                to_remove.append(allocation)
        kept = len(allocations) - len(to_remove)
        if kept > high:
            to_remove += [a for a in allocations
                          if a not in to_remove][:kept - high]
        if to_remove and reservation.status == 'active':
            raise http_errors.not_enough_hosts()
        kept = len(allocations) - len(to_remove)
        if kept < high:
            need_low = max(low - kept, 0)
            host_ids = self._matching_hosts(
                hyper, resource, '%d-%d' % (need_low, high - kept),
                values['start_date'], values['end_date'])
            if len(host_ids) < need_low:
                raise http_errors.not_enough_hosts()
            for host_id in host_ids:
                self.add_allocation(host_id, reservation.id)
            if reservation.status == 'active' and host_ids:
                self.pool.add(
                    reservation.aggregate_id,
                    [self.hosts[h].service_name for h in host_ids],
                    reason='lease_update', lease_id=lease.id,
                    reservation_id=reservation.id)
        for allocation in to_remove:
            self.allocations.remove(allocation)
        reservation.count_range = '%d-%d' % (low, high)
        reservation.hypervisor_properties = hyper
        reservation.resource_properties = resource

    # ------------------------------------------------------------------
    # Leases (ManagerService)

    def lease(self, lease_id):
        lease = self.leases.get(lease_id)
        if lease is None:
            raise records.exc(
                'NotFound', 404, "Object with {'lease_id': '%s'} not "
                "found" % lease_id)
        return lease

    def _parse_dates(self, start, end):
        now = self.clock.now().replace(second=0, microsecond=0)
        return (self._parse_date(start, now), self._parse_date(end, now),
                now)

    @staticmethod
    def _parse_date(value, now):
        if value == 'now':
            return now
        try:
            return datetime.datetime.strptime(value, records.DATE_FORMAT)
        except (TypeError, ValueError):
            raise records.exc(
                'InvalidDate', 400, '%s is an invalid date. Required '
                'format: %s' % (value, records.DATE_FORMAT))

    def create_lease(self, values, project_id, user_id, pinned_hosts=None):
        """ManagerService.create_lease.

        ``pinned_hosts`` (scenarios only) maps a reservation index to the
        host ids Blazar would have picked.
        """
        for key in ('name', 'start_date', 'end_date'):
            if key not in values:
                raise records.exc(
                    'MissingParameter', 400, 'Missing parameter %s' % key)
        requested = [dict(r) for r in values.get('reservations') or []]
        for res in requested:
            if 'resource_type' not in res:
                raise records.exc(
                    'MissingParameter', 400, 'Missing parameter resource_type')
            if res['resource_type'] not in (records.HOST_TYPE,
                                            records.INSTANCE_TYPE):
                raise records.exc(
                    'UnsupportedResourceType', 500, 'The %s resource '
                    'type is not supported' % res['resource_type'])
        start, end, now = self._parse_dates(values['start_date'],
                                            values['end_date'])
        if start < now:
            raise records.exc(
                'InvalidInput', 400,
                'Start date must be later than current date')
        if end <= start:
            raise records.exc(
                'InvalidInput', 400, 'End date must be later than start date.')
        created = self.clock.now()
        lease = records.Lease(
            id=self.ids.uuid('lease'), name=values['name'],
            user_id=user_id, project_id=project_id,
            start_date=start, end_date=end,
            trust_id=self.ids.uuid('trust'), created_at=created)
        before_end = self._before_end_date(values.get('before_end_date'),
                                           lease)
        self.leases[lease.id] = lease
        try:
            for index, res in enumerate(requested):
                reservation = records.Reservation(
                    id=self.ids.uuid('reservation'), lease_id=lease.id,
                    resource_type=res['resource_type'], resource_id=None,
                    created_at=created)
                lease.reservations.append(reservation)
                pinned = (pinned_hosts or {}).get(index)
                if res['resource_type'] == records.HOST_TYPE:
                    self._reserve_hosts(lease, reservation, res, pinned)
                else:
                    self.instances.reserve(lease, reservation, res, pinned)
        except http_errors.SimError:
            self._rollback_create(lease)
            raise
        for event_type, when in (('start_lease', start), ('end_lease', end),
                                 ('before_end_lease', before_end)):
            if when is not None:
                lease.events.append(records.Event(
                    id=self.ids.uuid('event'), lease_id=lease.id,
                    event_type=event_type, time=when, created_at=created))
        lease.status = 'PENDING'
        return lease

    def _rollback_create(self, lease):
        """db_api.lease_destroy: rows go; Nova objects made so far stay."""
        for reservation in lease.reservations:
            for allocation in self.allocations_of(reservation.id):
                self.allocations.remove(allocation)
        del self.leases[lease.id]

    def _before_end_date(self, requested, lease):
        if requested:
            when = self._parse_date(requested, None)
            if not lease.start_date < when < lease.end_date:
                raise records.exc(
                    'NotAuthorized', 403, 'Datetime is out of lease limits')
        elif self.config['minutes_before_end_lease'] > 0:
            when = lease.end_date - datetime.timedelta(
                minutes=self.config['minutes_before_end_lease'])
        else:
            return None
        return max(when, lease.start_date)

    def _transition(self, lease, transition, allowed_from):
        if lease.status not in allowed_from:
            raise records.exc('InvalidStatus', 500, 'Invalid lease status.')
        original = lease.status
        lease.status = transition
        return original

    def _derive_status(self, lease):
        """LeaseStatus.derive_stable_status."""
        start, end = lease.event('start_lease'), lease.event('end_lease')
        status = {('UNDONE', 'UNDONE'): 'PENDING',
                  ('DONE', 'UNDONE'): 'ACTIVE',
                  ('DONE', 'DONE'): 'TERMINATED'}.get(
                      (start.status, end.status), 'ERROR')
        allowed = {'PENDING': ('pending',), 'ACTIVE': ('active',),
                   'TERMINATED': ('deleted',), 'ERROR': ('error',)}[status]
        if any(r.status not in allowed for r in lease.reservations):
            return 'ERROR'
        return status

    def update_lease(self, lease_id, values):
        lease = self.lease(lease_id)
        values = dict(values)
        if not values:
            return lease
        if list(values) == ['name']:
            lease.name = values['name']
            return lease
        original = self._transition(
            lease, 'UPDATING', ('PENDING', 'ACTIVE', 'TERMINATED', 'ERROR'))
        try:
            self._update_lease(lease, values)
        except http_errors.SimError as exc:
            lease.status = original if getattr(exc, 'name', None) in \
                NON_FATAL else 'ERROR'
            raise
        lease.status = self._derive_status(lease)
        lease.updated_at = self.clock.now()
        return lease

    def _update_lease(self, lease, values):
        fmt = records.DATE_FORMAT
        start, end, now = self._parse_dates(
            values.get('start_date', lease.start_date.strftime(fmt)),
            values.get('end_date', lease.end_date.strftime(fmt)))
        if lease.start_date < now and start != lease.start_date:
            raise records.exc(
                'InvalidInput', 400,
                'Cannot modify the start date of already started '
                'leases')
        if lease.start_date > now and start < now:
            raise records.exc(
                'InvalidInput', 400,
                'Start date must be later than current date')
        if lease.end_date < now:
            raise records.exc(
                'InvalidInput', 400, 'Terminated leases can only be renamed')
        if end < now or end < start:
            raise records.exc(
                'InvalidInput', 400,
                'End date must be later than current and start date')
        changes = values.get('reservations') or []
        known = {r.id: r for r in lease.reservations}
        for change in changes:
            if 'id' not in change:
                raise records.exc(
                    'MissingParameter', 400,
                    'Missing parameter reservation ID')
            if change['id'] not in known:
                raise records.exc(
                    'InvalidInput', 400, 'Please enter valid '
                    'reservation IDs. Invalid reservation IDs are: %s'
                    % change['id'])
            if known[change['id']].resource_type == records.INSTANCE_TYPE:
                raise records.exc(
                    'NotImplemented', 409, "Updating parameters for "
                    "'flavor:instance' type reservations is not yet "
                    "supported.")
        before = (lease.start_date, lease.end_date)
        for reservation in lease.reservations:
            change = dict(start_date=start, end_date=end)
            for item in changes:
                if item['id'] == reservation.id:
                    change.update(item)
            if reservation.resource_type == records.HOST_TYPE:
                self._update_hosts(lease, reservation, change, before)
        lease.start_date, lease.end_date = start, end
        lease.event('start_lease').time = start
        lease.event('end_lease').time = end
        before_end = lease.event('before_end_lease')
        if before_end is not None:
            delta = before[1] - before_end.time
            before_end.time = max(end - delta, start)
            if before_end.status == 'DONE':
                before_end.status = 'UNDONE'
        if 'name' in values:
            lease.name = values['name']

    def delete_lease(self, lease_id, reason='lease_delete'):
        lease = self.lease(lease_id)
        self._transition(lease, 'DELETING',
                         ('PENDING', 'ACTIVE', 'TERMINATED', 'ERROR'))
        try:
            start, end = lease.event('start_lease'), lease.event('end_lease')
            if start.status != 'UNDONE' and end.status == 'UNDONE':
                end.status = 'IN_PROGRESS'
            for reservation in lease.reservations:
                if reservation.status != 'deleted':
                    self._on_end(lease, reservation, reason)
        except http_errors.SimError:
            lease.status = 'ERROR'
            raise
        del self.leases[lease.id]

    def _on_end(self, lease, reservation, reason):
        if reservation.resource_type == records.HOST_TYPE:
            self._end_hosts(lease, reservation, reason)
        else:
            self.instances.end(lease, reservation, reason)

    # ------------------------------------------------------------------
    # Events

    def process_events(self):
        """ManagerService._process_events: due events, in its batches."""
        now = self.clock.now()
        due = sorted([e for lease in self.leases.values()
                      for e in lease.events
                      if e.status == 'UNDONE' and e.time <= now],
                     key=lambda e: e.time)
        for batch in _execution_batches(due):
            for event in batch:
                lease = self.leases.get(event.lease_id)
                if lease is None or lease.status not in (
                        'PENDING', 'ACTIVE', 'TERMINATED', 'ERROR'):
                    continue
                event.status = 'IN_PROGRESS'
                self._exec_event(lease, event)

    def _exec_event(self, lease, event):
        try:
            if event.event_type == 'start_lease':
                self._run_lease_action(lease, event, 'STARTING',
                                       ('PENDING',), 'active')
            elif event.event_type == 'end_lease':
                self._run_lease_action(lease, event, 'TERMINATING',
                                       ('ACTIVE', 'ERROR'), 'deleted')
            else:
                event.status = 'DONE'
        except http_errors.SimError as exc:
            if getattr(exc, 'name', None) == 'InvalidStatus':
                # Raised before any change: retried for event_max_retries.
                retry = self.clock.now() < event.time + \
                    datetime.timedelta(seconds=10)
                event.status = 'UNDONE' if retry else 'ERROR'
            else:
                # Not a BlazarException: lease_status puts the lease in
                # ERROR and _exec_event the event.
                event.status = 'ERROR'
                lease.status = 'ERROR'

    def _run_lease_action(self, lease, event, transition, allowed_from,
                          reservation_status):
        """start_lease/end_lease: _basic_action under lease_status."""
        self._transition(lease, transition, allowed_from)
        event_status = 'DONE'
        for reservation in lease.reservations:
            valid = {'pending': ('active', 'deleted', 'error'),
                     'active': ('deleted', 'error'),
                     'error': ('deleted',)}.get(reservation.status, ())
            try:
                if reservation_status not in valid:
                    raise records.exc(
                        'InvalidStatus', 500, 'Invalid lease status.')
                if transition == 'STARTING':
                    if reservation.resource_type == records.HOST_TYPE:
                        self._start_hosts(lease, reservation)
                    else:
                        self.instances.start(lease, reservation)
                else:
                    self._on_end(lease, reservation, 'lease_end')
            except http_errors.BlazarError:
                event_status = 'ERROR'
                reservation.status = 'error'
            else:
                reservation.status = reservation_status
        event.status = event_status
        lease.status = self._derive_status(lease)
        lease.updated_at = self.clock.now()

    def end_all_leases(self):
        """Run end_lease now for every ACTIVE lease."""
        now = self.clock.now()
        for lease in list(self.leases.values()):
            if lease.status == 'ACTIVE':
                event = lease.event('end_lease')
                event.time = now
                event.status = 'IN_PROGRESS'
                self._exec_event(lease, event)

    # ------------------------------------------------------------------
    # Monitor and healing

    def poll(self):
        """PhysicalHostMonitorPlugin.poll: new failures trigger healing."""
        self.last_poll = self.clock.now()
        failed, recovered = [], []
        for host in self.hosts.values():
            compute = self.nova.hosts.get(host.service_name)
            if compute is None:
                continue
            up = self.nova.service_is_up(compute.service)
            disabled = compute.service.disabled
            if host.reservable and (not up or disabled):
                failed.append(host)
            elif not host.reservable and up and not disabled:
                recovered.append(host)
        for host in recovered:
            host.reservable = True
            self.monitor_log.append(('recovered', host.hypervisor_hostname))
        for host in failed:
            host.reservable = False
            self.monitor_log.append(('failed', host.hypervisor_hostname))
        if failed:
            self.heal()

    def heal(self):
        """BaseMonitor.call_monitor_plugin(heal): heal, then set flags.

        Also run on its own every ``healing_interval`` minutes, which is
        how a reservation whose healing failed gets healed later.
        """
        self.last_heal = self.clock.now()
        try:
            flags = self._heal()
        except http_errors.SimError as exc:
            # call_monitor_plugin logs the exception and drops every flag.
            self.monitor_log.append(('heal-error', exc.message))
            return
        for reservation_id, values in flags.items():
            lease, reservation = self.find_reservation(reservation_id)
            for key, value in values.items():
                setattr(reservation, key, value)
            lease.degraded = True

    def _heal(self):
        unreservable = [h.id for h in self.hosts.values() if not h.reservable]
        begin = self.clock.now()
        minutes = self.config['blazar_healing_interval']
        end = datetime.datetime.max if minutes == 0 else \
            begin + datetime.timedelta(minutes=minutes)
        flags = {}
        touched = []
        for host_id in unreservable:
            for reservation in self.reservations_of_host(
                    host_id, begin, end):
                if reservation not in touched:
                    touched.append(reservation)
        for reservation in touched:
            lease, _ = self.find_reservation(reservation.id)
            broken = [a for a in self.allocations_of(reservation.id)
                      if a['compute_host_id'] in unreservable]
            if reservation.resource_type == records.HOST_TYPE:
                for allocation in broken:
                    if self._reallocate_host(lease, reservation, allocation):
                        if reservation.status == 'active':
                            flags.setdefault(reservation.id, {})[
                                'resources_changed'] = True
                    else:
                        flags.setdefault(reservation.id, {})[
                            'missing_resources'] = True
            elif not self.instances.heal(lease, reservation, broken):
                flags.setdefault(reservation.id, {})['missing_resources'] = \
                    True
            elif reservation.status == 'active':
                flags.setdefault(reservation.id, {})['resources_changed'] = \
                    True
        return flags

    def _reallocate_host(self, lease, reservation, allocation):
        """PhysicalHostPlugin._reallocate."""
        if reservation.status == 'active':
            old = self.hosts[allocation['compute_host_id']]
            self.pool.remove(reservation.aggregate_id, [old.service_name])
        start = max(self.clock.now(), lease.start_date)
        new_ids = self._matching_hosts(reservation.hypervisor_properties,
                                       reservation.resource_properties,
                                       '1-1', start, lease.end_date)
        if not new_ids:
            self.allocations.remove(allocation)
            return False
        allocation['compute_host_id'] = new_ids.pop()
        if reservation.status == 'active':
            new = self.hosts[allocation['compute_host_id']]
            self.pool.add(reservation.aggregate_id, [new.service_name],
                          reason='healing', lease_id=lease.id,
                          reservation_id=reservation.id)
        return True


def _execution_batches(events):
    """ManagerService._select_for_execution."""
    by_type = collections.defaultdict(list)
    by_lease = collections.defaultdict(list)
    for event in events:
        by_type[event.event_type].append(event)
        by_lease[event.lease_id].append(event)
    deferred_before, deferred_end = [], []
    for start in by_type['start_lease']:
        for event in by_lease[start.lease_id]:
            if event.event_type == 'before_end_lease':
                by_type['before_end_lease'].remove(event)
                deferred_before.append(event)
            elif event.event_type == 'end_lease':
                by_type['end_lease'].remove(event)
                deferred_end.append(event)
    return [by_type['before_end_lease'], by_type['end_lease'],
            by_type['start_lease'], deferred_before, deferred_end]
