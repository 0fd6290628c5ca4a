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

"""A masakari-engine in a process of its own, for crash and concurrency tests.

Run as ``python -m tests.functional.engine_process SPEC`` where SPEC is a
JSON document: the work directory shared with the test (Masakari's sqlite
database, TaskFlow logbooks, the claim lock), the cloud's credentials, the
plugin's options, and what to do: ``process`` a new notification,
``retry`` one as Masakari's periodic task would, or record and process a
``fresh`` failure of ``host`` in a database of the process's own.

With ``die_after`` naming a task, the process kills itself with SIGKILL as
soon as that task has succeeded: an engine dying at that exact point, with
no chance to clean anything up.  With ``delay_before``, ``{task: seconds}``,
the flow pauses before each task named: an engine that lags behind another
at that exact point.
"""

import json
import os
import signal
import sys
import time
import warnings


def on_task(state, action):
    """Call ``action(task_name)`` whenever a task of a flow enters ``state``.

    Every flow engine that Masakari loads from then on is watched; TaskFlow
    calls ``action`` before it goes on, so it can pause the flow too.
    """
    from masakari.engine.drivers.taskflow import base

    load = base.load_taskflow_into_engine

    def load_and_watch(*args, **kwargs):
        engine = load(*args, **kwargs)
        engine.atom_notifier.register(
            state, lambda _state, details: action(details['task_name']))
        return engine

    base.load_taskflow_into_engine = load_and_watch


def die_after(task_name):
    """SIGKILL this process once ``task_name`` has succeeded."""
    from taskflow import states

    def kill(name):
        if name == task_name:
            os.kill(os.getpid(), signal.SIGKILL)

    on_task(states.SUCCESS, kill)


def delay_before(delays):
    """Pause for ``delays[task]`` seconds before each task named there."""
    from taskflow import states

    on_task(states.RUNNING, lambda name: time.sleep(delays.get(name, 0)))


def main(spec):
    warnings.simplefilter('ignore')
    from masakari_blazar.local import engine as local_engine
    engine = local_engine.get_engine(spec['workdir'])
    engine.use_cloud(spec['credentials'], **spec.get('options', {}))
    if spec.get('die_after'):
        die_after(spec['die_after'])
    if spec.get('delay_before'):
        delay_before(spec['delay_before'])
    if spec['action'] == 'fresh':
        # An engine of its own: its own database, a notification of its own.
        engine.reset()
        engine.add_segment('segment', 'auto', spec['hosts'])
        notification = engine.notify_host_failure(spec['host'])
    else:
        notification = spec['notification']
        if spec['action'] == 'process':
            engine.process(notification)
        else:
            engine.retry(notification)
    print(json.dumps(dict(engine.notification(notification),
                          notification=notification), default=str))


if __name__ == '__main__':
    main(json.loads(sys.argv[1]))
