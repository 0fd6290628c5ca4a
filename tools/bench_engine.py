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

"""One masakari-engine for tools/benchmark.py, monkey-patched as in production.

masakari-engine runs under eventlet's monkey patching (``masakari.cmd``
patches at import, before ``masakari.cmd.engine`` starts the service), so
its green threads -- one per notification, and one per evacuation in the
flows -- overlap their HTTP calls.  Importing ``masakari.cmd`` first does
exactly that here.  The engine is Masakari's own manager and TaskFlow
driver (see :mod:`masakari_blazar.local.engine`) on a database of its own.

Before it says it is ready, it recovers one failure on a small warm-up
cloud with the same flow: the modules, plugins and code paths that a flow
loads on first use are then loaded, as in an engine that has been running
for a while, and their one-time cost (under a second of CPU) is not
counted, nor magnified by the time scale.

Protocol, one JSON line each way: the spec on stdin, ``{"ready": true}``
once Masakari's records exist, then a line ``go`` on stdin, after which it
reports its failed hosts, recovers them concurrently, retries those that
ended in ERROR as Masakari's periodic task does, and prints the outcome.
"""

import masakari.cmd  # noqa: F401  (eventlet.monkey_patch(), as the engine)

import contextlib  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import eventlet  # noqa: E402
from oslo_config import cfg  # noqa: E402
from oslo_config import types  # noqa: E402

from masakari_blazar.cloud import claim_lock  # noqa: E402
from masakari_blazar.cloud import server_watch  # noqa: E402
from masakari_blazar.local import engine as local_engine  # noqa: E402

CONF = cfg.CONF
FINAL = ('finished', 'failed', 'ignored')
#: (asked, taken, let go) of each use of the spare-pool lock, monotonic
#: seconds, which every process on the machine reads from the same clock.
LOCK_USES = []


def timed(spare_pool_lock):
    """``spare_pool_lock`` that records when it was asked for and held."""
    @contextlib.contextmanager
    def timed_lock(conf):
        asked = time.monotonic()
        with spare_pool_lock(conf):
            taken = time.monotonic()
            try:
                yield
            finally:
                LOCK_USES.append((asked, taken, time.monotonic()))
    return timed_lock


def set_seconds(name, value, group=None):
    """Set a duration option to a scaled, maybe fractional, value.

    Masakari declares its waits and intervals as integers: scaled by 1/20,
    ``verify_interval`` (1 s) becomes 0.05 s, which an IntOpt would
    truncate to 0.  The option is widened to a float in this process only.
    """
    CONF._get_opt_info(name, group)['opt'].type = types.Float()
    CONF.set_override(name, value, group=group)


def prepare(spec, cloud):
    """The engine, its options and Masakari's records for ``cloud``."""
    engine = local_engine.get_engine(spec['workdir'])
    engine.use_cloud(cloud['credentials'], **spec['plugin_options'])
    for name, value in spec['plugin_seconds'].items():
        set_seconds(name, value, group='masakari_blazar')
    for name, value in spec['masakari_seconds'].items():
        set_seconds(name, value)
    engine.set_tasks(spec['tasks'])
    server_watch.CLOCK_MARGIN = spec['clock_margin']
    engine.reset()
    engine.add_segment('segment', spec['method'], cloud['segment_hosts'],
                       reserved=cloud['reserved'])
    return engine


def recover(engine, failed, periodic):
    """Recover ``failed`` concurrently; {uuid: (host, started, ended)}."""
    started = time.monotonic()
    runs = {}

    def run(host):
        uuid = engine.create_notification(host)
        runs[uuid] = [host, time.monotonic(), None]
        engine.process(uuid)
        runs[uuid][2] = time.monotonic()

    pool = eventlet.GreenPool(max(len(failed), 1))
    for host in failed:
        pool.spawn_n(run, host)
    pool.waitall()
    tick = started
    while any(engine.notification(uuid)['status'] not in FINAL
              for uuid in runs):
        # Masakari's periodic task retries a notification in ERROR once,
        # on its next tick, and marks it FAILED if it fails again.
        tick += periodic
        eventlet.sleep(max(tick - time.monotonic(), 0))
        retried = [u for u in runs
                   if engine.notification(u)['status'] == 'error']
        engine.manager._process_unfinished_notifications(engine.context)
        for uuid in retried:
            runs[uuid][2] = time.monotonic()
    return runs


def main():
    claim_lock.spare_pool_lock = timed(claim_lock.spare_pool_lock)
    spec = json.loads(sys.stdin.readline())
    warmup = spec['warmup']
    recover(prepare(spec, warmup), warmup['failed'], spec['periodic'])
    engine = prepare(spec, spec['cloud'])
    LOCK_USES.clear()
    print(json.dumps({'ready': True}), flush=True)
    sys.stdin.readline()
    cpu = time.process_time()
    runs = recover(engine, spec['cloud']['failed'], spec['periodic'])
    cpu = time.process_time() - cpu
    result = []
    for uuid, (host, started, ended) in runs.items():
        outcome = engine.notification(uuid)
        result.append({'host': host, 'notification': uuid,
                       'status': outcome['status'], 'started': started,
                       'ended': ended,
                       'vmoves': [v['status'] for v in outcome['vmoves']]})
    print(json.dumps({'notifications': result, 'cpu_s': cpu,
                      'lock_uses': LOCK_USES}), flush=True)


if __name__ == '__main__':
    main()
