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

"""SimulatedCloud: the Python face of the simulator.

Tests and the demo start a cloud from a scenario, point the real clients
at ``auth_url`` with ``credentials``, and use the methods here to do what
no API can: power a host off, move the clock, force due events, inject
failures, and look at the whole state at once.
"""

import threading

from masakari_blazar.simulator.blazar import manager
from masakari_blazar.simulator import bmc
from masakari_blazar.simulator import clock as clock_mod
from masakari_blazar.simulator import config as config_mod
from masakari_blazar.simulator import durations
from masakari_blazar.simulator import faults as faults_mod
from masakari_blazar.simulator import ids
from masakari_blazar.simulator.keystone import api as keystone
from masakari_blazar.simulator.nova import compute as state_mod
from masakari_blazar.simulator import scenario as scenario_mod
from masakari_blazar.simulator import server as server_mod


class SimulatedCloud(object):
    """Keystone, Nova, Placement, Blazar and Ironic in one process.

    :param scenario: a shipped scenario name, a path to a YAML/JSON file,
        or a dict (see ``scenario`` for the format).
    :param config: settings overriding the scenario's ``config`` section.
    """

    def __init__(self, scenario='basic', **config):
        spec = scenario_mod.load(scenario)
        self.config = config_mod.merge(spec.get('config'), config)
        durations.check_all(self.config)
        self.lock = threading.RLock()
        self.clock = clock_mod.SimClock()
        self.ids = ids.IdGenerator()
        self.faults = faults_mod.Faults()
        self.tokens = keystone.TokenStore()
        self.trusts = keystone.TrustStore()
        self.request_log = []
        #: For each evacuation Nova accepted, how many requests
        #: ``request_log`` held then: what a recovery asked before it.
        self.evacuation_marks = []
        self.projects = scenario_mod.projects(spec)
        self.users = scenario_mod.users(spec)
        self.state = state_mod.CloudState(self.clock, self.config, self.ids)
        self.placement = self.state.placement
        self.power = bmc.Power(self.state, self.config, self.clock)
        self.blazar = manager.BlazarState(self.state, self.clock,
                                          self.config, self.ids)
        self._server = None
        self._address = None
        with self.lock:
            scenario_mod.build(self, spec, scenario_mod.describe(scenario))

    # ------------------------------------------------------------------
    # Serving

    def start(self, host='127.0.0.1', port=0):
        """Serve in daemon threads; returns self."""
        if self._server is not None:
            raise RuntimeError('The simulated cloud is already running')
        self._server = server_mod.Server(self, host, port)
        self._address = self._server.address
        self._server.start()
        return self

    def stop(self):
        if self._server is not None:
            self._server.stop()
            self._server = None

    def __enter__(self):
        return self.start() if self._server is None else self

    def __exit__(self, *exc_info):
        self.stop()

    @property
    def base_url(self):
        if self._address is None:
            raise RuntimeError('The simulated cloud is not started')
        return 'http://%s:%d' % self._address

    @property
    def auth_url(self):
        return self.base_url + '/identity/v3'

    @property
    def credentials(self):
        return dict(auth_url=self.auth_url, username='admin',
                    password=self.users['admin'], project_name='admin',
                    user_domain_name=keystone.DOMAIN_NAME,
                    project_domain_name=keystone.DOMAIN_NAME)

    def project_id(self, name):
        return self.projects[name]

    @staticmethod
    def user_id(name):
        return ids.stable_uuid('user', name)

    # ------------------------------------------------------------------
    # Time and events

    def tick(self):
        """Let happen what happens on its own.

        Power actions end and booted hosts' nova-compute comes up,
        evacuations land, Blazar events run, and the Blazar monitor polls
        and heals when their intervals have passed.
        """
        with self.lock:
            self.power.finish_due()
            self.state.finish_due_evacuations()
            self.blazar.process_events()
            if self.config['blazar_monitor']:
                now = self.clock.now()
                if (now - self.blazar.last_poll).total_seconds() >= \
                        self.config['blazar_polling_interval']:
                    self.blazar.poll()
                minutes = self.config['blazar_healing_interval']
                if minutes and (now - self.blazar.last_heal)\
                        .total_seconds() >= minutes * 60:
                    self.blazar.heal()

    def process_events(self):
        """Run what is due now, and the monitor's poll and heal now.

        Due power actions and boots end, due evacuations land and due
        lease events run; with ``blazar_monitor`` the monitor polls at once
        and, as its periodic healing would, heals reservations of hosts it
        holds as failed.
        """
        with self.lock:
            self.power.finish_due()
            self.state.finish_due_evacuations()
            self.blazar.process_events()
            if self.config['blazar_monitor']:
                self.blazar.poll()
                if any(not h.reservable for h in self.blazar.hosts.values()):
                    self.blazar.heal()

    def end_all_leases(self):
        """End every ACTIVE lease as end_lease does; the servers deleted."""
        with self.lock:
            before = len(self.state.deleted_servers)
            self.blazar.end_all_leases()
            return [dict(d) for d in self.state.deleted_servers[before:]]

    # ------------------------------------------------------------------
    # Hosts and servers (the accessors first let due things happen, so
    # they show the state a request made now would see)

    def fail_host(self, name, forced_down=False):
        """Power a host off: its heartbeats stop, its servers stay.

        Nova reports it down after ``service_down_time``, or at once with
        ``forced_down`` (what a fencing monitor sets); its BMC, and so
        Ironic, reads 'power off'.
        """
        with self.lock:
            self.power.cut(name, forced_down)

    def recover_host(self, name):
        """Power a host back on: nova-compute restarts and cleans up.

        At once, without the ``boot_delay`` a power-on through Ironic
        waits: tests that only need the host back should not wait for it.
        """
        with self.lock:
            self.power.restore(name)

    def power_state(self, name):
        """The host's BMC power state, as Ironic reports it."""
        with self.lock:
            self.tick()
            return self.power.bmc(name).power_state

    def boot_time(self, name):
        """Real seconds from a power-on until nova-compute is up."""
        with self.lock:
            return self.power.boot_time(name)

    def set_evacuation_failure(self, name_or_id, on_target=False):
        """Make the server's next evacuation end in ERROR.

        In ERROR on its source host, or with ``on_target`` on the host it
        was evacuated to, as when the rebuild fails there.
        """
        with self.lock:
            self.state.fail_next_evacuation(self._server_id(name_or_id),
                                            on_target)

    def add_operator_filter(self, filter_name, hosts):
        """Enable a scheduler filter of the operator's that refuses ``hosts``.

        Nova loads out-of-tree filters from ``[filter_scheduler]
        available_filters``; the plugin cannot know what they decide, so
        its plan may choose a host that one refuses.
        """
        with self.lock:
            self.state.operator_filters[filter_name] = set(hosts)

    def _server_id(self, name_or_id):
        if name_or_id in self.state.servers:
            return name_or_id
        matches = [s.id for s in self.state.servers.values()
                   if s.name == name_or_id]
        if len(matches) != 1:
            raise KeyError('No single server named %r' % name_or_id)
        return matches[0]

    def evacuation_time(self, name_or_id):
        """Real seconds an evacuation of the server takes."""
        with self.lock:
            return durations.evacuation_time(
                self.config['evacuation_delay'], self._server_id(name_or_id))

    def calls_before_first_evacuation(self, since=0):
        """Requests after the ``since`` first ones, before any evacuation.

        None if no evacuation was accepted after them.
        """
        with self.lock:
            marks = [m for m in self.evacuation_marks if m >= since]
        return min(marks) - since if marks else None

    def rebuild_peaks(self):
        """Host -> the most rebuilds it ran at once (hosts that ran any)."""
        with self.lock:
            return {host: rebuilds.peak for host, rebuilds in
                    self.state.rebuilds.hosts.items()}

    def landings(self):
        """Server id -> time.monotonic() its last evacuation landed."""
        with self.lock:
            self.tick()
            return dict(self.state.landed)

    def server(self, name_or_id):
        """The current state of one server, as a plain dict."""
        with self.lock:
            self.tick()
            return _server_dict(self.state, self.state.servers[
                self._server_id(name_or_id)])

    def hosts_in_aggregate(self, name):
        """Hosts of the aggregate called ``name`` ([] if there is none)."""
        with self.lock:
            self.tick()
            aggregate = self.state.aggregate_by_name(name)
            return list(aggregate.hosts) if aggregate else []

    @property
    def deleted_servers(self):
        with self.lock:
            self.tick()
            return [dict(d) for d in self.state.deleted_servers]

    # ------------------------------------------------------------------
    # Snapshot

    def snapshot(self):
        """The whole state as a deterministic JSON-serialisable dict.

        Wall-clock times are left out so that two runs compare equal.
        """
        with self.lock:
            self.tick()
            return _snapshot(self)


def _server_dict(state, server):
    return {'id': server.id, 'name': server.name, 'host': server.host,
            'project_id': server.project_id, 'user_id': server.user_id,
            'status': state.server_status(server),
            'vm_state': server.vm_state, 'task_state': server.task_state,
            'power_state': server.power_state, 'locked': server.locked,
            'metadata': dict(server.metadata),
            'flavor': dict(server.flavor),
            'scheduler_hints': {k: list(v) for k, v in
                                server.scheduler_hints.items()},
            'availability_zone': state.host_az(server.host),
            'fault': server.fault and server.fault['message']}


def _snapshot(cloud):
    state, blazar = cloud.state, cloud.blazar
    hosts = {}
    for name, host in state.hosts.items():
        service = host.service
        hosts[name] = {
            'hypervisor_id': host.node_id, 'node_uuid': host.node_uuid,
            'service': {'status': 'disabled' if service.disabled
                        else 'enabled',
                        'state': 'up' if state.service_is_up(service)
                        else 'down',
                        'forced_down': service.forced_down,
                        'disabled_reason': service.disabled_reason,
                        'powered': service.powered},
            'power_state': cloud.power.bmc(name).power_state,
            'availability_zone': state.host_az(name),
            'aggregates': [a.name for a in state.host_aggregates(name)],
            'servers': sorted(s.name for s in state.servers_on_host(name))}
    placement = {}
    for provider in state.placement.providers.values():
        placement[provider.name] = {
            'uuid': provider.uuid, 'parent': provider.parent_uuid,
            'generation': provider.generation,
            'inventories': {rc: dict(r) for rc, r in
                            provider.inventories.items()},
            'usages': state.placement.provider_usages(provider.uuid)}
    leases = {}
    for lease in blazar.leases.values():
        leases[lease.id] = {
            'name': lease.name, 'project_id': lease.project_id,
            'status': lease.status, 'degraded': lease.degraded,
            'events': {e.event_type: e.status for e in lease.events},
            'reservations': [dict(
                r.to_dict(), created_at=None, updated_at=None,
                hosts=[blazar.hosts[a['compute_host_id']].hypervisor_hostname
                       for a in blazar.allocations
                       if a['reservation_id'] == r.id])
                for r in lease.reservations]}
    return {
        'hosts': hosts,
        'servers': [dict(_server_dict(state, s), flavor=s.flavor['name'])
                    for s in sorted(state.servers.values(),
                                    key=lambda s: (s.name, s.id))],
        'aggregates': {a.name: {'id': a.id, 'hosts': list(a.hosts),
                                'metadata': dict(a.metadata)}
                       for a in state.aggregates.values()},
        'flavors': {f.id: {'name': f.name, 'vcpus': f.vcpus, 'ram': f.ram,
                           'disk': f.disk, 'is_public': f.is_public,
                           'extra_specs': dict(f.extra_specs),
                           'access': list(f.access)}
                    for f in state.flavors.values()},
        'placement': placement,
        'migrations': [{'instance_uuid': m.instance_uuid,
                        'source': m.source_compute, 'dest': m.dest_compute,
                        'status': m.status} for m in state.migrations],
        'blazar': {
            'hosts': {h.id: {'hypervisor_hostname': h.hypervisor_hostname,
                             'reservable': h.reservable,
                             'extra': dict(h.extra)}
                      for h in blazar.hosts.values()},
            'leases': leases,
            'allocations': [{'host': blazar.hosts[a['compute_host_id']]
                             .hypervisor_hostname,
                             'reservation_id': a['reservation_id']}
                            for a in blazar.allocations],
            'monitor_log': [list(entry) for entry in blazar.monitor_log]},
        'deleted_servers': [dict(d) for d in state.deleted_servers],
    }
