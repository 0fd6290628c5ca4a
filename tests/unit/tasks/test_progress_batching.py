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


def test_lines_are_stored_each_round_while_the_block_runs(task):
    with task.batching_details(0.01):
        task.update_details('first')
        eventlet.sleep(0.05)
        task.update_details('second')

    assert task.stored == [['first'], ['first', 'second']]


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
