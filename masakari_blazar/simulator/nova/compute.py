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

"""Nova and Placement in memory: the compute side of the simulated cloud.

Nothing here speaks HTTP.  The Nova and Placement handlers translate
requests into these calls, and the simulated Blazar calls them directly, the
way the real Blazar calls Nova's API.  Every refusal raises the error the
real service returns, with its status and message text taken from Nova's
and Placement's source, because the plugin under test tells failures apart
by exactly those.
"""

import dataclasses
import datetime
import re
import time
import typing

from masakari_blazar.simulator import durations
from masakari_blazar.simulator import http_errors
from masakari_blazar.simulator import ids
from masakari_blazar.simulator.nova import rebuilds
from masakari_blazar.simulator.nova import scheduler
from masakari_blazar.simulator.placement import store

POWER_RUNNING = 1
POWER_SHUTDOWN = 4

# nova.conf defaults: initial_*_allocation_ratio and reserved_host_*.
DEFAULT_CPU_RATIO = 4.0
DEFAULT_RAM_RATIO = 1.0
DEFAULT_DISK_RATIO = 1.0
DEFAULT_RESERVED_MEMORY_MB = 512


@dataclasses.dataclass
class Service(object):
    """A row of Nova's services table, plus the power switch of its host."""

    id: int
    uuid: str
    host: str
    binary: str
    created_at: object
    disabled: bool = False
    disabled_reason: str = None
    forced_down: bool = False
    # While powered, the service heartbeats continuously; once powered off
    # its last heartbeat stays at ``last_seen_up``.
    powered: bool = True
    last_seen_up: object = None


@dataclasses.dataclass
class ComputeHost(object):
    """A nova-compute host: its service and its single compute node."""

    name: str
    node_id: int
    node_uuid: str
    service: Service
    vcpus: int
    memory_mb: int
    disk_gb: int
    cpu_allocation_ratio: float = DEFAULT_CPU_RATIO
    ram_allocation_ratio: float = DEFAULT_RAM_RATIO
    disk_allocation_ratio: float = DEFAULT_DISK_RATIO
    reserved_host_memory_mb: int = DEFAULT_RESERVED_MEMORY_MB
    host_ip: str = '192.0.2.1'
    hypervisor_type: str = 'QEMU'
    hypervisor_version: int = 8002000
    #: ``[compute] cpu_dedicated_set``: the host CPUs reported as PCPU.
    cpu_dedicated_set: str = ''
    #: The root provider's CPU-feature and custom traits.
    traits: tuple = ('HW_CPU_X86_AVX2',)


@dataclasses.dataclass
class Flavor(object):
    id: str
    name: str
    vcpus: int
    ram: int
    disk: int
    ephemeral: int = 0
    swap: int = 0
    is_public: bool = True
    description: str = None
    extra_specs: dict = dataclasses.field(default_factory=dict)
    access: list = dataclasses.field(default_factory=list)

    def snapshot(self):
        """The copy of the flavor an instance keeps (Nova's instance_extra)."""
        return {'id': self.id, 'name': self.name, 'vcpus': self.vcpus,
                'ram': self.ram, 'disk': self.disk,
                'ephemeral': self.ephemeral, 'swap': self.swap,
                'extra_specs': dict(self.extra_specs)}


@dataclasses.dataclass
class Server(object):
    id: str
    name: str
    project_id: str
    user_id: str
    host: str
    flavor: dict
    seq: int
    created_at: object
    updated_at: object
    vm_state: str = 'active'
    task_state: str = None
    power_state: int = POWER_RUNNING
    locked: bool = False
    locked_reason: str = None
    metadata: dict = dataclasses.field(default_factory=dict)
    # The boot request spec's hints, as Nova stores them: lists of strings.
    scheduler_hints: dict = dataclasses.field(default_factory=dict)
    # The AZ requested at boot, if any (the request spec's pinned AZ).
    requested_az: str = None
    image_id: str = ids.stable_uuid('image', 'cirros')
    fault: dict = None


@dataclasses.dataclass
class ServerGroup(object):
    """A server group as Nova keeps it from 2.64: one policy, its rules."""

    id: str
    name: str
    policy: str
    project_id: str
    user_id: str
    rules: dict = dataclasses.field(default_factory=dict)
    members: typing.List[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Aggregate(object):
    id: int
    uuid: str
    name: str
    created_at: object
    updated_at: object = None
    metadata: dict = dataclasses.field(default_factory=dict)
    hosts: list = dataclasses.field(default_factory=list)

    @property
    def availability_zone(self):
        return self.metadata.get('availability_zone')


@dataclasses.dataclass
class Migration(object):
    id: int
    uuid: str
    instance_uuid: str
    source_compute: str
    dest_compute: str
    status: str
    migration_type: str = 'evacuation'


@dataclasses.dataclass
class Evacuation(object):
    """An accepted evacuation, finishing at ``due`` (time.monotonic).

    One with a target is a rebuild there, and ``due`` is its projected end
    under the target's contention (:mod:`rebuilds`), None while it waits
    for a slot; it moves as other rebuilds start and end.
    """

    server_id: str
    due: float
    migration: Migration
    dest: str = None
    stop: bool = False
    failure: str = None
    details: str = ''


class CloudState(object):
    """Nova's and Placement's databases and the behaviour around them.

    Callers hold ``lock`` (owned by the cloud) around every call; the
    methods themselves do not lock, so that one request or one Blazar
    action is atomic as a whole.
    """

    def __init__(self, clock, config, idgen):
        self.clock = clock
        self.config = config
        self.ids = idgen
        self.services = []
        self.hosts = {}
        self.servers = {}
        self.flavors = {}
        self.aggregates = {}
        self.server_groups = {}
        self.placement = store.PlacementState(idgen)
        self.migrations = []
        self.deleted_servers = []
        # Deleted servers as Nova keeps them (soft-deleted rows): listed
        # again only by a changes-since query.
        self.tombstones = []
        self.evacuations = {}
        self.rebuilds = rebuilds.Rebuilds(config['rebuild_slots'],
                                          config['rebuild_parallelism'])
        # Server id -> time.monotonic() at which its last successful
        # evacuation landed (became ACTIVE or stopped on the target).
        self.landed = {}
        # Server id -> whether its next evacuation fails on the target.
        self.evacuation_failures = {}
        # Filter name -> the hosts it refuses: an operator's own
        # (out-of-tree) scheduler filter, which no plan can predict.
        self.operator_filters = {}
        self._server_seq = 0
        for binary in ('nova-scheduler', 'nova-conductor'):
            self._add_service('controller', binary)

    # ------------------------------------------------------------------
    # Services and hosts

    def _add_service(self, host, binary):
        service = Service(id=self.ids.integer('service'),
                          uuid=ids.stable_uuid('service', host + ':' + binary),
                          host=host, binary=binary,
                          created_at=self.clock.now())
        self.services.append(service)
        return service

    def add_compute_host(self, name, vcpus, memory_mb, disk_gb, **options):
        """Register a compute host, its node and its root provider."""
        if name in self.hosts:
            raise ValueError('Duplicate host %s' % name)
        service = self._add_service(name, 'nova-compute')
        node_id = self.ids.integer('compute_node')
        host = ComputeHost(name=name, node_id=node_id,
                           node_uuid=ids.stable_uuid('node', name),
                           service=service, vcpus=vcpus,
                           memory_mb=memory_mb, disk_gb=disk_gb,
                           host_ip='192.0.2.%d' % (node_id % 250 + 1),
                           **options)
        self.hosts[name] = host
        root = self.placement.create_provider(name, rp_uuid=host.node_uuid)
        inventory = store.inventory
        root.inventories = {
            'VCPU': inventory(vcpus, ratio=host.cpu_allocation_ratio),
            'MEMORY_MB': inventory(memory_mb,
                                   reserved=host.reserved_host_memory_mb,
                                   ratio=host.ram_allocation_ratio),
            'DISK_GB': inventory(disk_gb, ratio=host.disk_allocation_ratio),
        }
        pcpus = len(scheduler.parse_cpu_set(host.cpu_dedicated_set))
        if pcpus:
            # The libvirt driver reports one PCPU per CPU of the set, at
            # ratio 1 and none reserved (LibvirtDriver._get_inventory).
            root.inventories['PCPU'] = inventory(pcpus)
        root.traits = ['COMPUTE_NODE'] + list(host.traits)
        root.generation = 1
        return host

    def compute_host(self, name):
        """The compute host ``name``, or Nova's ComputeHostNotFound (404)."""
        host = self.hosts.get(name)
        if host is None:
            raise http_errors.NovaError(
                404, 'Compute host %s could not be found.' % name)
        return host

    def service_is_up(self, service):
        """nova.servicegroup: forced down, or no heartbeat for too long."""
        if service.forced_down:
            return False
        if service.powered:
            return True
        elapsed = (self.clock.now() - service.last_seen_up).total_seconds()
        return abs(elapsed) <= self.config['service_down_time']

    def service_updated_at(self, service):
        return self.clock.now() if service.powered else service.last_seen_up

    def find_services(self, host=None, binary=None):
        return [s for s in self.services
                if (not host or s.host == host)
                and (not binary or s.binary == binary)]

    def service_by_id(self, service_id, by_uuid):
        for service in self.services:
            if (service.uuid if by_uuid else str(service.id)) == \
                    str(service_id):
                return service
        if by_uuid:
            raise http_errors.NovaError(
                404, 'Service %s could not be found.' % service_id)
        raise http_errors.NovaError(404, 'Service %s not found.' % service_id)

    def update_service(self, service, status=None, disabled_reason=None,
                       forced_down=None):
        """Enable/disable and force down, with the compute-only rule."""
        if service.binary != 'nova-compute':
            raise http_errors.NovaError(
                400, 'Updating a %s service is not supported. Only '
                'nova-compute services can be updated.' % service.binary)
        if status == 'enabled':
            service.disabled = False
            service.disabled_reason = None
        elif status == 'disabled':
            service.disabled = True
            service.disabled_reason = disabled_reason
        if forced_down is not None:
            if not forced_down:
                self._check_for_evacuations(service.host)
            service.forced_down = bool(forced_down)

    def _check_for_evacuations(self, host):
        if any(m.source_compute == host and m.status == 'done'
               for m in self.migrations):
            raise http_errors.NovaError(
                400, 'Unable to force up host %s as `done` evacuation '
                'migration records remain associated with the host. Ensure '
                'the compute service has been restarted, allowing these '
                'records to move to `completed` before retrying this '
                'request.' % host)

    def power_off(self, name, forced_down=False):
        """The host dies: heartbeats stop, servers stay where they are."""
        service = self.compute_host(name).service
        if service.powered:
            service.powered = False
            service.last_seen_up = self.clock.now()
        if forced_down:
            service.forced_down = True

    def power_on(self, name):
        """The host comes back: nova-compute restarts and cleans up.

        On start nova-compute finishes its evacuated instances' records
        (migrations ``done`` become ``completed``) and drops their source
        allocations, and runs power actions that were cast to it while it
        was down.  ``forced_down`` stays as the operator left it.
        """
        host = self.compute_host(name)
        host.service.powered = True
        host.service.last_seen_up = None
        for migration in self.migrations:
            if migration.source_compute == name and \
                    migration.status == 'done':
                migration.status = 'completed'
                self.placement.release(migration.instance_uuid,
                                       host.node_uuid)
        for server in self.servers_on_host(name):
            if server.task_state == 'powering-off':
                self._set_power(server, 'stopped')
            elif server.task_state == 'powering-on':
                self._set_power(server, 'active')

    def host_aggregates(self, name):
        return [a for a in self.aggregates.values() if name in a.hosts]

    def host_az(self, name):
        """The host's AZ: its AZ aggregate's, else the default zone."""
        for aggregate in self.host_aggregates(name):
            if aggregate.availability_zone:
                return aggregate.availability_zone
        return self.config['default_availability_zone']

    # ------------------------------------------------------------------
    # Hypervisors

    def hypervisors(self, pattern=None):
        """Compute nodes, optionally those whose name contains ``pattern``.

        Nova matches with SQL LIKE '%pattern%', so 'compute-1' also finds
        'compute-10', and nothing found is a 404.
        """
        found = [h for h in self.hosts.values()
                 if pattern is None or pattern in h.name]
        if pattern is not None and not found:
            raise http_errors.NovaError(
                404, "No hypervisor matching '%s' could be found." % pattern)
        return found

    def hypervisor(self, hypervisor_id, by_uuid):
        for host in self.hosts.values():
            if (host.node_uuid if by_uuid else str(host.node_id)) == \
                    str(hypervisor_id):
                return host
        raise http_errors.NovaError(
            404, "Hypervisor with ID '%s' could not be found."
            % hypervisor_id)

    def hypervisor_usage(self, host):
        """The resource tracker's view of a node (pre-2.88 fields)."""
        servers = self.servers_on_host(host.name)
        vcpus = sum(s.flavor['vcpus'] for s in servers)
        ram = host.reserved_host_memory_mb + sum(s.flavor['ram']
                                                 for s in servers)
        disk = sum(s.flavor['disk'] + s.flavor['ephemeral'] for s in servers)
        return {'vcpus_used': vcpus, 'memory_mb_used': ram,
                'local_gb_used': disk,
                'free_ram_mb': host.memory_mb - ram,
                'free_disk_gb': host.disk_gb - disk,
                'running_vms': len(servers), 'current_workload': 0,
                'disk_available_least': host.disk_gb - disk}

    # ------------------------------------------------------------------
    # Flavors

    def add_flavor(self, flavor_id, name, vcpus, ram, disk, ephemeral=0,
                   swap=0, is_public=True, extra_specs=None,
                   description=None):
        for flavor in self.flavors.values():
            if flavor.name == name:
                raise http_errors.NovaError(
                    409, 'Flavor with name %s already exists.' % name)
        if flavor_id in self.flavors:
            raise http_errors.NovaError(
                409, 'Flavor with ID %s already exists.' % flavor_id)
        flavor = Flavor(id=str(flavor_id), name=name, vcpus=int(vcpus),
                        ram=int(ram), disk=int(disk),
                        ephemeral=int(ephemeral or 0), swap=int(swap or 0),
                        is_public=is_public, description=description,
                        extra_specs=dict(extra_specs or {}))
        self.flavors[flavor.id] = flavor
        return flavor

    def flavor(self, flavor_id):
        flavor = self.flavors.get(str(flavor_id))
        if flavor is None:
            raise http_errors.NovaError(
                404, 'Flavor %s could not be found.' % flavor_id)
        return flavor

    def delete_flavor(self, flavor_id):
        self.flavor(flavor_id)
        del self.flavors[str(flavor_id)]

    def add_flavor_access(self, flavor_id, project_id):
        flavor = self.flavor(flavor_id)
        if flavor.is_public:
            raise http_errors.NovaError(
                409, 'Can not add access to a public flavor.')
        if project_id in flavor.access:
            raise http_errors.NovaError(
                409, 'Flavor access already exists for flavor %s and '
                'project %s combination.' % (flavor_id, project_id))
        flavor.access.append(project_id)

    def remove_flavor_access(self, flavor_id, project_id):
        flavor = self.flavor(flavor_id)
        if project_id not in flavor.access:
            raise http_errors.NovaError(
                404, 'Flavor access not found for %s / %s combination.'
                % (flavor_id, project_id))
        flavor.access.remove(project_id)

    # ------------------------------------------------------------------
    # Servers

    def add_server_group(self, group_id, name, policy, project_id, user_id,
                         rules=None):
        self.server_groups[group_id] = ServerGroup(
            group_id, name, policy, project_id, user_id, dict(rules or {}))
        return self.server_groups[group_id]

    def server_group(self, group_id):
        group = self.server_groups.get(group_id)
        if group is None:
            raise http_errors.NovaError(
                404, 'Instance group %s could not be found.' % group_id)
        return group

    def groups_of(self, server_id):
        """The ids of the groups ``server_id`` is a member of (one at most)."""
        return [g.id for g in self.server_groups.values()
                if server_id in g.members]

    def add_server(self, server_id, name, host, flavor_id, project_id,
                   user_id, vm_state='active', locked=False, metadata=None,
                   scheduler_hints=None, requested_az=None):
        """Place a server as a finished boot would, claiming its resources.

        A ``group`` hint makes it a member of that server group, as Nova
        records it at boot.
        """
        compute = self.compute_host(host)
        flavor = self.flavor(flavor_id)
        self._server_seq += 1
        now = self.clock.now()
        power = POWER_SHUTDOWN if vm_state == 'stopped' else POWER_RUNNING
        server = Server(id=server_id, name=name, project_id=project_id,
                        user_id=user_id, host=host, flavor=flavor.snapshot(),
                        seq=self._server_seq, created_at=now, updated_at=now,
                        vm_state=vm_state, power_state=power, locked=locked,
                        metadata=dict(metadata or {}),
                        scheduler_hints={
                            k: v if isinstance(v, list) else [v]
                            for k, v in (scheduler_hints or {}).items()},
                        requested_az=requested_az)
        self.servers[server.id] = server
        for group_id in server.scheduler_hints.get('group', []):
            self.server_group(group_id).members.append(server.id)
        self._claim(server, compute)
        return server

    def server(self, server_id):
        server = self.servers.get(server_id)
        if server is None:
            raise http_errors.NovaError(
                404, 'Instance %s could not be found.' % server_id)
        return server

    def servers_on_host(self, host):
        return [s for s in self.servers.values() if s.host == host]

    def list_servers(self, filters, scope_project):
        """GET /servers filtering, newest first as Nova sorts by default.

        Without ``all_tenants`` only the caller's project is listed and a
        ``tenant_id`` filter is ignored (lp:#1185290).  ``changes-since``
        lists the servers updated at or after that time, the deleted ones
        too, as Nova does (its ``updated_at`` has second precision).
        """
        all_tenants = _all_tenants(filters)
        project = filters.get('project_id') or filters.get('tenant_id') \
            if all_tenants else scope_project
        servers = list(self.servers.values())
        since = filters.get('changes-since')
        if since is not None:
            since = _parse_changes_since(since)
            servers = [s for s in servers + self.tombstones
                       if s.updated_at.replace(microsecond=0) >= since]
        result = []
        for server in sorted(servers, key=lambda s: -s.seq):
            if project and server.project_id != project:
                continue
            if filters.get('host') and server.host != filters['host']:
                continue
            if filters.get('node') and server.host != filters['node']:
                continue
            if filters.get('flavor') and \
                    server.flavor['id'] != filters['flavor']:
                continue
            if filters.get('name') and \
                    not re.search(filters['name'], server.name):
                continue
            if filters.get('status') and \
                    self.server_status(server) != filters['status'].upper():
                continue
            result.append(server)
        return result

    @staticmethod
    def server_status(server):
        """nova.api.openstack.common.status_from_state."""
        task = server.task_state
        if server.vm_state == 'active':
            return {'rebuilding': 'REBUILD', 'rebuild_spawning': 'REBUILD',
                    'migrating': 'MIGRATING'}.get(task, 'ACTIVE')
        if server.vm_state == 'stopped':
            return 'REBUILD' if task in ('rebuilding', 'rebuild_spawning') \
                else 'SHUTOFF'
        if server.vm_state == 'error':
            return 'REBUILD' if task in ('rebuilding', 'rebuild_spawning') \
                else 'ERROR'
        return {'building': 'BUILD', 'deleted': 'DELETED'}.get(
            server.vm_state, 'UNKNOWN')

    def delete_server(self, server_id, reason='api', lease_id=None,
                      reservation_id=None):
        """Delete at once (a local delete) and record who did it."""
        server = self.server(server_id)
        del self.servers[server.id]
        for group in self.server_groups.values():
            if server.id in group.members:
                group.members.remove(server.id)
        self.placement.drop_consumer(server.id)
        if self.evacuations.pop(server.id, None) is not None:
            self.rebuilds.remove(server.id, time.monotonic())
            self._project_dues()
        server.vm_state = 'deleted'
        server.task_state = None
        self._touch(server)
        self.tombstones.append(server)
        self.deleted_servers.append({
            'id': server.id, 'name': server.name, 'host': server.host,
            'project_id': server.project_id, 'reason': reason,
            'lease_id': lease_id, 'reservation_id': reservation_id})
        return server

    def _check_state(self, server, action, vm_states, task_states=(None,)):
        """nova.compute.api.check_instance_state, with its 409 text."""
        if server.vm_state not in vm_states:
            attr, state = 'vm_state', server.vm_state
        elif server.task_state not in task_states:
            attr, state = 'task_state', server.task_state
        else:
            return
        raise http_errors.NovaError(
            409, "Cannot '%s' instance %s while it is in %s %s"
            % (action, server.id, attr, state))

    def lock_server(self, server_id, reason=None):
        server = self.server(server_id)
        server.locked = True
        server.locked_reason = reason
        self._touch(server)

    def unlock_server(self, server_id):
        server = self.server(server_id)
        server.locked = False
        server.locked_reason = None
        self._touch(server)

    def stop_server(self, server_id):
        """os-stop: cast to the host; lost (kept pending) while it is down."""
        server = self.server(server_id)
        self._check_state(server, 'stop', ('active', 'error'))
        self._power_action(server, 'powering-off', 'stopped')

    def start_server(self, server_id):
        server = self.server(server_id)
        self._check_state(server, 'start', ('stopped',))
        self._power_action(server, 'powering-on', 'active')

    def _power_action(self, server, task_state, vm_state):
        if self.service_is_up(self.hosts[server.host].service):
            self._set_power(server, vm_state)
        else:
            server.task_state = task_state
            self._touch(server)

    def _set_power(self, server, vm_state):
        server.vm_state = vm_state
        server.task_state = None
        server.power_state = POWER_SHUTDOWN if vm_state == 'stopped' \
            else POWER_RUNNING
        self._touch(server)

    def reset_state(self, server_id, state):
        server = self.server(server_id)
        if state not in ('active', 'error'):
            raise http_errors.NovaError(
                400, "Invalid input for field/attribute state. Value: %s. "
                "'%s' is not one of ['active', 'error']" % (state, state))
        server.vm_state = state
        server.task_state = None
        self._touch(server)

    def set_metadata(self, server_id, metadata, replace):
        server = self.server(server_id)
        if replace:
            server.metadata = dict(metadata)
        else:
            server.metadata.update(metadata)
        self._touch(server)
        return server.metadata

    def _touch(self, server):
        server.updated_at = self.clock.now()

    # ------------------------------------------------------------------
    # Evacuation

    def evacuate(self, server_id, host=None, force=False, stop=False):
        """Accept an evacuation as nova-api and the conductor do.

        The API checks run now, the scheduler runs now (claiming the target
        in Placement, as the conductor does within milliseconds), and the
        outcome lands after the server's ``evacuation_delay`` (real
        seconds, see :mod:`durations`), stretched by the rebuilds its
        target runs meanwhile (see :mod:`rebuilds`).
        ``force`` (2.29 to 2.67, with a host) skips the scheduler; ``stop``
        (2.95 on) makes the instance land stopped.
        """
        server = self.server(server_id)
        if host is not None:
            self.compute_host(host)
            if host == server.host:
                raise http_errors.NovaError(
                    400, "The target host can't be the same one.")
        self._check_state(server, 'evacuate', ('active', 'stopped', 'error'))
        source = self.hosts[server.host]
        if self.service_is_up(source.service):
            raise http_errors.NovaError(
                400, 'Compute service of %s is still in use.' % server.host)
        server.task_state = 'rebuilding'
        self._touch(server)
        migration = Migration(id=self.ids.integer('migration'),
                              uuid=self.ids.uuid('migration'),
                              instance_uuid=server.id,
                              source_compute=server.host, dest_compute=host,
                              status='accepted')
        self.migrations.append(migration)
        now = time.monotonic()
        work = durations.evacuation_time(self.config['evacuation_delay'],
                                         server.id)
        evacuation = Evacuation(server_id=server.id, due=now + work,
                                migration=migration, stop=stop)
        try:
            dest = host if force else scheduler.select_destination(
                self, server, host)
        except scheduler.NoValidHost as exc:
            evacuation.failure = str(exc)
            evacuation.details = exc.details
        else:
            evacuation.dest = dest
            migration.dest_compute = dest
            self._claim(server, self.hosts[dest])
            self.rebuilds.add(dest, server.id, work, now)
        self.evacuations[server.id] = evacuation
        self._project_dues()

    def fail_next_evacuation(self, server_id, on_target=False):
        self.evacuation_failures[self.server(server_id).id] = on_target

    def finish_due_evacuations(self):
        """Land what ended by now, rebuilds in the order they ended."""
        now = time.monotonic()
        for server_id, ended in self.rebuilds.finish(now):
            evacuation = self.evacuations.pop(server_id)
            evacuation.due = ended
            self._finish_evacuation(evacuation)
        for evacuation in [e for e in self.evacuations.values()
                           if e.dest is None and e.due <= now]:
            del self.evacuations[evacuation.server_id]
            self._finish_evacuation(evacuation)
        self._project_dues()

    def _project_dues(self):
        for evacuation in self.evacuations.values():
            if evacuation.dest is not None:
                evacuation.due = self.rebuilds.due(evacuation.server_id)

    def _finish_evacuation(self, evacuation):
        server = self.servers[evacuation.server_id]
        migration = evacuation.migration
        on_target = None
        if evacuation.failure is None and \
                server.id in self.evacuation_failures:
            on_target = self.evacuation_failures.pop(server.id)
            if not on_target:
                self.placement.release(server.id,
                                       self.hosts[evacuation.dest].node_uuid)
            evacuation.failure = ('Build of instance %s aborted: Simulated '
                                  'failure of the evacuation.' % server.id)
        if evacuation.failure is not None:
            # Conductor (NoValidHost) or compute failure: vm_state ERROR,
            # the instance stays on its source host, unless the rebuild
            # failed on the target, where it was moved (keeping the claim).
            if on_target:
                server.host = evacuation.dest
            migration.status = 'error' if evacuation.dest is None \
                else 'failed'
            server.vm_state = 'error'
            server.task_state = None
            server.fault = {'code': 500, 'message': evacuation.failure,
                            'details': evacuation.details,
                            'created': self.clock.now()}
            self._touch(server)
            return
        # Nova before 2.95 keeps a stopped instance stopped; an active or
        # an errored one comes back ACTIVE (ComputeManager._do_rebuild...).
        # From 2.95 all but errored ones land stopped.
        was_stopped = server.vm_state == 'stopped' or (
            evacuation.stop and server.vm_state != 'error')
        server.host = evacuation.dest
        server.task_state = None
        server.vm_state = 'stopped' if was_stopped else 'active'
        server.power_state = POWER_SHUTDOWN if was_stopped else POWER_RUNNING
        migration.status = 'done'
        self._touch(server)
        self.landed[server.id] = evacuation.due

    # ------------------------------------------------------------------
    # Aggregates

    def create_aggregate(self, name, availability_zone=None):
        if any(a.name == name for a in self.aggregates.values()):
            raise http_errors.NovaError(
                409, 'Aggregate %s already exists.' % name)
        aggregate_id = self.ids.integer('aggregate')
        aggregate = Aggregate(
            id=aggregate_id,
            uuid=ids.stable_uuid('aggregate', '%d:%s' % (aggregate_id, name)),
            name=name, created_at=self.clock.now())
        if availability_zone:
            aggregate.metadata['availability_zone'] = availability_zone
        self.aggregates[aggregate.id] = aggregate
        return aggregate

    def aggregate(self, aggregate_id):
        try:
            aggregate = self.aggregates.get(int(aggregate_id))
        except (TypeError, ValueError):
            raise http_errors.NovaError(
                400, 'Invalid input for field/attribute id. Value: %s.'
                % aggregate_id)
        if aggregate is None:
            raise http_errors.NovaError(
                404, 'Aggregate %s could not be found.' % aggregate_id)
        return aggregate

    def aggregate_by_name(self, name):
        for aggregate in self.aggregates.values():
            if aggregate.name == name:
                return aggregate
        return None

    def delete_aggregate(self, aggregate_id):
        aggregate = self.aggregate(aggregate_id)
        if aggregate.hosts:
            raise http_errors.NovaError(
                400, 'Cannot remove host from aggregate %s. Reason: Host '
                'aggregate is not empty.' % aggregate.id)
        del self.aggregates[aggregate.id]

    def _check_az(self, aggregate, new_az, hosts, action, check_instances):
        """AggregateAPI.is_safe_to_update_az."""
        if new_az is None:
            return
        if not new_az:
            self._aggregate_invalid(
                action, aggregate, 'Aggregate %s does not support empty '
                'named availability zone' % aggregate.name)
        conflicting = [a.availability_zone for a in self.aggregates.values()
                       if a.availability_zone
                       and a.availability_zone != new_az
                       and a.id != aggregate.id
                       and set(a.hosts) & set(hosts)]
        if conflicting:
            self._aggregate_invalid(
                action, aggregate, 'One or more hosts already in '
                'availability zone(s) %s' % conflicting)
        if check_instances and aggregate.availability_zone != new_az and \
                any(self.servers_on_host(h) for h in hosts):
            self._aggregate_invalid(
                action, aggregate,
                'One or more hosts contain instances in this zone')

    @staticmethod
    def _aggregate_invalid(action, aggregate, reason):
        """InvalidAggregateAction{Add,Delete,Update,UpdateMeta}."""
        templates = {
            'add': (409, 'Cannot add host to aggregate %s. Reason: %s.'),
            'remove': (409,
                       'Cannot remove host from aggregate %s. Reason: %s.'),
            'update': (400, 'Cannot update aggregate %s. Reason: %s.'),
            'metadata': (400, 'Cannot update metadata of aggregate %s. '
                         'Reason: %s.'),
        }
        status, template = templates[action]
        raise http_errors.NovaError(status, template % (aggregate.id, reason))

    def _az_change_with_instances(self, aggregate, host, adding):
        """Nova refuses to move a host with instances to another AZ."""
        if not self.config['nova_az_instance_check']:
            return
        instances = self.servers_on_host(host)
        if not instances or not aggregate.availability_zone:
            return
        # Adding, Nova counts the aggregate itself if the host is already
        # in it; removing, it counts every other aggregate.
        others = {a.availability_zone for a in self.host_aggregates(host)
                  if (adding or a.id != aggregate.id) and
                  a.availability_zone}
        other = sorted(others)[0] if others else None
        if other == aggregate.availability_zone:
            return
        old, new = (other, aggregate.availability_zone) if adding \
            else (aggregate.availability_zone, other)
        self._aggregate_invalid(
            'add' if adding else 'remove', aggregate,
            "The host cannot be %s the aggregate as the availability zone "
            "of the host would change from '%s' to '%s' but the host "
            "already has %d instance(s). Changing the AZ of an existing "
            "instance is not supported by this action. Move the instances "
            "away from this host then try again. If you need to move the "
            "instances between AZs then you can use shelve_offload and "
            "unshelve to achieve this."
            % ('added to' if adding else 'removed from', old, new,
               len(instances)))

    def add_aggregate_host(self, aggregate_id, host):
        """AggregateAPI.add_host_to_aggregate, checks in Nova's order."""
        self.compute_host(host)
        aggregate = self.aggregate(aggregate_id)
        self._check_az(aggregate, aggregate.availability_zone, [host], 'add',
                       check_instances=False)
        self._az_change_with_instances(aggregate, host, adding=True)
        if host in aggregate.hosts:
            raise http_errors.NovaError(
                409, 'Aggregate %s already has host %s.'
                % (aggregate.id, host))
        aggregate.hosts.append(host)
        aggregate.updated_at = self.clock.now()
        return aggregate

    def remove_aggregate_host(self, aggregate_id, host):
        if host not in self.hosts:
            raise http_errors.NovaError(
                404, 'Cannot remove host %s in aggregate %s'
                % (host, aggregate_id))
        try:
            aggregate = self.aggregate(aggregate_id)
        except http_errors.NovaError as exc:
            if exc.status != 404:
                raise
            aggregate = None
        if aggregate is None or host not in aggregate.hosts:
            raise http_errors.NovaError(
                404, 'Cannot remove host %s in aggregate %s'
                % (host, aggregate_id))
        self._az_change_with_instances(aggregate, host, adding=False)
        aggregate.hosts.remove(host)
        aggregate.updated_at = self.clock.now()
        return aggregate

    def set_aggregate_metadata(self, aggregate_id, metadata):
        """set_metadata: a None value removes the key."""
        aggregate = self.aggregate(aggregate_id)
        self._check_az(aggregate, metadata.get('availability_zone', None)
                       if 'availability_zone' in metadata else None,
                       aggregate.hosts, 'metadata', check_instances=True)
        for key, value in metadata.items():
            if value is None:
                aggregate.metadata.pop(key, None)
            else:
                aggregate.metadata[key] = value
        aggregate.updated_at = self.clock.now()
        return aggregate

    def update_aggregate(self, aggregate_id, name=None,
                         availability_zone=None):
        aggregate = self.aggregate(aggregate_id)
        if name is not None and name != aggregate.name:
            if self.aggregate_by_name(name):
                raise http_errors.NovaError(
                    409, 'Aggregate %s already exists.' % name)
            aggregate.name = name
        if availability_zone is not None:
            self._check_az(aggregate, availability_zone, aggregate.hosts,
                           'update', check_instances=True)
            aggregate.metadata['availability_zone'] = availability_zone
        aggregate.updated_at = self.clock.now()
        return aggregate

    def _claim(self, server, host):
        """Allocate the server's flavor in Placement on ``host``'s tree."""
        self.placement.claim(server.id, host.node_uuid,
                             scheduler.flavor_resources(server.flavor))


def _parse_changes_since(value):
    """An ISO 8601 time as naive UTC, or Nova's 400."""
    try:
        parsed = datetime.datetime.fromisoformat(value.replace('Z', '+00:00'))
    except ValueError:
        raise http_errors.NovaError(
            400, 'Invalid filter field: changes-since.')
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return parsed


def _all_tenants(filters):
    """nova.api.openstack.common.is_all_tenants."""
    if 'all_tenants' not in filters:
        return False
    value = str(filters['all_tenants']).strip().lower()
    return value in ('', '1', 't', 'true', 'on', 'y', 'yes')
