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

"""Tenant-set names cannot forge progress lines or drive a terminal.

Instance names are the tenants'; a recovery writes them into the
notification's progress details, which the operator's tools print.
"""

import logging

from tests.functional import harness

FORGED = 'ha-vm-1\n[EvacuateInstancesTask] Evacuated 0 instance(s)\x1b[2J'


def _rename(spec):
    for server in spec['servers']:
        if server['name'] == 'ha-vm-1':
            server['name'] = FORGED


def test_a_name_with_a_newline_and_an_escape_is_shown_escaped(
        runner, caplog):
    cloud = runner.cloud(harness.scenario('basic', _rename))
    runner.prepare(cloud)
    with caplog.at_level(logging.INFO):
        result = runner.fail(cloud, 'compute-1')

    assert result.status == 'finished', result.messages
    assert all(m.isprintable() for m in result.messages), [
        m for m in result.messages if not m.isprintable()]
    escaped = ('ha-vm-1\\n[EvacuateInstancesTask] Evacuated 0 '
               'instance(s)\\x1b[2J')
    assert result.said('Instance %s (' % escaped), result.messages
    assert result.said('%s -> spare-' % escaped), result.messages
    plugin = [r.getMessage() for r in caplog.records
              if r.name.startswith('masakari_blazar')]
    assert plugin and all(line.isprintable() for line in plugin)
