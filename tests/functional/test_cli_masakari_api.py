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

"""The commands against Masakari's real API, and each way it can fail.

Masakari is its own WSGI application in the test process
(:class:`cli.MasakariService`), on the test's database; the command's
configuration has no ``[database]`` section (:func:`cli.write_conf` makes
sure), so all it knows of Masakari comes through the API.  Every failure
here is a real one: no endpoint, the API stopped, an endpoint that is not
Masakari's, a token Masakari's keystonemiddleware refuses, and Masakari
answering 500.
"""

import contextlib
import json

import pytest

from tests.functional import cli
from tests.functional.conftest import record_claim

HOSTS = ('compute-1', 'compute-2', 'spare-1', 'spare-2')


@pytest.fixture
def stopped(runner):
    """The endpoint of a masakari-api that has stopped."""
    if cli.MasakariService.paste_config() is None:
        pytest.skip('Masakari\'s api-paste.ini is not installed')
    service = cli.MasakariService(runner.engine).start()
    service.stop()
    return service


def reserved_flags(runner):
    return {h: runner.engine.host(h).reserved for h in HOSTS}


def out_of_step(runner):
    """A reserved_host segment whose flags disagree with Blazar."""
    cloud = runner.cloud('basic')
    runner.prepare(cloud, method='reserved_host',
                   reserved=('spare-1', 'compute-2'))
    return cloud


@contextlib.contextmanager
def table_missing(table):
    """Masakari's database without ``table``, as after a failed upgrade."""
    from masakari.db.sqlalchemy import api
    import sqlalchemy
    engine = api.get_engine()
    with engine.begin() as conn:
        conn.execute(sqlalchemy.text(
            'ALTER TABLE %s RENAME TO %s_away' % (table, table)))
    try:
        yield
    finally:
        with engine.begin() as conn:
            conn.execute(sqlalchemy.text(
                'ALTER TABLE %s_away RENAME TO %s' % (table, table)))


def test_sync_reserved_needs_a_masakari_endpoint(runner, tmp_path):
    cloud = out_of_step(runner)
    before = reserved_flags(runner)
    conf = cli.write_conf(tmp_path, runner, cloud)

    done = cli.run('--config-file', conf, 'sync-reserved')

    assert cli.one_line_error(done) == (
        'Masakari call "GET /segments" failed: no Masakari (instance-ha) '
        'endpoint in the Keystone catalog; set [masakari] endpoint_override, '
        'or check [masakari] interface and region_name')
    assert reserved_flags(runner) == before


def test_a_stopped_masakari_api_is_one_line(runner, stopped, tmp_path):
    cloud = out_of_step(runner)
    before = reserved_flags(runner)
    conf = cli.write_conf(tmp_path, runner, cloud, masakari=stopped)

    done = cli.run('--config-file', conf, 'sync-reserved')

    reason = cli.one_line_error(done)
    assert reason.startswith('Masakari call "GET /segments" failed: cannot '
                             'connect (')
    assert stopped.endpoint in reason
    assert reason.endswith('check [masakari] endpoint_override (or the '
                           'catalog\'s instance-ha endpoint) and that '
                           'masakari-api runs there')
    assert reserved_flags(runner) == before


@pytest.mark.parametrize('path,answer', [
    # Nova's endpoint where Masakari's belongs: its versions are Nova's.
    ('/compute', 'A default microversion for service instance-ha of 1.2 '
                 'was requested, but the cloud only supports a minimum of '
                 '2.1 and a maximum of 2.100'),
    # A path that nothing serves.
    ('/masakari/v1', 'HTTP 404: '),
])
def test_an_endpoint_that_is_not_masakari_s_is_one_line(
        runner, tmp_path, path, answer):
    cloud = out_of_step(runner)
    conf = cli.write_conf(tmp_path, runner, cloud,
                          tail='[masakari]\nendpoint_override = %s%s\n' % (
                              cloud.base_url, path))

    done = cli.run('--config-file', conf, 'sync-reserved')

    reason = cli.one_line_error(done)
    assert reason.startswith('Masakari call "GET /segments" failed: ' +
                             answer)
    assert reason.endswith('is [masakari] endpoint_override (or the '
                           'catalog\'s instance-ha endpoint) Masakari\'s API, '
                           'such as http://HOST:15868/v1?')


def test_masakari_refusing_the_token_is_one_line(runner, tmp_path):
    cloud = out_of_step(runner)
    # masakari-api validates tokens with another Keystone than the
    # command's.
    elsewhere = runner.cloud('basic')
    service = cli.MasakariService(runner.engine, keystone=elsewhere).start()
    try:
        conf = cli.write_conf(tmp_path, runner, cloud, masakari=service)
        done = cli.run('--config-file', conf, 'sync-reserved')
    finally:
        service.stop()

    reason = cli.one_line_error(done)
    assert reason.startswith('Masakari call "GET /segments" failed: HTTP '
                             '401: ')
    assert reason.endswith('masakari-api refused the token of the [blazar] '
                           'credentials: its [keystone_authtoken] must name '
                           'the Keystone of [blazar] auth_url')


def test_masakari_validating_the_token_answers(runner, tmp_path):
    """The control of the test above: the same Keystone on both sides."""
    cloud = out_of_step(runner)
    service = cli.MasakariService(runner.engine, keystone=cloud).start()
    try:
        conf = cli.write_conf(tmp_path, runner, cloud, masakari=service)
        done = cli.run('--config-file', conf, 'sync-reserved', '--dry-run')
    finally:
        service.stop()

    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        'Would set compute-2: reserved=False',
        'Would set spare-2: reserved=True']


def test_bad_credentials_are_one_line(runner, masakari, tmp_path):
    cloud = out_of_step(runner)
    conf = cli.write_conf(tmp_path, runner, cloud, masakari=masakari)
    with open(conf) as f:
        text = f.read().replace('password = secret', 'password = wrong')
    with open(conf, 'w') as f:
        f.write(text)

    done = cli.run('--config-file', conf, 'sync-reserved')

    reason = cli.one_line_error(done)
    assert reason.startswith('Masakari call "GET /segments" failed: '
                             'authentication failed (')
    assert reason.endswith('check the credentials in the [blazar] section')


def test_masakari_failing_is_one_line(runner, masakari, tmp_path):
    cloud = out_of_step(runner)
    before = reserved_flags(runner)
    conf = cli.write_conf(tmp_path, runner, cloud, masakari=masakari)

    with table_missing('hosts'):
        done = cli.run('--config-file', conf, 'sync-reserved')

    reason = cli.one_line_error(done)
    assert reason.startswith('Masakari call "GET /segments/')
    assert '/hosts" failed: HTTP 500: ' in reason
    assert reason.endswith('masakari-api failed; its log says why')
    assert reserved_flags(runner) == before


@pytest.mark.parametrize('how', ['unset', 'stopped'])
def test_pool_status_works_without_masakari(runner, stopped, tmp_path, how):
    cloud = runner.cloud('basic')
    runner.prepare(cloud)
    conf = cli.write_conf(tmp_path, runner, cloud,
                          masakari=stopped if how == 'stopped' else None)

    done = cli.run('--config-file', conf, 'pool', 'status', '--format',
                   'json')

    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert [r['hostname'] for r in report['spares']] == ['spare-1', 'spare-2']
    assert report['headroom']['headroom'] == 2
    [note] = report['notes']
    assert note.startswith('Masakari\'s segments were not read (Masakari '
                           'call "GET /segments" failed: ')
    assert '[masakari] endpoint_override' in note
    assert note.endswith('the headroom is planned without the same_segment '
                         'preference')


def test_pool_status_reads_the_segments_through_the_api(
        runner, masakari, tmp_path):
    cloud = runner.cloud('basic')
    runner.prepare(cloud)
    conf = cli.write_conf(tmp_path, runner, cloud, masakari=masakari)

    done = cli.run('--config-file', conf, 'pool', 'status')

    assert done.returncode == 0, done.stderr
    assert 'Note:' not in done.stdout
    assert 'Headroom: N+2' in done.stdout


def test_check_without_masakari_is_an_error(runner, tmp_path):
    cloud = runner.cloud('basic')
    runner.prepare(cloud)
    conf = cli.write_conf(tmp_path, runner, cloud, tail=cli.FLOWS)

    done = cli.run('--config-file', conf, 'check')

    assert done.returncode == 1
    errors = [line for line in done.stdout.splitlines()
              if line.startswith('ERROR: ')]
    assert errors == [
        'ERROR: Masakari call "GET /segments" failed: no Masakari '
        '(instance-ha) endpoint in the Keystone catalog; set [masakari] '
        'endpoint_override, or check [masakari] interface and region_name']
    assert cli.one_line_error(done) == 'the check found 1 error(s)'


def test_return_of_a_claimed_spare_needs_masakari(
        runner, stopped, tmp_path):
    """Whether the claim's recovery has ended is Masakari's to say."""
    cloud = runner.cloud('basic')
    runner.prepare(cloud)
    notification_uuid = runner.engine.create_notification('compute-1')
    record_claim(cloud, 'spare-1', notification_uuid)
    conf = cli.write_conf(tmp_path, runner, cloud, masakari=stopped)
    before = cli.snapshot(cloud)

    done = cli.run('--config-file', conf, 'return', 'spare-1')

    reason = cli.one_line_error(done)
    assert reason.startswith(
        'spare-1 is claimed by notification %s and Masakari cannot say '
        'whether that recovery has ended: Masakari call "GET '
        '/notifications/%s" failed: cannot connect (' % (
            notification_uuid, notification_uuid))
    assert reason.endswith('and that masakari-api runs there')
    assert cli.snapshot(cloud) == before
