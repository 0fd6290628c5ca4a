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

"""Running recoveries through the real Masakari engine in the tests.

The engine is Masakari's own manager and TaskFlow driver, with sqlite
persistence, configured by :mod:`masakari_blazar.local.engine`; the cloud
is a :class:`SimulatedCloud` spoken to over HTTP by the real clients.
"""

import copy
import json

from masakari_blazar.local import engine as local_engine
from masakari_blazar.simulator import lease_end
from masakari_blazar.simulator import scenario as scenario_mod
from masakari_blazar.simulator import SimulatedCloud

CLAIMS = 'masakari-blazar-claims'


def scenario(name, edit=None):
    """A shipped scenario as a dict, changed by ``edit(spec)``."""
    spec = copy.deepcopy(scenario_mod.load(name))
    if edit:
        edit(spec)
    return spec


def pinned_to(zone, hosts, default=()):
    """A scenario edit: compute-1's instances booted into ``zone``.

    The zone is that of the aggregate ``rack-<zone>`` of ``hosts``; the
    instances named in ``default`` are booted into Nova's default zone,
    ``nova``, instead.
    """
    def edit(spec):
        spec.setdefault('aggregates', []).append(
            {'name': 'rack-' + zone, 'az': zone, 'hosts': list(hosts)})
        for server in spec['servers']:
            if server['host'] == 'compute-1':
                server['availability_zone'] = (
                    'nova' if server['name'] in default else zone)
    return edit


class Recovery(object):
    """One recovery's cloud and Masakari outcome, with checks on both."""

    def __init__(self, engine, cloud, host, notification_uuid):
        self.engine = engine
        self.cloud = cloud
        self.host = host
        self.uuid = notification_uuid
        self.refresh()

    def refresh(self):
        self.result = self.engine.notification(self.uuid)
        self.status = self.result['status']
        return self

    def retry(self):
        """Run the notification again, as Masakari's periodic task does."""
        self.engine.retry(self.uuid)
        return self.refresh()

    @property
    def messages(self):
        return [d['message'] for task in self.result['progress']
                for d in task['details']]

    def said(self, fragment):
        return any(fragment in m for m in self.messages)

    @property
    def moved(self):
        """Ids of the instances whose newest VMove succeeded."""
        latest = {}
        for vmove in self.result['vmoves']:
            latest[vmove['instance']] = vmove['status']
        return sorted(i for i, s in latest.items() if s == 'succeeded')

    def where(self, name):
        return self.cloud.server(name)['host']

    def claims(self):
        """The claim ledger as the cloud holds it."""
        snapshot = self.cloud.snapshot()
        metadata = snapshot['aggregates'].get(CLAIMS, {}).get('metadata', {})
        return {key[len('claim:'):]: json.loads(value)
                for key, value in metadata.items()
                if key.startswith('claim:')}

    def lease_names(self):
        return sorted(lease['name'] for lease in
                      self.cloud.snapshot()['blazar']['leases'].values()
                      if lease['status'] not in ('TERMINATED', 'DELETED'))

    def blazar_hosts(self):
        return sorted(h['hypervisor_hostname'] for h in
                      self.cloud.snapshot()['blazar']['hosts'].values())

    def assert_nothing_lost(self):
        """No instance is lost: the first invariant (doc/source/design.rst).

        Every moved instance runs on a host other than the failed one, and
        ending every remaining lease deletes none of them, except those that
        their own reservation's end deletes, as on their original host.
        """
        for server_id in self.moved:
            server = self.cloud.server(server_id)
            assert server['host'] != self.host, server
            assert server['vm_state'] in ('active', 'stopped', 'error'), server
        lost = lease_end.lost_instances(self.cloud, self.moved)
        assert lost == []


class Runner(object):
    """Starts clouds and runs Masakari notifications against them."""

    def __init__(self, workdir):
        self.engine = local_engine.get_engine(workdir)
        self.clouds = []

    def cloud(self, spec, **sim_config):
        sim_config.setdefault('evacuation_delay', 0.02)
        cloud = SimulatedCloud(spec, **sim_config).start()
        self.clouds.append(cloud)
        return cloud

    def prepare(self, cloud, method='auto', reserved=(), tasks=None,
                **plugin_options):
        """Masakari's records and the plugin's options for ``cloud``."""
        self.engine.reset()
        self.engine.use_cloud(cloud.credentials, **plugin_options)
        self.engine.set_tasks(tasks)
        hosts = sorted(cloud.snapshot()['hosts'])
        self.engine.add_segment('segment', method, hosts, reserved=reserved)

    def fail(self, cloud, host):
        """Fence ``host`` and let Masakari recover it."""
        cloud.fail_host(host, forced_down=True)
        notification_uuid = self.engine.notify_host_failure(host)
        return Recovery(self.engine, cloud, host, notification_uuid)

    def stop(self):
        for cloud in self.clouds:
            cloud.stop()
