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

"""Recovery speed and scale: our flow against Masakari's reserved_host flow.

Run with ``tox -e bench`` or ``python tools/benchmark.py [--help]``; at
the default time scale it takes about 45 minutes, most of them Masakari's
flow.  It prints a table and writes every measurement to
``bench-results.json``.

What runs
---------
Each row is one run: a fresh simulated cloud (the plugin's simulator,
spoken to over HTTP by the real clients) in which the failed hosts are
powered off, and two masakari-engine processes (``tools/bench_engine.py``)
that receive the failures' notifications, split between them, and recover
them with Masakari's real manager and TaskFlow driver.

* ``ours``: the recommended flows (``blazar_disable_compute_service_task``
  with ``monitor_fences_hosts``, then the plugin's claim, prepare and
  evacuate tasks), segment method ``auto``; the spares are Blazar spares,
  one spare lease each.
* ``ours-wait``: the same without ``monitor_fences_hosts``: the disable
  task waits for Nova to miss the host's heartbeats.
* ``masakari``: what operators run today: Masakari's default reserved-host
  flow and default settings (``disable_compute_service_task`` then a 180 s
  sleep, ``host_failure_recovery_threads`` = 3, ``verify_interval`` = 1 s,
  a GET per instance per poll, a Keystone token per Nova call); the same
  hosts are plain Nova hosts flagged ``reserved`` in Masakari.

Both flows face the same cloud, instances and evacuation times, and in
both Masakari's periodic task retries a notification that ended in ERROR
once, 120 s after the run began (its default interval).

Why engine processes, monkey-patched
------------------------------------
masakari-engine runs under eventlet's monkey patching (``masakari.cmd``
patches at import): its green threads overlap their HTTP calls.  An
engine inside this unpatched process would serialise every blocking call
and slow both flows down artificially, Masakari's per-instance polling
most.  So each engine is a process of its own that imports
``masakari.cmd`` first, as production does, while the simulated cloud
serves from this process; two engines share the spares through the claim
lock (a file lock) and the cloud only, each with its own database.

The model
---------
Every API call costs a latency by service (:data:`LATENCY`; server actions
such as lock and evacuate cost :data:`ACTION_LATENCY` more), and each
instance's evacuation takes a time drawn from :data:`EVACUATION` with the
run's seed and the instance's id, so it is the same for both flows.  That
is its time alone: a spare runs :data:`REBUILD_PARALLELISM` rebuilds at
full speed and shares itself among more (each at ``10 / k`` of its speed
with ``k`` running), and at most 64 at once, the rest waiting (the
simulator's contention model, ``nova/rebuilds.py``).  Nova reports a
powered-off host down after ``service_down_time`` (60 s).

The time scale
--------------
Real durations are too slow to run (Masakari alone sleeps 180 s per
failure).  Every duration of both flows is multiplied by ``--time-scale``
(default 1/5): latencies, evacuation times, service_down_time, Masakari's
waits, poll interval and retry period, the plugin's service_down_timeout,
retry delays and polling clock margin.  Measured wall times are divided by
the scale again: the table shows real-world seconds.  HTTP and lock
timeouts are not scaled: they only bound failures that are not injected.

What cannot be scaled is the CPU time the simulator and the engines spend
(parsing, Masakari's and TaskFlow's database writes), and the division
magnifies it: both flows look slower than they are, the more so the
smaller the scale and the busier the machine's cores.  Measured here (two
cores) on ours with 50 instances and all of them in flight: 1.08x the
ideal in real time (``--time-scale 1``), 1.18x to 1.25x at 1/5, 1.66x at
1/10.
Where the cores saturate, as with 20 simultaneous failures (the simulator
and two engines on two cores), the rows measure this machine more than
the flows.  To keep one-time costs out, each engine first recovers a host
of a small warm-up cloud (see ``bench_engine.py``), and Masakari's sqlite
files live on tmpfs, as a database server's writes would not stall a
green engine.

Reading the table
-----------------
``ACTIVE s`` is from the notifications to the last instance ACTIVE on its
new host (the moment its evacuation landed), ``p50 s`` to the median
one; ``done s`` to the last notification's end.  ``ideal s`` is the
fastest the cloud allows: every instance's evacuation started at the same
moment on the host the run rebuilt it on, under the contention of all the
others started there (:func:`ideal_seconds`), plus the five round trips
any recovery needs (a token, fencing the service, listing the host's
instances, evacuating, seeing it done); ``x ideal`` divides ``ACTIVE s``
by it.  ``SCALE`` is the run's time scale: the ``-rt`` rows run in real
time.  ``CONC`` and ``PER`` are ``evacuation_concurrency`` and
``evacuations_per_spare``.  ``speedup`` is Masakari's ``ACTIVE s``
divided by ours, in the same case.  ``eng CPU s`` is the CPU time both
engine processes spent from the notifications to their end (CPU seconds,
never scaled): Masakari's and TaskFlow's database writes and the plugin's
own work.  ``lock wait`` is the longest a recovery waited for the
spare-pool lock, ``held`` how long the lock was held in all, and
``passed`` the most claims of the other engine that took the lock while
one waited (:func:`lock_figures`).  ``to evac`` counts the requests
before the first evacuation Nova accepted: the calls on a recovery's
critical path before any instance moves.  The other call columns count
every HTTP request the run made after the notifications, by service.
"""

import argparse
import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from masakari_blazar.local import engine as local_engine
from masakari_blazar.simulator import config as simulator_config
from masakari_blazar.simulator import durations
from masakari_blazar.simulator import ids
from masakari_blazar.simulator.nova import rebuilds
from masakari_blazar.simulator import SimulatedCloud

ENGINE = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                      'bench_engine.py')
ENGINES = 2
DEFAULT_SCALE = 0.2

# The model, in real-world seconds.
LATENCY = {'keystone': 0.05, 'nova': 0.04, 'placement': 0.02, 'blazar': 0.05}
ACTION_LATENCY = 0.06
EVACUATION = {'distribution': 'lognormal', 'median': 20.0, 'sigma': 0.4}
# Rebuilds a host runs at full speed; beyond, they share it (see the
# simulator's nova/rebuilds.py).  An assumption, echoing the default of
# Nova's max_concurrent_builds (10), which guards new builds, not rebuilds.
REBUILD_PARALLELISM = 10
SERVICE_DOWN_TIME = 60
PERIODIC_RETRY = 120
MASAKARI_SECONDS = {'wait_period_after_service_update': 180,
                    'verify_interval': 1,
                    'wait_period_after_evacuation': 90,
                    'wait_period_after_power_off': 180}
PLUGIN_SECONDS = {'service_down_timeout': 180, 'api_retry_delay': 1,
                  'api_retry_max_delay': 10, 'poll_interval': 0.5}
IDEAL_ROUND_TRIPS = (LATENCY['keystone'] + 4 * LATENCY['nova'] +
                     ACTION_LATENCY)

MASAKARI_TASKS = {'pre': ['disable_compute_service_task'],
                  'main': ['prepare_HA_enabled_instances_task',
                           'evacuate_instances_task'],
                  'post': []}
RECOMMENDED_TASKS = local_engine.recommended_flows()[local_engine.AUTO_FLOW]
FLOWS = {
    'ours': {'tasks': RECOMMENDED_TASKS, 'method': 'auto',
             'blazar_spares': True, 'fenced': True},
    'ours-wait': {'tasks': RECOMMENDED_TASKS, 'method': 'auto',
                  'blazar_spares': True, 'fenced': False},
    'masakari': {'tasks': MASAKARI_TASKS, 'method': 'reserved_host',
                 'blazar_spares': False},
    # Masakari as operators who shortened its sleep after disabling the
    # service run it.
    'masakari-60': {'tasks': MASAKARI_TASKS, 'method': 'reserved_host',
                    'blazar_spares': False,
                    'masakari_seconds': {
                        'wait_period_after_service_update': 60}},
}
MASAKARI_FLOWS = ('masakari', 'masakari-60')

Case = collections.namedtuple('Case', 'name instances hosts failures flows '
                                      'concurrency time_scale per_spare',
                              defaults=(None, None))
BIG_HOST = {'vcpus': 64, 'memory_mb': 131072, 'disk_gb': 1000}
FILLER_PER_HOST = 2


def cases(default_concurrency):
    """The cases: one dimension varied at a time around 50/100/1."""
    both = ('ours', 'masakari')
    found = [Case('inst-%d' % n, n, 100, 1, both, None)
             for n in (1, 10, 50, 200)]
    found.append(Case('inst-50-wait', 50, 100, 1, ('ours-wait',), None))
    found += [Case('hosts-%d' % n, 50, n, 1, both, None)
              for n in (10, 1000)]
    found += [Case('fail-%d' % n, 50, 100, n, both, None) for n in (5, 20)]
    found += [Case('conc-%d' % c, 50, 100, 1, ('ours',), c)
              for c in (3, 10, 25, 50, 100) if c != default_concurrency]
    found.append(Case('conc-200-inst-200', 200, 100, 1, ('ours',), 200))
    # evacuations_per_spare on the host whose instances fill spares most.
    found += [Case('spare-%d-inst-200' % n, 200, 100, 1, ('ours',), None,
                   None, n) for n in (5, 25, 50)]
    return found + honest_cases()


def honest_cases():
    """Rows the time scale cannot flatter, and a tuned Masakari.

    CPU time is not scaled, so the scaled rows magnify it; the ``-rt``
    rows run in real time (ours only: Masakari's sleeps alone would take
    minutes each).  ``masakari-60`` is Masakari with
    ``wait_period_after_service_update`` cut from 180 to 60 s.
    """
    found = [Case('inst-%d-rt' % n, n, 100, 1, ('ours',), None, 1.0)
             for n in (1, 10, 50)]
    found.append(Case('masakari-60', 50, 100, 1, ('masakari-60',), None))
    return found


def scenario(case, blazar_spares):
    """The cloud of a case; spares in Blazar or plain hosts."""
    failed = ['failed-%04d' % i for i in range(case.failures)]
    spares = ['spare-%04d' % i
              for i in range(max(case.failures, case.hosts // 10))]
    others = ['compute-%04d' % i
              for i in range(case.hosts - len(failed) - len(spares))]
    hosts = [dict(BIG_HOST, name=n) for n in failed + others]
    hosts += [dict(BIG_HOST, name=n, blazar=blazar_spares) for n in spares]
    servers = [{'name': '%s-vm-%d' % (host, i), 'host': host,
                'flavor': 'bench', 'project': 'demo'}
               for host in failed for i in range(case.instances)]
    servers += [{'name': '%s-vm-%d' % (host, i), 'host': host,
                 'flavor': 'bench', 'project': 'demo'}
                for host in others for i in range(FILLER_PER_HOST)]
    leases = [{'name': 'masakari-spare-%s' % n, 'project': 'admin',
               'type': 'host', 'hosts': [n], 'pin': True, 'end': '+3650d'}
              for n in spares] if blazar_spares else []
    return {'projects': {'admin': None, 'service': None, 'demo': None},
            'flavors': [{'name': 'bench', 'id': 'bench', 'vcpus': 1,
                         'ram': 512, 'disk': 1}],
            'hosts': hosts, 'leases': leases, 'servers': servers}, failed, \
        spares


def evacuation_setting(seed, scale=1.0):
    return dict(EVACUATION, median=EVACUATION['median'] * scale, seed=seed)


def time_scale(case, args):
    return case.time_scale or args.time_scale


def ideal_seconds(targets, seed):
    """The fastest the cloud allows: every evacuation started at once.

    :param targets: instance id -> the host it was rebuilt on.

    Each rebuild meets the contention of all the others started on its
    host at the same moment (:func:`rebuilds.all_at_once`); the slowest
    end, plus the round trips any recovery needs.  Where the instances
    went is the run's own choice, taken as given.
    """
    by_host = collections.defaultdict(list)
    for instance, host in sorted(targets.items()):
        by_host[host].append((instance, durations.evacuation_time(
            evacuation_setting(seed), instance)))
    slots = simulator_config.DEFAULTS['rebuild_slots']
    return max(max(rebuilds.all_at_once(works, slots,
                                        REBUILD_PARALLELISM).values())
               for works in by_host.values()) + IDEAL_ROUND_TRIPS


def simulated_cloud(case, flow, args):
    """The case's cloud, with the latency model; its failed and spares."""
    spec, failed, spares = scenario(case, flow['blazar_spares'])
    scale = time_scale(case, args)
    cloud = SimulatedCloud(
        spec, evacuation_delay=evacuation_setting(args.seed, scale),
        service_down_time=SERVICE_DOWN_TIME * scale, tick_interval=0.05,
        rebuild_parallelism=REBUILD_PARALLELISM)
    for service, latency in LATENCY.items():
        cloud.faults.add(service, kind=None, latency=latency * scale)
    cloud.faults.add('nova', method='POST', path=r'/servers/[^/]+/action$',
                     kind=None, latency=ACTION_LATENCY * scale)
    return cloud, failed, spares


class Run(object):
    """One flow on one case: cloud, engines, measurements."""

    def __init__(self, case, flow_name, args, workroot):
        self.case = case
        self.flow_name = flow_name
        self.flow = FLOWS[flow_name]
        self.args = args
        self.workdir = tempfile.mkdtemp(prefix='%s-%s-' % (case.name,
                                                           flow_name),
                                        dir=workroot)
        self.cloud, self.failed, self.spares = simulated_cloud(
            case, self.flow, args)
        self.instances = [ids.stable_uuid('server', '%s-vm-%d' % (host, i))
                          for host in self.failed
                          for i in range(case.instances)]
        self.warm, self.warm_failed, warm_spares = simulated_cloud(
            Case('warm-up', 2, 5, ENGINES, (), None), self.flow, args)
        self.warm_reserved = [] if self.flow['blazar_spares'] \
            else warm_spares

    @staticmethod
    def _cloud_spec(cloud, failed, reserved):
        return {'credentials': cloud.credentials, 'failed': failed,
                'segment_hosts': sorted(cloud.snapshot()['hosts']),
                'reserved': reserved}

    def _engine_spec(self, index):
        failed = self.failed[index::ENGINES]
        scale = time_scale(self.case, self.args)
        options = {'lock_path': os.path.join(self.workdir, 'locks')}
        plugin_seconds = {}
        if self.flow_name not in MASAKARI_FLOWS:
            options['monitor_fences_hosts'] = self.flow['fenced']
            if self.case.concurrency:
                options['evacuation_concurrency'] = self.case.concurrency
            if self.case.per_spare:
                options['evacuations_per_spare'] = self.case.per_spare
            plugin_seconds = {k: v * scale for k, v in PLUGIN_SECONDS.items()}
        return {
            'cloud': self._cloud_spec(
                self.cloud, failed,
                [] if self.flow['blazar_spares'] else self.spares),
            'warmup': self._cloud_spec(self.warm, [self.warm_failed[index]],
                                       self.warm_reserved),
            'plugin_options': options, 'plugin_seconds': plugin_seconds,
            'masakari_seconds': {
                k: v * scale for k, v in dict(
                    MASAKARI_SECONDS,
                    **self.flow.get('masakari_seconds', {})).items()},
            'tasks': self.flow['tasks'], 'method': self.flow['method'],
            'periodic': PERIODIC_RETRY * scale, 'clock_margin': 10 * scale,
            'workdir': os.path.join(self.workdir, 'engine-%d' % index)}

    def _start_engines(self):
        engines = []
        for host in self.warm_failed:
            self.warm.fail_host(host)
        for index in range(ENGINES):
            spec = self._engine_spec(index)
            log = open(os.path.join(self.workdir, 'engine-%d.log' % index),
                       'w')
            proc = subprocess.Popen(
                [sys.executable, ENGINE], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=log, text=True)
            proc.stdin.write(json.dumps(spec) + '\n')
            proc.stdin.flush()
            engines.append((proc, log))
        for proc, _ in engines:
            line = proc.stdout.readline()
            if not line:
                raise RuntimeError('An engine died while starting; see %s'
                                   % self.workdir)
        return engines

    def measure(self):
        with self.cloud, self.warm:
            engines = self._start_engines()
            for host in self.failed:
                self.cloud.fail_host(host)
            mark = len(self.cloud.request_log)
            began = time.monotonic()
            for proc, _ in engines:
                proc.stdin.write('go\n')
                proc.stdin.flush()
            notifications = []
            cpu = 0.0
            lock_uses = []
            for index, (proc, log) in enumerate(engines):
                line = proc.stdout.readline()
                proc.wait()
                log.close()
                if not line:
                    raise RuntimeError('An engine failed; see %s'
                                       % self.workdir)
                outcome = json.loads(line)
                notifications += outcome['notifications']
                cpu += outcome['cpu_s']
                lock_uses += [(index, *use) for use in outcome['lock_uses']]
            return self._result(began, mark, notifications, cpu, lock_uses)

    def _result(self, began, mark, notifications, engine_cpu, lock_uses):
        scale = time_scale(self.case, self.args)
        landings = self.cloud.landings()
        active = [i for i in self.instances
                  if self.cloud.server(i)['host'] not in self.failed and
                  self.cloud.server(i)['vm_state'] == 'active' and
                  i in landings]
        calls = collections.Counter(
            entry[0] for entry in self.cloud.request_log[mark:])
        ideal = ideal_seconds({i: self.cloud.server(i)['host']
                               for i in self.instances}, self.args.seed)
        last_active = median_active = None
        if len(active) == len(self.instances):
            landed = sorted((landings[i] - began) / scale for i in active)
            last_active = landed[-1]
            median_active = landed[len(landed) // 2]
        statuses = collections.Counter(n['status'] for n in notifications)
        return {
            'case': self.case.name, 'flow': self.flow_name,
            'instances_per_host': self.case.instances,
            'hosts': self.case.hosts, 'failures': self.case.failures,
            'spares': len(self.spares),
            'time_scale': scale,
            'concurrency': (None if self.flow_name in MASAKARI_FLOWS else
                            self.case.concurrency or self.args.concurrency),
            'per_spare': (None if self.flow_name in MASAKARI_FLOWS else
                          self.case.per_spare or self.args.per_spare),
            'instances': len(self.instances), 'active': len(active),
            'to_last_active_s': last_active,
            'to_median_active_s': median_active,
            'engine_cpu_s': engine_cpu,
            **lock_figures(lock_uses, scale),
            'calls_to_evacuation':
                self.cloud.calls_before_first_evacuation(since=mark),
            'to_done_s': (max(n['ended'] for n in notifications) - began)
            / scale,
            'ideal_s': ideal,
            'x_ideal': last_active / ideal if last_active else None,
            'calls': dict(calls), 'calls_total': sum(calls.values()),
            'notifications': dict(statuses),
            'workdir': self.workdir,
        }


def lock_figures(uses, scale):
    """How long the spare-pool lock was waited for and held, and how fairly.

    ``uses`` are (engine, asked, taken, let go), in seconds of one clock.
    ``lock_passed`` is the most uses by the other engines that took the
    lock while one use waited for it: 1 or 2 under a FIFO lock however
    many claims queue, and about all of an engine's claims when that
    engine keeps the lock to itself.
    """
    if not uses:
        return {'lock_wait_s': None, 'lock_held_s': None,
                'lock_passed': None}
    return {
        'lock_wait_s': max(taken - asked for _, asked, taken, _ in uses)
        / scale,
        'lock_held_s': sum(free - taken for _, _, taken, free in uses)
        / scale,
        'lock_passed': max(
            sum(1 for other, _, their_taken, _ in uses
                if other != engine and asked < their_taken < taken)
            for engine, asked, taken, _ in uses),
    }


def _cell(value, digits=1):
    if value is None:
        return '-'
    if isinstance(value, float):
        return '%.*f' % (digits, value)
    return str(value)


def table(results):
    columns = [('case', 'CASE'), ('flow', 'FLOW'),
               ('instances_per_host', 'INST'), ('hosts', 'HOSTS'),
               ('failures', 'FAIL'), ('concurrency', 'CONC'),
               ('per_spare', 'PER'),
               ('time_scale', 'SCALE'), ('to_median_active_s', 'p50 s'),
               ('to_last_active_s', 'ACTIVE s'), ('to_done_s', 'done s'),
               ('ideal_s', 'ideal s'), ('x_ideal', 'x ideal'),
               ('engine_cpu_s', 'eng CPU s'),
               ('lock_wait_s', 'lock wait'), ('lock_held_s', 'held'),
               ('lock_passed', 'passed'),
               ('calls_to_evacuation', 'to evac'),
               ('speedup', 'speedup'), ('calls_total', 'calls'),
               ('keystone', 'keyst'), ('nova', 'nova'),
               ('placement', 'plcmt'), ('blazar', 'blazar'),
               ('outcome', 'outcome')]
    rows = []
    for r in results:
        row = dict(r, **{s: r['calls'].get(s, 0) for s in LATENCY})
        row['outcome'] = '%d/%d ACTIVE, %s' % (
            r['active'], r['instances'], ', '.join(
                '%d %s' % (n, s) for s, n in sorted(
                    r['notifications'].items())))
        rows.append([_cell(row.get(key),
                           2 if key in ('x_ideal', 'time_scale') else 1)
                     for key, _ in columns])
    widths = [max(len(title), *(len(row[i]) for row in rows))
              for i, (_, title) in enumerate(columns)]
    lines = ['  '.join(t.ljust(w) for (_, t), w in zip(columns, widths))]
    lines += ['  '.join(c.ljust(w) for c, w in zip(row, widths))
              for row in rows]
    return '\n'.join(lines)


def add_speedups(results):
    masakari = {r['case']: r['to_last_active_s'] for r in results
                if r['flow'] == 'masakari'}
    for r in results:
        theirs = masakari.get(r['case'])
        if r['flow'] != 'masakari' and theirs and r['to_last_active_s']:
            r['speedup'] = theirs / r['to_last_active_s']


def selects(wanted, name):
    return name == wanted or name.startswith(wanted + '-')


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog='tools/benchmark.py', description=__doc__.split('\n')[0])
    parser.add_argument('--time-scale', type=float, default=DEFAULT_SCALE,
                        help='factor applied to every duration (default '
                             '%(default)s); the table shows real seconds')
    parser.add_argument('--seed', type=int, default=1,
                        help='seed of the evacuation times')
    parser.add_argument('--case', action='append', default=[],
                        help='run only these cases (repeatable): a name '
                             'selects the case and those that extend it by '
                             '"-", so "conc" selects every conc-N, and '
                             '"inst-1" inst-1 and inst-1-rt, not inst-10')
    parser.add_argument('--flow', action='append', default=[],
                        choices=sorted(FLOWS),
                        help='run only these flows (repeatable)')
    parser.add_argument('--json', default='bench-results.json',
                        help='where to write the results')
    parser.add_argument('--keep', action='store_true',
                        help='keep the engines\' work directories and logs')
    args = parser.parse_args(argv)
    args.concurrency = local_engine.CONF.masakari_blazar \
        .evacuation_concurrency
    args.per_spare = local_engine.CONF.masakari_blazar.evacuations_per_spare
    # Masakari's records and TaskFlow logbooks are sqlite files here; on
    # tmpfs their commits cost no fsync, as a database server's would not
    # block a green engine.
    workroot = tempfile.mkdtemp(prefix='masakari-blazar-bench-',
                                dir='/dev/shm' if os.path.isdir('/dev/shm')
                                else None)
    started = time.monotonic()
    results = []
    try:
        for case in cases(args.concurrency):
            if args.case and not any(selects(c, case.name)
                                     for c in args.case):
                continue
            for flow in case.flows:
                if args.flow and flow not in args.flow:
                    continue
                result = Run(case, flow, args, workroot).measure()
                results.append(result)
                print('%s %s: %s s to the last ACTIVE, %d calls' % (
                    case.name, flow, _cell(result['to_last_active_s']),
                    result['calls_total']), file=sys.stderr, flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(workroot, ignore_errors=True)
    add_speedups(results)
    print('Time scale %s unless SCALE says otherwise (real-world seconds '
          'shown); evacuation %s, %d rebuilds per host at full speed; '
          'latency %s s per call, +%s s per server action' % (
              args.time_scale, EVACUATION, REBUILD_PARALLELISM, LATENCY,
              ACTION_LATENCY))
    print(table(results))
    runtime = time.monotonic() - started
    print('Benchmark ran %.0f s of wall time.' % runtime)
    with open(args.json, 'w') as stream:
        json.dump({'time_scale': args.time_scale, 'seed': args.seed,
                   'latency': LATENCY, 'action_latency': ACTION_LATENCY,
                   'evacuation': EVACUATION,
                   'rebuild_parallelism': REBUILD_PARALLELISM,
                   'service_down_time': SERVICE_DOWN_TIME,
                   'masakari_defaults': MASAKARI_SECONDS,
                   'wall_seconds': runtime, 'runs': results}, stream,
                  indent=2, sort_keys=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
