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

"""Progress details written once per polling round, none lost."""

import subprocess
import sys

import eventlet
from masakari.engine.drivers.taskflow import base as masakari_base
import pytest

from masakari_blazar.tasks import base


class Task(base.CleanDetails, masakari_base.MasakariTask):
    def execute(self):
        pass


@pytest.fixture
def task():
    task = Task(None, None, name='batching-test')
    task.stored = []
    task._notifier.register(
        'update_progress',
        lambda event, details: task.stored.append(
            [line['message'] for line in details['progress_details']]))
    return task


def test_lines_are_stored_together_once_the_block_ends(task):
    with task.batching_details(60):
        for number in range(5):
            task.update_details('line %d' % number, 0.5)
        assert task.stored == []

    assert task.stored == [['line %d' % n for n in range(5)]]
    assert [line['progress'] for line in task.progress] == [0.5] * 5


def test_a_line_after_a_quiet_spell_is_stored_at_once(task):
    with task.batching_details(0.01):
        eventlet.sleep(0.05)
        task.update_details('first')
        assert task.stored == [['first']]
        task.update_details('second')
        assert task.stored == [['first']]
        eventlet.sleep(0.05)
        task.update_details('third')
        assert task.stored == [['first'], ['first', 'second', 'third']]

    assert len(task.stored) == 2


def test_lines_said_by_the_evacuation_greenthreads_reach_the_record():
    """Under masakari-engine's eventlet, with TaskFlow's own engine.

    TaskFlow's serial engine holds its storage's write lock while a task
    runs, and masakari-engine runs the flow in a greenthread of Masakari's
    RPC executor.  A progress write from a greenthread of another kind
    waits for the task, and the task for it: the recovery hangs.  So the
    flow runs here as there, in a child process patched as the engine is.
    """
    child = subprocess.run(
        [sys.executable, '-c', ENGINE_CHILD], capture_output=True,
        text=True, timeout=120)
    assert child.returncode == 0, child.stderr[-2000:]
    assert child.stdout.split() == ['SUCCESS', '20', 'ordered']


ENGINE_CHILD = """
import masakari.cmd  # eventlet.monkey_patch(), as masakari-engine
import eventlet
from eventlet import greenpool
from masakari.engine.drivers.taskflow import base as masakari_base
import taskflow.engines
from taskflow.patterns import linear_flow
from masakari_blazar.tasks import base

class Task(base.CleanDetails, masakari_base.MasakariTask):
    def execute(self):
        with self.batching_details(0.01):
            pool = greenpool.GreenPool(4)
            for worker in range(4):
                pool.spawn_n(self.say, worker)
            pool.waitall()

    def say(self, worker):
        for line in range(5):
            self.update_details('%d.%d' % (worker, line))
            eventlet.sleep(0.004)

task = Task(None, None, name='batching')
engine = taskflow.engines.load(linear_flow.Flow('f').add(task))
done = eventlet.event.Event()
# masakari-engine's RPC executor (futurist's green one) runs each
# notification's flow in a spawn_n greenthread.
eventlet.spawn_n(lambda: done.send(engine.run()))
with eventlet.Timeout(30):
    done.wait()
said = [line['message'] for line in task.progress]
print(engine.storage.get_flow_state(), len(said),
      'ordered' if all(said.index('%d.%d' % (w, n)) < said.index(
          '%d.%d' % (w, n + 1)) for w in range(4) for n in range(4))
      else 'disordered')
"""


def test_lines_said_before_a_failure_are_kept(task):
    with pytest.raises(RuntimeError):
        with task.batching_details(60):
            task.update_details('before')
            raise RuntimeError('boom')

    assert task.stored == [['before']]
    task.update_details('after')
    assert task.stored[-1] == ['before', 'after']


def test_lines_are_cleaned_as_ever(task):
    with task.batching_details(60):
        task.update_details('password=hunter2 refused')

    assert 'hunter2' not in task.stored[-1][0]
