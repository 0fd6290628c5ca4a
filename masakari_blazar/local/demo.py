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

"""``masakari-blazar demo``: one recovery, end to end, on a simulated cloud.

It starts the embedded simulated cloud from a scenario, registers its
hosts in a Masakari segment, fences one host, and lets the real Masakari
engine (its notification handling, TaskFlow driver and persistence) run
the recovery with this plugin's tasks, printing the progress as it comes.
It ends with the placement of every instance, the spare pool afterwards,
and a check that ending every Blazar lease now would delete none of the
moved instances that it should not.
"""

import json
import sys
import tempfile
import threading
import time

from masakari.objects import fields
from oslo_config import cfg

from masakari_blazar.cloud import pool_reader
from masakari_blazar.commands import progress
from masakari_blazar.commands import tables
from masakari_blazar import exceptions
from masakari_blazar.local import engine as local_engine
from masakari_blazar.recovery import spare_recovery
from masakari_blazar import simulator
from masakari_blazar.simulator import lease_end
from masakari_blazar.simulator import scenario as scenario_mod

CONF = cfg.CONF
METHODS = fields.FailoverSegmentRecoveryMethod


def _default_host(cloud, spares):
    """The host with the most HA instances, which makes the fullest demo."""
    counts = {}
    for server in cloud.snapshot()['servers']:
        if server['host'] not in spares:
            counts[server['host']] = counts.get(server['host'], 0) + 1
    return max(sorted(counts), key=lambda h: counts[h])


class Printer(object):
    """Text for people, or nothing until one JSON document at the end."""

    def __init__(self, as_json, out):
        self.as_json = as_json
        self.out = out

    def __call__(self, text=''):
        if not self.as_json:
            print(text, file=self.out, flush=True)


def run(scenario='demo', host=None, recovery_method=METHODS.AUTO,
        as_json=False, out=sys.stdout):
    """Run the demo; returns the process exit code."""
    say = Printer(as_json, out)
    started = time.monotonic()
    try:
        cloud = simulator.SimulatedCloud(scenario)
    except scenario_mod.ScenarioError as exc:
        raise exceptions.ConfigError(str(exc))
    with cloud:
        workdir = tempfile.mkdtemp(prefix='masakari-blazar-demo-')
        engine = local_engine.get_engine(workdir)
        engine.reset()
        engine.use_cloud(cloud.credentials)
        recovery = spare_recovery.SpareRecovery(CONF)
        before = pool_reader.pool_rows(recovery)
        spares = {row.hostname for row in before}
        computes = sorted(cloud.snapshot()['hosts'])
        if host is not None and host not in computes:
            raise exceptions.ConfigError(
                'demo --host %s: the scenario %s has no such host; its '
                'hosts are %s' % (host, scenario, ', '.join(computes)))
        host = host or _default_host(cloud, spares)
        engine.add_segment('demo-segment', recovery_method, computes,
                           reserved=spares)

        say('Simulated cloud "%s" at %s' % (scenario, cloud.auth_url))
        say()
        say('Spare pool before the failure:')
        say(tables.pool_table(before))
        say()
        on_host = [s for s in cloud.snapshot()['servers']
                   if s['host'] == host]
        say('Host %s fails with %d instance(s). It is fenced (powered off, '
            'nova-compute forced down) as masakari-hostmonitor reports it.'
            % (host, len(on_host)))
        cloud.fail_host(host, forced_down=True)
        notification_uuid = engine.create_notification(host)
        say('Masakari notification %s, segment recovery_method %s:' % (
            notification_uuid, recovery_method))
        worker = threading.Thread(target=engine.process,
                                  args=(notification_uuid,), daemon=True)
        worker.start()
        progress.follow_local(engine, notification_uuid, worker,
                              progress.ProgressPrinter(say))
        result = engine.notification(notification_uuid)
        elapsed = time.monotonic() - started
        say()
        say('Notification %s ended %s after %.1f s.' % (
            notification_uuid, result['status'], elapsed))
        say()
        placements = []
        for vmove in result['vmoves']:
            server = cloud.server(vmove['instance'])
            placements.append({
                'instance': vmove['name'], 'from': vmove['source'],
                'to': server['host'], 'vm_state': server['vm_state'],
                'vmove': vmove['status']})
        if placements:
            say(tables.table(placements, [
                ('instance', 'INSTANCE'), ('from', 'FROM'), ('to', 'NOW ON'),
                ('vm_state', 'STATE'), ('vmove', 'VMOVE')]))
            say()
        after = pool_reader.pool_rows(recovery)
        say('Spare pool after the recovery:')
        say(tables.pool_table(after) if after else '  (empty)')
        say()
        moved = [v['instance'] for v in result['vmoves']
                 if v['status'] == 'succeeded']
        lost = lease_end.lost_instances(cloud, moved)
        if lost:
            say('Ending every Blazar lease now would LOSE moved instances:')
            for line in lost:
                say('  ' + line)
        else:
            say('Ending every Blazar lease now deletes none of the %d moved '
                'instances, except those of reservations that end, as on '
                'their original host.' % len(moved))
        if as_json:
            json.dump({
                'scenario': scenario, 'failed_host': host,
                'recovery_method': recovery_method,
                'notification': notification_uuid,
                'status': result['status'],
                'seconds': round(elapsed, 2),
                'progress': result['progress'],
                'placements': placements,
                'pool_before': [r.__dict__ for r in before],
                'pool_after': [r.__dict__ for r in after],
                'lost_at_lease_end': lost,
            }, out, indent=2, sort_keys=True, default=str)
            out.write('\n')
    return 0 if result['status'] == 'finished' and not lost else 1
