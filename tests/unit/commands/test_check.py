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

"""The judgements of ``masakari-blazar check``."""

import os
import types

from masakari.conf import engine_driver
from oslo_config import cfg
import pytest

from masakari_blazar.cloud import pool_reader
from masakari_blazar.commands import check
from masakari_blazar.decisions import segments
from masakari_blazar import exceptions
from masakari_blazar.local import engine as local_engine
from masakari_blazar.power import unmanaged
from tests.unit.commands import scripted_power

SHIPPED = os.path.join(os.path.dirname(__file__), '..', '..', '..', 'etc',
                       'masakari', 'masakari-custom-recovery-methods.conf')

# Task names for the flows below, all installed (see the first test).
INSTALLED = {'disable_compute_service_task',
             'blazar_disable_compute_service_task',
             'prepare_HA_enabled_instances_task', 'evacuate_instances_task',
             'blazar_claim_spare_task', 'blazar_prepare_spare_task',
             'blazar_evacuate_instances_task'}
GOOD = {'pre': ['disable_compute_service_task',
                'prepare_HA_enabled_instances_task'],
        'main': ['blazar_claim_spare_task', 'blazar_prepare_spare_task',
                 'blazar_evacuate_instances_task'],
        'post': []}


def levels(found):
    return [f.level for f in found]


def shipped_flows():
    """The shipped flows, as masakari-engine reads them from the file."""
    conf = cfg.ConfigOpts()
    engine_driver.register_opts(conf)
    conf(['--config-file', SHIPPED], project='masakari',
         default_config_files=[], default_config_dirs=[])
    return conf[check.FLOW_GROUP]


@pytest.mark.parametrize('option', [check.AUTO_FLOW, check.RH_FLOW])
def test_the_shipped_flows_pass_against_the_installed_tasks(option):
    installed, load_errors = check.installed_tasks()
    flow = getattr(shipped_flows(), option)

    assert load_errors == []
    assert INSTALLED <= installed
    found = check.check_flow(option, flow, installed)
    assert levels(found) == [check.OK], found
    assert flow['main'] == list(check.OURS)


def test_the_local_engine_runs_the_shipped_flows():
    """The demo and the functional tests recover with what ships."""
    flows = shipped_flows()

    assert local_engine.recommended_flows() == {
        check.AUTO_FLOW: flows[check.AUTO_FLOW],
        check.RH_FLOW: flows[check.RH_FLOW]}


def test_masakaris_own_disable_task_is_ok_too():
    for option in (check.AUTO_FLOW, check.RH_FLOW):
        found = check.check_flow(option, GOOD, INSTALLED)
        assert levels(found) == [check.OK], found


def test_a_typo_is_an_error_with_a_suggestion():
    flow = dict(GOOD, main=['blazar_claim_spare_task',
                            'blazar_prepare_spare_tsk',
                            'blazar_evacuate_instances_task'])

    found = check.check_flow(check.AUTO_FLOW, flow, INSTALLED)

    assert found[0].level == check.ERROR
    assert found[0].text.endswith(
        'did you mean "blazar_prepare_spare_task"?')
    assert 'lacks blazar_prepare_spare_task' in found[1].text


def test_the_plugin_s_tasks_must_run_in_order():
    flow = dict(GOOD, main=['blazar_prepare_spare_task',
                            'blazar_claim_spare_task',
                            'blazar_evacuate_instances_task'])

    found = check.check_flow(check.AUTO_FLOW, flow, INSTALLED)

    assert [f.text for f in found if f.level == check.ERROR] == [
        '[taskflow_driver_recovery_flows] host_auto_failure_recovery_tasks: '
        'the plugin\'s tasks must run in the order blazar_claim_spare_task, '
        'blazar_prepare_spare_task, blazar_evacuate_instances_task']


def test_masakari_s_evacuation_must_not_run_too():
    flow = dict(GOOD, post=['evacuate_instances_task'])

    found = check.check_flow(check.AUTO_FLOW, flow, INSTALLED)

    assert levels(found) == [check.ERROR]
    assert 'evacuate_instances_task' in found[0].text


def test_the_vmoves_must_be_written_before_the_claim():
    missing = dict(GOOD, pre=['disable_compute_service_task'])
    late = dict(GOOD, pre=['disable_compute_service_task'],
                post=['prepare_HA_enabled_instances_task'])

    assert 'lacks prepare_HA_enabled_instances_task' in check.check_flow(
        check.AUTO_FLOW, missing, INSTALLED)[0].text
    assert 'must run before blazar_claim_spare_task' in check.check_flow(
        check.AUTO_FLOW, late, INSTALLED)[0].text


def test_reserved_host_flow_warnings():
    main_prepare = {'pre': ['disable_compute_service_task'],
                    'main': ['prepare_HA_enabled_instances_task'] +
                    GOOD['main'], 'post': []}
    pre_claim = {'pre': GOOD['pre'] + ['blazar_claim_spare_task'],
                 'main': GOOD['main'][1:], 'post': []}

    found = check.check_flow(check.RH_FLOW, main_prepare, INSTALLED)
    assert levels(found) == [check.WARNING, check.OK]
    assert 'writing the VMoves again' in found[0].text
    # The auto flow does not repeat main, so the same list is fine there.
    assert levels(check.check_flow(check.AUTO_FLOW, main_prepare,
                                   INSTALLED)) == [check.OK]
    found = check.check_flow(check.RH_FLOW, pre_claim, INSTALLED)
    assert 'only main is offered Masakari\'s reserved hosts' in found[0].text


def test_an_unknown_phase_and_a_missing_disable_task():
    flow = dict(GOOD, later=['no_op'],
                pre=['prepare_HA_enabled_instances_task'])

    found = check.check_flow(check.AUTO_FLOW, flow, INSTALLED)

    assert any('"later" is ignored' in f.text for f in found)
    assert any(f.level == check.WARNING and
               'lacks disable_compute_service_task' in f.text for f in found)


def test_the_fence_aware_disable_task_replaces_masakaris():
    fenced = dict(GOOD, pre=['blazar_disable_compute_service_task',
                             'prepare_HA_enabled_instances_task'])
    assert levels(check.check_flow(check.AUTO_FLOW, fenced, INSTALLED)) == [
        check.OK]

    both = dict(GOOD, pre=['disable_compute_service_task'] + fenced['pre'])
    found = check.check_flow(check.AUTO_FLOW, both, INSTALLED)
    assert any(f.level == check.WARNING and 'runs both' in f.text
               for f in found)


def test_every_rule_passes_the_recommended_flows():
    for option in (check.AUTO_FLOW, check.RH_FLOW):
        facts = check.FlowFacts(option, GOOD, INSTALLED)
        assert {rule.__name__: rule(facts) for rule in check.FLOW_RULES} == {
            rule.__name__: [] for rule in check.FLOW_RULES}


def test_a_task_listed_twice_counts_where_it_first_runs():
    flow = dict(GOOD, post=['blazar_claim_spare_task'])

    facts = check.FlowFacts(check.RH_FLOW, flow, INSTALLED)

    assert facts.phase_of['blazar_claim_spare_task'] == 'main'
    assert facts.position['blazar_claim_spare_task'] == 2
    assert check.claim_phase(facts) == []
    assert [f.text for f in check.repeated_tasks(facts)] == [
        '[taskflow_driver_recovery_flows] host_rh_failure_recovery_tasks: '
        'blazar_claim_spare_task is listed 2 times']


def opts(**values):
    defaults = dict(spare_lease_prefix='masakari-spare', spare_lease_ids=[],
                    spare_project_id='service', lock_url='zake://',
                    spare_host_properties='', replenish_pool=False,
                    pool_min_size=1)
    defaults.update(values)
    return types.SimpleNamespace(**defaults)


def test_options_findings():
    assert levels(check.check_options(opts(), None)) == [check.OK]
    found = check.check_options(opts(spare_lease_prefix='', lock_url=None,
                                     spare_project_id=None,
                                     spare_host_properties='[',
                                     replenish_pool=True, pool_min_size=0),
                                None)
    assert levels(found) == [check.ERROR, check.WARNING, check.ERROR,
                             check.WARNING]
    # Masakari's coordination backend serves as the lock as well.
    assert levels(check.check_options(opts(lock_url=None), 'etcd3://')) == [
        check.OK]


def lease(name, status, lease_id=None, project='service'):
    return {'id': lease_id or 'id-' + name, 'name': name, 'status': status,
            'project_id': project}


def row(name, lease_name, state=pool_reader.FREE):
    return pool_reader.SpareRow(name, lease_name, state, None, None, None)


def test_lease_findings():
    leases = [lease('masakari-spare-a', 'ACTIVE'),
              lease('masakari-spare-b', 'PENDING'),
              lease('masakari-spare-c', 'ERROR'),
              lease('masakari-spare-d', 'TERMINATED'),
              lease('user-lease', 'ACTIVE'),
              lease('masakari-spare-mine', 'ACTIVE', project='tenant'),
              lease('masakari-spare-old', 'TERMINATED', project='tenant')]
    rows = [row('a', 'masakari-spare-a', 'unhealthy: nova-compute is down')]

    found = check.check_leases(leases, rows, opts(spare_lease_ids=['gone']),
                               'service')

    assert [(f.level, f.text) for f in found] == [
        (check.WARNING, 'lease masakari-spare-mine of project tenant looks '
                        'like a spare lease but is none: only the leases of '
                        'project service (the [blazar] credentials\' '
                        'project, or spare_project_id) are'),
        (check.ERROR, 'spare lease gone (spare_lease_ids) does not exist in '
                      'Blazar'),
        (check.OK, 'spare lease masakari-spare-a is ACTIVE with 1 spare(s)'),
        (check.WARNING, 'spare lease masakari-spare-b is PENDING: its hosts '
                        'are spares once Blazar starts it'),
        (check.ERROR, 'spare lease masakari-spare-c is ERROR: its hosts are '
                      'not spares'),
        (check.WARNING, 'spare a is unhealthy: nova-compute is down'),
        (check.WARNING, 'only 0 free spare(s), below pool_min_size (1)')]


def test_no_spare_lease_is_an_error():
    found = check.check_leases([lease('user', 'ACTIVE')], [], opts(),
                               'service')

    assert found[0].level == check.ERROR
    assert found[0].text.startswith('no Blazar lease is a spare lease')


def segment(name, method, hosts, reserved=(), enabled=True):
    return segments.Segment(name, method, enabled, tuple(
        segments.Member(host, reserved=host in reserved) for host in hosts))


def test_segment_findings():
    listed = [
        segment('a', 'auto', ['c-1', 's-1']),
        segment('rh', 'reserved_host', ['c-2', 's-2', 's-3'],
                reserved=['c-2']),
        segment('rhp', 'rh_priority', ['c-3'], enabled=False),
    ]

    found = check.check_segments(listed, {'s-1', 's-2', 's-3'},
                                 {'s-1', 's-2', 's-3', 's-4'})

    assert [(f.level, f.text.split(':')[0]) for f in found] == [
        (check.OK, 'segment a (auto) runs host_auto_failure_recovery_tasks; '
                   'the plugin picks the spares'),
        (check.WARNING, 'segment rh (reserved_host)'),
        (check.WARNING, 'segment rh (reserved_host)'),
        (check.WARNING, 'segment rh (reserved_host)'),
        (check.ERROR, 'segment rh (reserved_host)'),
        (check.WARNING, 'segment rhp (rh_priority) is disabled'),
        (check.WARNING, 'segment rhp (rh_priority)'),
        (check.WARNING, 'spare s-4 is in no Masakari segment')]


def test_no_segment_at_all_is_a_warning():
    found = check.check_segments([], set(), set())

    assert levels(found) == [check.WARNING]


def test_power_each_spares_bmc_answers_and_a_spare_off_is_a_warning():
    rows = [row(name, 'lease')
            for name in ('spare-1', 'spare-2', 'spare-3', 'spare-4')]
    found = check.check_power(scripted_power.ScriptedPower({
        'spare-1': 'on', 'spare-2': 'off', 'spare-3': None,
        'spare-4': exceptions.PowerError('reading the power state of '
                                         'spare-4 failed: HTTP 401')}), rows)
    assert found == [
        check.Finding(check.OK, 'spare spare-1: BMC of spare-1 answers; the '
                      'host is on'),
        check.Finding(check.WARNING, 'spare spare-2 is off (BMC of spare-2) '
                      'while it is a spare: Nova will call it down, and '
                      'Blazar\'s host monitor heals its lease; power it on'),
        check.Finding(check.OK, 'spare spare-3: BMC of spare-3 answers; the '
                      'host is in an unknown state'),
        check.Finding(check.ERROR, 'spare spare-4: reading the power state of '
                      'spare-4 failed: HTTP 401')]


def test_power_without_a_driver_says_nothing():
    assert check.check_power(unmanaged.Unmanaged(None, None),
                             [row('spare-1', 'lease')]) == []


def test_a_bmc_credentials_file_others_can_read_is_a_warning(conf, tmp_path):
    path = tmp_path / 'bmc.json'
    path.write_text('{}')
    conf.set_override('credentials_file', str(path), group='redfish')
    path.chmod(0o644)
    # Only the redfish driver reads it.
    assert check.check_credentials_file(conf) == []
    conf.set_override('power_driver', 'redfish', group='masakari_blazar')
    assert check.check_credentials_file(conf) == [check.Finding(
        check.WARNING, '[redfish] credentials_file %s can be read by users '
        'other than its owner (mode 0o644); it holds BMC passwords: chmod '
        '600 it' % path)]
    path.chmod(0o600)
    assert check.check_credentials_file(conf) == []
