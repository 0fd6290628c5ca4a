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

"""masakari-engine's log, as an operator greps it after a failure.

Every line the plugin writes during a recovery names the notification and
the failed host, whichever module writes it and in whichever greenthread;
the plan and where each instance landed are there at INFO.
"""

import logging

from masakari_blazar import log_context
from tests.functional import harness


def _plugin_records(caplog):
    return [r for r in caplog.records if r.name.startswith('masakari_blazar')]


def test_every_plugin_line_of_a_recovery_names_it(runner, caplog):
    cloud = runner.cloud(harness.scenario('basic'))
    # One failed poll of the evacuation's server watch, which runs in the
    # greenthreads that evacuate the instances, makes the retrying caller
    # (masakari_blazar.cloud.calls) log a warning there.
    cloud.faults.add('nova', 'GET', 'changes-since', kind='503', count=1)
    runner.prepare(cloud, api_retry_delay=0.01)
    with caplog.at_level(logging.INFO):
        result = runner.fail(cloud, 'compute-1')

    assert result.status == 'finished', result.messages
    head = log_context.head(result.uuid, 'compute-1')
    records = _plugin_records(caplog)
    unnamed = [r.getMessage() for r in records
               if not r.getMessage().startswith(head)]
    assert records and unnamed == []
    lines = {(r.name, r.levelno, r.getMessage()[len(head):])
             for r in records}
    retried = [line for name, level, line in lines
               if name == 'masakari_blazar.cloud.calls' and
               level == logging.WARNING and
               line.startswith('Retrying after a transient failure')]
    assert retried, sorted(lines)
    info = {line for name, level, line in lines if level == logging.INFO}
    plans = [line for line in info if line.startswith('Plan: ')]
    assert plans == [m for m in result.messages if m.startswith('Plan: ')]
    assert plans and '-> spare-1' in plans[0]
    landed = sorted(m for m in result.messages
                    if m.startswith('Instance ') and ' is on ' in m)
    assert landed and landed == sorted(
        line for line in info if line.startswith('Instance ') and
        ' is on ' in line)
    assert 'Evacuated %d instance(s) from compute-1' % len(landed) in info


def test_a_failed_recovery_s_reason_is_logged_with_its_names(runner, caplog):
    cloud = runner.cloud(harness.scenario('basic'))
    # No lease is a spare lease, so no spare holds the instances.
    runner.prepare(cloud, no_spare_action='fail',
                   spare_lease_prefix='no-such-prefix')
    with caplog.at_level(logging.INFO):
        result = runner.fail(cloud, 'compute-1')

    assert result.status == 'error', result.messages
    head = log_context.head(result.uuid, 'compute-1')
    errors = [r.getMessage() for r in _plugin_records(caplog)
              if r.levelno == logging.ERROR]
    assert errors and all(e.startswith(head) for e in errors), errors
    assert any(e[len(head):].startswith('No spare can hold 3 instance(s)')
               for e in errors), errors
