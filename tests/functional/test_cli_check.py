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

"""``masakari-blazar check`` against a simulated deployment."""

from tests.functional import backend_server
from tests.functional import cli


def check(conf):
    done = cli.run('--config-file', conf, 'check')
    findings = [tuple(line.split(': ', 1)) for line in
                done.stdout.splitlines()]
    return done, findings


def levels(findings, level):
    return [text for lvl, text in findings if lvl == level]


def good_conf(tmp_path, runner, cloud, masakari, plugin='', flows=cli.FLOWS):
    plugin = 'spare_project_id = %s\nlock_url = file://%s/tooz\n%s' % (
        cloud.project_id('admin'), runner.engine.workdir, plugin)
    return cli.write_conf(tmp_path, runner, cloud, plugin=plugin, tail=flows,
                          masakari=masakari)


def test_a_sound_deployment_passes(runner, masakari, tmp_path):
    cloud = runner.cloud('basic')
    runner.prepare(cloud)
    done, findings = check(good_conf(tmp_path, runner, cloud, masakari))

    assert done.returncode == 0, done.stdout + done.stderr
    assert levels(findings, 'ERROR') == []
    assert levels(findings, 'WARNING') == []
    ok = levels(findings, 'OK')
    assert ('[taskflow_driver_recovery_flows] '
            'host_auto_failure_recovery_tasks: pre '
            'blazar_disable_compute_service_task, '
            'prepare_HA_enabled_instances_task; '
            'main blazar_claim_spare_task, blazar_prepare_spare_task, '
            'blazar_evacuate_instances_task; post -') in ok
    assert 'spare lease masakari-spare-spare-1 is ACTIVE with 1 spare(s)' \
        in ok
    assert 'Masakari answers with the [blazar] credentials (1 segment(s))' \
        in ok
    assert 'segment segment (auto) runs host_auto_failure_recovery_tasks; ' \
        'the plugin picks the spares' in ok
    assert any(t.startswith('Blazar answers') for t in ok)
    assert any(t.startswith('Nova answers') for t in ok)
    assert any(t.startswith('Placement answers') for t in ok)
    assert "the claim lock's backend file://%s/tooz answers" % (
        runner.engine.workdir) in ok
    assert "Masakari's os_privileged_user_* account (%s, project %s) gets " \
        "a token from Keystone" % (cloud.credentials['username'],
                                   cloud.credentials['project_name']) in ok


def test_a_misspelt_task_is_an_error(runner, masakari, tmp_path):
    cloud = runner.cloud('basic')
    runner.prepare(cloud)
    flows = cli.FLOWS.replace("'blazar_prepare_spare_task'",
                              "'blazar_prepare_spare_tsk'")
    done, findings = check(good_conf(tmp_path, runner, cloud, masakari,
                                     flows=flows))

    assert done.returncode == 1
    assert cli.one_line_error(done) == 'the check found 4 error(s)'
    assert ('[taskflow_driver_recovery_flows] '
            'host_auto_failure_recovery_tasks main: no installed task is '
            'named "blazar_prepare_spare_tsk", and Masakari skips it without '
            'a word; did you mean "blazar_prepare_spare_task"?') in \
        levels(findings, 'ERROR')


def test_masakari_s_own_flows_are_errors(runner, masakari, tmp_path):
    cloud = runner.cloud('basic')
    runner.prepare(cloud)
    done, findings = check(good_conf(tmp_path, runner, cloud, masakari,
                                     flows=''))

    assert done.returncode == 1
    errors = levels(findings, 'ERROR')
    assert ('[taskflow_driver_recovery_flows] '
            'host_auto_failure_recovery_tasks lacks blazar_claim_spare_task, '
            'blazar_prepare_spare_task, blazar_evacuate_instances_task: this '
            'flow does not recover onto Blazar spares (give the command the '
            '--config-file and --config-dir options of masakari-engine)') \
        in errors
    assert any('also runs Masakari\'s evacuate_instances_task' in e
               for e in errors)


def test_reserved_host_segments_need_free_spares_flagged(
        runner, masakari, tmp_path):
    cloud = runner.cloud('basic')
    runner.prepare(cloud, method='reserved_host', reserved=('compute-2',))
    conf = good_conf(tmp_path, runner, cloud, masakari)
    done, findings = check(conf)

    assert done.returncode == 1
    assert levels(findings, 'ERROR') == [
        'segment segment (reserved_host): no reserved host is a free Blazar '
        'spare, so a failure ends in ERROR (Masakari raises '
        'ReservedHostsUnavailable when it lists none)']
    warnings = levels(findings, 'WARNING')
    assert ('segment segment (reserved_host): reserved host compute-2 is not '
            'a free Blazar spare, so the plugin refuses it; run '
            '"masakari-blazar sync-reserved"') in warnings
    assert any('free spare spare-1 is not flagged reserved' in w
               for w in warnings)

    synced = cli.run('--config-file', conf, 'sync-reserved')
    assert synced.returncode == 0, synced.stderr
    done, findings = check(conf)
    assert done.returncode == 0, done.stdout
    prefix = ('segment segment (reserved_host) runs '
              'host_rh_failure_recovery_tasks; Masakari offers ')
    offered = [t[len(prefix):] for t in levels(findings, 'OK')
               if t.startswith(prefix)]
    assert len(offered) == 1
    assert sorted(offered[0].split(', ')) == ['spare-1', 'spare-2']


def test_missing_spare_leases_and_bad_options_are_errors(
        runner, masakari, tmp_path):
    cloud = runner.cloud('basic')
    runner.prepare(cloud)
    conf = good_conf(tmp_path, runner, cloud, masakari,
                     plugin='spare_lease_ids = no-such-lease\n'
                            'spare_host_properties = [">", "$$vcpus"]')
    done, findings = check(conf)

    assert done.returncode == 1
    errors = levels(findings, 'ERROR')
    assert 'spare lease no-such-lease (spare_lease_ids) does not exist in ' \
        'Blazar' in errors
    assert any(e.startswith('[masakari_blazar] spare_host_properties is not '
                            'a Blazar query') for e in errors)


def test_an_invalid_option_value_is_a_finding(
        runner, masakari, tmp_path):
    cloud = runner.cloud('basic')
    conf = good_conf(tmp_path, runner, cloud, masakari,
                     plugin='no_spare_action = panic')
    done, findings = check(conf)

    assert done.returncode == 1
    assert any(e.startswith('[masakari_blazar] no_spare_action:')
               for e in levels(findings, 'ERROR'))


def test_an_unreachable_blazar_is_an_error(runner, tmp_path):
    cloud = runner.cloud('basic')
    runner.prepare(cloud)
    conf = cli.write_conf(tmp_path, runner, cloud,
                          extra='endpoint_override = http://127.0.0.1:9/',
                          plugin='api_retries = 0', tail=cli.FLOWS)
    done, findings = check(conf)

    assert done.returncode == 1
    errors = levels(findings, 'ERROR')
    assert len(errors) == 1
    assert errors[0].startswith('Blazar: Blazar call "GET /leases" failed: '
                                'cannot connect')
    assert any(t.startswith('Nova answers') for t in levels(findings, 'OK'))


def test_check_help_explains_it():
    done = cli.run('check', '--help')

    assert done.returncode == 0
    text = ' '.join(done.stdout.split())
    assert 'skips unknown task names silently' in text


def test_a_lock_backend_that_does_not_answer_is_an_error(
        runner, masakari, tmp_path):
    """The backend named, its password masked: every recovery would fail."""
    cloud = runner.cloud('basic')
    runner.prepare(cloud)
    port = backend_server.free_port()
    conf = cli.write_conf(tmp_path, runner, cloud, masakari=masakari,
                          plugin='spare_project_id = %s\nlock_timeout = 1\n'
                          % cloud.project_id('admin'),
                          tail=cli.FLOWS + '\n[coordination]\nbackend_url = '
                          'redis://:LockSecret@127.0.0.1:%d\n' % port)
    done, findings = check(conf)

    assert done.returncode == 1
    assert 'LockSecret' not in done.stdout + done.stderr
    errors = levels(findings, 'ERROR')
    assert len(errors) == 1, errors
    assert errors[0].startswith(
        'The lock backend redis://:***@127.0.0.1:%d did not answer within '
        '11 s' % port) or errors[0].startswith(
        'Cannot reach the lock backend redis://:***@127.0.0.1:%d: ' % port), \
        errors[0]
    assert errors[0].endswith('[masakari_blazar] lock_url or '
                              '[coordination] backend_url')


def _with_privileged_password(conf, password):
    with open(conf) as stream:
        text = stream.read()
    lines = [('os_privileged_user_password = %s' % password
              if line.startswith('os_privileged_user_password =') else line)
             for line in text.splitlines()]
    with open(conf, 'w') as stream:
        stream.write('\n'.join(lines) + '\n')


def test_a_wrong_masakari_privileged_password_is_an_error(
        runner, masakari, tmp_path):
    """Masakari's own Nova account: a recovery would stop at its 401."""
    cloud = runner.cloud('basic')
    runner.prepare(cloud)
    conf = good_conf(tmp_path, runner, cloud, masakari)
    _with_privileged_password(conf, 'NotThePassword')
    done, findings = check(conf)

    assert done.returncode == 1
    errors = levels(findings, 'ERROR')
    assert len(errors) == 1, errors
    assert errors[0].startswith(
        "Keystone refuses Masakari's os_privileged_user_* account (HTTP "
        "401"), errors[0]
    assert errors[0].endswith(
        'check [DEFAULT] os_privileged_user_password, '
        'os_privileged_user_name, os_privileged_user_tenant, '
        'os_user_domain_name and os_project_domain_name')
    assert 'NotThePassword' not in done.stdout
    # The plugin's own [blazar] credentials still work.
    assert any(t.startswith('Blazar answers') for t in levels(findings, 'OK'))


def test_each_spares_power_is_checked(runner, masakari, tmp_path):
    cloud = runner.cloud('basic', service_down_time=5)
    runner.prepare(cloud)
    conf = good_conf(tmp_path, runner, cloud, masakari,
                     plugin='power_driver = ironic\n'
                            'poll_interval = 0.05\n')
    assert cli.run('--config-file', conf, 'pool', 'cool',
                   'spare-2').returncode == 0
    done, findings = check(conf)
    assert done.returncode == 0, done.stdout + done.stderr
    ok = levels(findings, 'OK')
    assert 'spare spare-1: Ironic node spare-1 answers; the host is on' in ok
    assert 'cold spare spare-2: Ironic node spare-2 answers; the host is ' \
        'off' in ok

    # A spare powered off behind the plugin's back is one Blazar heals.
    cloud.fail_host('spare-1')
    done, findings = check(conf)
    assert 'spare spare-1 is off (Ironic node spare-1) while it is a spare: ' \
        'Nova will call it down, and Blazar\'s host monitor heals its ' \
        'lease; power it on' in levels(findings, 'WARNING')


def test_a_power_driver_that_is_not_installed_is_an_error(runner, masakari,
                                                          tmp_path):
    cloud = runner.cloud('basic')
    runner.prepare(cloud)
    done, findings = check(good_conf(tmp_path, runner, cloud, masakari,
                                     plugin='power_driver = ipmi\n'))
    assert done.returncode == 1
    assert levels(findings, 'ERROR') == [
        '[masakari_blazar] power_driver: no power driver is named "ipmi"; '
        'the installed ones are ironic, none, redfish']
