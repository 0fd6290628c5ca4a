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

"""Progress details, printed once each, and a recovery's outcome."""

from masakari_blazar.commands import progress
from masakari_blazar.commands import recover


def test_each_detail_is_said_once_in_order():
    said = []
    printer = progress.ProgressPrinter(said.append)
    first = [{'task': 'A', 'details': [{'message': 'one'}]}]
    later = [{'task': 'A', 'details': [{'message': 'one'},
                                       {'message': 'two'}]},
             {'task': 'B', 'details': [{'message': 'three'}]}]

    printer.update(first)
    printer.update(later)
    printer.update(later)

    assert said == ['  [A] one', '  [A] two', '  [B] three']
    assert printer.last == 'three'


def test_repeated_messages_of_a_task_are_both_said():
    said = []
    progress.ProgressPrinter(said.append).update(
        [{'task': 'A', 'details': [{'message': 'x'}, {'message': 'x'}]}])

    assert said == ['  [A] x', '  [A] x']


def test_from_api_reads_recovery_workflow_details():
    details = [{'name': 'A', 'state': 'SUCCESS', 'progress': 1.0,
                'progress_details': [{'message': 'm', 'progress': 1.0,
                                      'timestamp': 't'}]}]

    assert progress.from_api(details) == [
        {'task': 'A', 'details': [{'message': 'm', 'progress': 1.0,
                                   'timestamp': 't'}]}]
    assert progress.from_api(None) == []


def test_outcome():
    assert recover.outcome('n', 'finished', 'done') == (0, None)
    code, reason = recover.outcome('n', 'error', 'No spare')
    assert code == 1
    assert reason.startswith('notification n ended ERROR: No spare; '
                             'masakari-engine runs it once more')
    assert recover.outcome('n', 'error', 'No spare', local=True)[1] == (
        'notification n ended ERROR: No spare; the local engine does not '
        'run it again')
    assert recover.outcome('n', 'failed', None)[1] == (
        'notification n ended FAILED; Masakari never runs it again: '
        '"masakari-blazar pool status" says what finishes it')
    assert recover.outcome('n', 'ignored', None) == (
        1, 'notification n ended IGNORED')


def test_a_name_with_a_newline_or_escape_cannot_forge_a_line():
    said = []
    printer = progress.ProgressPrinter(said.append)
    printer.update([{'task': 'PrepareHAEnabledInstancesTask', 'details': [
        {'message': 'Preparing vm-1\n  [EvacuateInstancesTask] Evacuated '
                    '0 instance(s) \x1b[2J'}]}])
    assert said == ['  [PrepareHAEnabledInstancesTask] Preparing vm-1\\n  '
                    '[EvacuateInstancesTask] Evacuated 0 instance(s) '
                    '\\x1b[2J']
    assert printer.last == said[0][len('  [PrepareHAEnabledInstancesTask] '):]
