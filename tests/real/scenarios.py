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

"""One scenario, run the same way on the simulated cloud and on real ones.

Both clouds start from the same scenario dict, are failed, recovered by
the same real Masakari engine and ended through the same API calls, and
are observed by the same :class:`observe.Observer`; only building the
cloud and cutting a host's power differ, as no API does either.
"""

import copy

from masakari_blazar.simulator import scenario as scenario_mod
from masakari_blazar.simulator import SimulatedCloud
from tests.real import api as api_mod
from tests.real import observe


def equivalent(name, edit=None):
    """A shipped scenario that real Blazar can build as written.

    Real Blazar picks a lease's hosts itself, so every lease that names
    its hosts is pinned to them, in the simulated cloud too.
    """
    spec = copy.deepcopy(scenario_mod.load(name))
    for lease in spec.get('leases') or []:
        if lease.get('hosts') and len(lease['hosts']) == 1:
            lease['pin'] = True
    if edit:
        edit(spec)
    return spec


class SimCloud(object):
    """The simulated cloud behind the same small interface as RealCloud."""

    def __init__(self, spec, **config):
        config.setdefault('evacuation_delay', 0.05)
        self.cloud = SimulatedCloud(spec, **config).start()
        self.credentials = self.cloud.credentials
        self.hosts = [h['name'] for h in spec.get('hosts') or []]
        self.projects = sorted(scenario_mod.projects(spec))

    def power_off(self, host):
        self.cloud.fail_host(host)

    def fail_next_evacuation(self, name):
        self.cloud.set_evacuation_failure(name)

    def stop(self):
        self.cloud.stop()


class Outcome(object):
    """What one run left: after the recovery, and after every lease ended."""

    def __init__(self, uuid, recovered, ended):
        self.uuid = uuid
        self.recovered = recovered
        self.ended = ended

    @property
    def status(self):
        return self.recovered['masakari']['status']

    def where(self, name):
        return self.recovered['servers'][name]['host']

    @property
    def deleted(self):
        return self.ended['deleted']

    def comparable(self):
        return {'after_recovery': self.recovered,
                'after_lease_end': self.ended}

    def wrongly_deleted(self):
        """Servers a lease end deleted although that lease was not theirs.

        A server deleted at the end of its own reservation, from a host of
        that reservation's aggregate, is deleted exactly as it would have
        been on its original host; any other deletion is a lost instance.
        """
        lost = []
        for name in self.deleted:
            server = self.recovered['servers'][name]
            own = server['reservation']
            aggregate = self.recovered['aggregates'].get(own or '', {})
            if not own or server['host'] not in aggregate.get('hosts', []):
                lost.append('%s on %s (reservation %s)' % (
                    name, server['host'], own))
        return lost


def run(cloud, engine, host, method='auto', tasks=None, reserved=(),
        monitor=False, fail_evacuation=None, **plugin_options):
    """Fail ``host``, recover it with Masakari, then end every lease."""
    api = api_mod.Api(cloud.credentials)
    observer = observe.Observer(api, cloud.projects)
    observer.learn()
    engine.reset()
    engine.use_cloud(cloud.credentials, **plugin_options)
    engine.set_tasks(tasks)
    engine.add_segment('segment', method, sorted(cloud.hosts),
                       reserved=reserved)
    cloud.power_off(host)
    api.force_down(host)
    if monitor:
        # Blazar's host monitor sees the failure and heals before Masakari
        # acts (its poll runs every second on both clouds here).
        api_mod.wait_for(lambda: not observer.blazar()[0][host][
            'reservable'], 30, 'Blazar to see %s fail' % host)
        api.quiesce(observer.blazar)
    if fail_evacuation:
        cloud.fail_next_evacuation(fail_evacuation)
    uuid = engine.notify_host_failure(host)
    first = None
    if fail_evacuation:
        # Masakari's periodic task retries a notification in ERROR.
        api.settle()
        first = observer.observe()
        first['masakari'] = observe.masakari(engine, uuid)
        engine.retry(uuid)
    api.settle()
    recovered = observer.observe()
    recovered['masakari'] = observe.masakari(engine, uuid)
    if first is not None:
        recovered['before_retry'] = first
    recovered['reserved_flags'] = {
        name: engine.host(name).reserved for name in sorted(cloud.hosts)}
    api.end_all_leases()
    ended = observer.observe()
    ended['deleted'] = sorted(set(recovered['servers']) -
                              set(ended['servers']))
    return Outcome(uuid, recovered, ended)
