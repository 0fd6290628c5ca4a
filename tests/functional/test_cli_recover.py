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

"""``masakari-blazar recover HOST``: in-process, and through Masakari's API.

Without ``--local`` the command talks to a real Masakari: its own WSGI API
application, served in the test process, with its engine manager behind it
on oslo.messaging's fake transport (see :class:`cli.MasakariService`).
"""

import types

import pytest

from tests.functional import cli
from tests.functional import harness
from tools.real_services import keystone_service


@pytest.fixture
def unmarked(runner):
    """The 'basic' cloud behind a Keystone that does not call it simulated.

    The real-services harness's Keystone stand-in lists only the simulated
    cloud's Nova, Placement and Blazar, and shares its tokens, so the cloud
    works as before while its catalog says nothing of a simulator.
    """
    cloud = runner.cloud('basic')
    services = [(kind, name, cloud.base_url + path)
                for kind, name, path in (
                    ('compute', 'nova', '/compute/v2.1'),
                    ('placement', 'placement', '/placement'),
                    ('reservation', 'blazar', '/reservation/v1'))]
    realm = keystone_service.Realm(cloud.projects, cloud.users, services)
    realm.tokens, realm.trusts = cloud.tokens, cloud.trusts
    server = keystone_service.serve(realm, 0)
    url = 'http://127.0.0.1:%d' % server.server_address[1]
    realm.catalog.append(('identity', 'keystone', url + '/identity'))
    yield cloud, types.SimpleNamespace(credentials=dict(
        cloud.credentials, auth_url=url + '/identity/v3'))
    server.shutdown()
    server.server_close()


def api_conf(tmp_path, runner, cloud, masakari, plugin=''):
    return cli.write_conf(tmp_path, runner, cloud, plugin=plugin,
                          tail=cli.FLOWS, masakari=masakari)


def progress_lines(done):
    return [line.strip() for line in done.stdout.splitlines()
            if line.startswith('  [')]


def test_local_recovery_moves_the_instances_and_prints_progress(
        runner, tmp_path):
    cloud = runner.cloud('basic')
    conf = cli.write_conf(tmp_path, runner, cloud)
    cloud.fail_host('compute-1', forced_down=True)

    done = cli.run('--config-file', conf, 'recover', 'compute-1', '--local',
                   '--workdir', str(tmp_path / 'local'))

    assert done.returncode == 0, done.stderr
    lines = progress_lines(done)
    assert '[ClaimSpareTask] Plan: ha-vm-1 -> spare-1, ha-vm-2 -> spare-1, ' \
        'plain-vm-1 -> spare-1' in lines
    assert lines[-1] == ('[EvacuateInstancesTask] Evacuated 3 instance(s) '
                         'from compute-1')
    assert done.stdout.splitlines()[-1].endswith('ended FINISHED.')
    for name in ('ha-vm-1', 'ha-vm-2', 'plain-vm-1'):
        assert cloud.server(name)['host'] == 'spare-1'


def test_local_recovery_that_fails_ends_in_one_line(runner, tmp_path):
    cloud = runner.cloud('no-spare')
    conf = cli.write_conf(tmp_path, runner, cloud,
                          plugin='no_spare_action = fail')
    cloud.fail_host('compute-1', forced_down=True)

    done = cli.run('--config-file', conf, 'recover', 'compute-1', '--local',
                   '--workdir', str(tmp_path / 'local'))

    assert done.returncode == 1
    reason = cli.one_line_error(done)
    assert reason.startswith('notification ')
    assert 'ended ERROR: No spare can hold 2 instance(s)' in reason
    assert cloud.server('ha-vm-1')['host'] == 'compute-1'


def test_local_recovery_of_another_cloud_is_refused(
        runner, unmarked, tmp_path):
    cloud, elsewhere = unmarked
    conf = cli.write_conf(tmp_path, runner, elsewhere)
    cloud.fail_host('compute-1', forced_down=True)
    before = cli.snapshot(cloud)

    done = cli.run('--config-file', conf, 'recover', 'compute-1', '--local',
                   '--workdir', str(tmp_path / 'local'))

    assert cli.one_line_error(done) == (
        '--local would recover compute-1 with Masakari\'s engine on a '
        'scratch database that Masakari never reads, and this cloud is not '
        'the simulated one: drop --local to recover through the Masakari '
        'API, or add --unrecorded to run it anyway')
    assert done.stdout == ''
    assert cli.snapshot(cloud) == before
    assert not (tmp_path / 'local').exists()


def test_unrecorded_local_recovery_of_another_cloud_says_so(
        runner, unmarked, tmp_path):
    cloud, elsewhere = unmarked
    conf = cli.write_conf(tmp_path, runner, elsewhere)
    cloud.fail_host('compute-1', forced_down=True)
    workdir = tmp_path / 'local'

    done = cli.run('--config-file', conf, 'recover', 'compute-1', '--local',
                   '--unrecorded', '--workdir', str(workdir))

    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    said = ('Masakari does not record this recovery: its notification, and '
            'the claims naming it, exist only in %s.' % workdir)
    assert lines[0] == said
    assert lines[-2].endswith('ended FINISHED.')
    assert lines[-1] == said
    for name in ('ha-vm-1', 'ha-vm-2', 'plain-vm-1'):
        assert cloud.server(name)['host'] == 'spare-1'


@pytest.mark.parametrize('local', [True, False])
def test_recover_refuses_a_host_that_is_up(runner, tmp_path, local):
    cloud = runner.cloud('basic')
    conf = cli.write_conf(tmp_path, runner, cloud)
    before = cli.snapshot(cloud)

    done = cli.run('--config-file', conf, 'recover', 'compute-1',
                   *(['--local'] if local else []))

    assert cli.one_line_error(done) == (
        'nova-compute on compute-1 is up, and Nova refuses to evacuate from '
        'a host whose service is up: fence the host (power it off), then '
        'mark it down: openstack compute service set --down compute-1 '
        'nova-compute')
    assert cli.snapshot(cloud) == before


def test_recover_of_an_unknown_host_is_one_line(runner, tmp_path):
    cloud = runner.cloud('basic')
    conf = cli.write_conf(tmp_path, runner, cloud)

    done = cli.run('--config-file', conf, 'recover', 'compute-9', '--local')

    assert cli.one_line_error(done) == (
        'unknown host compute-9: Nova has no nova-compute service of that '
        'name')


def test_recovery_through_the_masakari_api(runner, masakari, tmp_path):
    cloud = runner.cloud('host-reservation')
    runner.prepare(cloud)
    conf = api_conf(tmp_path, runner, cloud, masakari)
    cloud.fail_host('compute-1', forced_down=True)

    done = cli.run('--config-file', conf, 'recover', 'compute-1',
                   '--poll-interval', '0.1')

    assert done.returncode == 0, done.stderr
    first = done.stdout.splitlines()[0]
    assert first.startswith('Masakari notification ')
    notification_uuid = first.split()[2]
    # What the command printed is what Masakari recorded, line by line.
    recorded = runner.engine.notification(notification_uuid)
    assert recorded['status'] == 'finished'
    assert progress_lines(done) == [
        '[%s] %s' % (task['task'], detail['message'])
        for task in recorded['progress'] for detail in task['details']]
    assert any(line.startswith('[PrepareSpareTask] added spare-1 to '
                               'aggregate') for line in progress_lines(done))
    assert done.stdout.splitlines()[-1] == (
        'Notification %s ended FINISHED.' % notification_uuid)
    result = harness.Recovery(runner.engine, cloud, 'compute-1',
                              notification_uuid)
    assert result.where('reserved-vm-1') == 'spare-1'
    result.assert_nothing_lost()


def test_masakari_refusing_the_notification_is_one_line(
        runner, masakari, tmp_path):
    cloud = runner.cloud('basic')
    runner.prepare(cloud)
    runner.engine.reset()  # compute-1 is in no segment now
    conf = api_conf(tmp_path, runner, cloud, masakari)
    cloud.fail_host('compute-1', forced_down=True)

    done = cli.run('--config-file', conf, 'recover', 'compute-1')

    # Masakari answers 400 for a host it does not know.
    assert cli.one_line_error(done) == (
        'Masakari call "POST /notifications (compute-1)" failed: HTTP 400: '
        'Host with name compute-1 could not be found.')


def test_a_failed_recovery_through_the_api_ends_in_one_line(
        runner, masakari, tmp_path):
    cloud = runner.cloud('no-spare')
    runner.prepare(cloud)
    conf = api_conf(tmp_path, runner, cloud, masakari,
                    plugin='no_spare_action = fail')
    # The engine in the test process reads the plugin's options from the
    # test process's configuration.
    runner.engine.use_cloud(cloud.credentials, no_spare_action='fail')
    cloud.fail_host('compute-1', forced_down=True)

    done = cli.run('--config-file', conf, 'recover', 'compute-1',
                   '--poll-interval', '0.1')

    reason = cli.one_line_error(done)
    assert 'ended ERROR: No spare can hold 2 instance(s)' in reason
    assert reason.endswith('masakari-engine runs it once more at its next '
                           'process_unfinished_notifications_interval, and '
                           'marks it FAILED if that run fails too')


def test_without_a_masakari_endpoint_the_error_says_what_to_set(
        runner, tmp_path):
    cloud = runner.cloud('basic')
    conf = cli.write_conf(tmp_path, runner, cloud)
    cloud.fail_host('compute-1', forced_down=True)

    done = cli.run('--config-file', conf, 'recover', 'compute-1')

    reason = cli.one_line_error(done)
    assert reason.startswith('Masakari call "POST /notifications '
                             '(compute-1)" failed:')
    assert '[masakari] endpoint_override' in reason


def test_recover_help_explains_both_modes():
    done = cli.run('recover', '--help')

    assert done.returncode == 0
    text = ' '.join(done.stdout.split())
    assert 'through the Masakari API' in text
    assert '--local' in text
