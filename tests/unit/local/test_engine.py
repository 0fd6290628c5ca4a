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

"""The local engine's recovery flows come from the shipped file."""

import pytest

from masakari_blazar.commands import check
from masakari_blazar import exceptions
from masakari_blazar.local import engine


def test_the_shipped_flows_are_read_as_masakari_reads_them():
    flows = engine.recommended_flows()

    assert set(flows) == {engine.AUTO_FLOW, engine.RH_FLOW}
    for flow in flows.values():
        assert flow['main'] == ['blazar_claim_spare_task',
                                'blazar_prepare_spare_task',
                                'blazar_evacuate_instances_task']
        assert flow['pre'][0] == 'blazar_disable_compute_service_task'


def test_the_shipped_flows_pass_the_check_command():
    installed, load_errors = check.installed_tasks()
    assert load_errors == []
    for option, flow in engine.recommended_flows().items():
        found = check.check_flow(option, flow, installed)
        assert {f.level for f in found} == {check.OK}, found


def test_a_missing_flows_file_is_one_line_naming_it(tmp_path, monkeypatch):
    checkout, installed = tmp_path / 'checkout', tmp_path / 'installed'
    monkeypatch.setattr(engine, 'FLOWS_DIRS', (str(checkout),
                                               str(installed)))

    with pytest.raises(exceptions.ConfigError) as raised:
        engine.recommended_flows()

    message = str(raised.value)
    assert str(checkout / engine.FLOWS_FILE) in message
    assert str(installed / engine.FLOWS_FILE) in message
    assert '\n' not in message


def test_an_installed_wheel_s_flows_file_is_found(tmp_path, monkeypatch):
    """Outside a checkout, the file is where the wheel put it."""
    shipped = engine.flows_file()
    installed = tmp_path / 'etc' / 'masakari-blazar'
    installed.mkdir(parents=True)
    (installed / engine.FLOWS_FILE).write_text(open(shipped).read())
    monkeypatch.setattr(engine, 'FLOWS_DIRS', (str(tmp_path / 'checkout'),
                                               str(installed)))

    assert engine.flows_file() == str(installed / engine.FLOWS_FILE)
    assert engine.recommended_flows()[engine.AUTO_FLOW]['main'] == [
        'blazar_claim_spare_task', 'blazar_prepare_spare_task',
        'blazar_evacuate_instances_task']
