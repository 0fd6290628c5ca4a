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

"""The ``masakari-blazar`` command, run as operators run it: reading a
masakari.conf, against a simulated cloud (see :mod:`tests.functional.cli`
for when it runs in a process of its own)."""

import json
import os
import re

import pytest

from tests.functional import cli


def write_conf(tmp_path, runner, cloud, extra='', plugin='', masakari=None):
    return cli.write_conf(tmp_path, runner, cloud, extra=extra,
                          plugin=plugin, masakari=masakari)


run = cli.run


def test_pool_status_lists_free_spares_as_json(runner, tmp_path):
    cloud = runner.cloud('basic')
    conf = write_conf(tmp_path, runner, cloud)
    done = run('--config-file', conf, 'pool', 'status', '--format', 'json')

    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    rows = report['spares']
    assert [(r['hostname'], r['lease'], r['state']) for r in rows] == [
        ('spare-1', 'masakari-spare-spare-1', 'free'),
        ('spare-2', 'masakari-spare-spare-2', 'free')]
    assert rows[0]['free']['memory_mb'] > 0
    assert report['warnings'] == []
    # compute-1 (3 instances) takes one spare, compute-2 the other.
    room = report['headroom']
    assert room['headroom'] == 2
    assert room['loaded_hosts'] == 2
    assert [s['host'] for s in room['absorbed']] == ['compute-1', 'compute-2']
    assert room['limit'] is None


def test_headroom_stops_at_the_first_failure_that_does_not_fit(
        runner, tmp_path):
    cloud = runner.cloud('demo')
    conf = write_conf(tmp_path, runner, cloud)
    done = run('--config-file', conf, 'pool', 'status', '--format', 'json')

    assert done.returncode == 0, done.stderr
    room = json.loads(done.stdout)['headroom']
    # compute-1 needs all three spares (52 GB of instances); the next most
    # loaded host then finds none.
    assert room['headroom'] == 1
    assert room['absorbed'][0]['host'] == 'compute-1'
    assert sorted(room['absorbed'][0]['spares']) == [
        'spare-large', 'spare-medium', 'spare-small']
    assert room['limit']['host'] == 'compute-5'
    assert room['limit']['unplaced']


def test_pool_status_warns_below_pool_min_size(runner, tmp_path):
    cloud = runner.cloud('basic')
    conf = write_conf(tmp_path, runner, cloud, plugin='pool_min_size = 3')
    done = run('--config-file', conf, 'pool', 'status')

    assert done.returncode == 3, done.stderr
    assert done.stdout.splitlines()[-1] == (
        'WARNING: only 2 free spare(s), below [masakari_blazar] '
        'pool_min_size (3)')
    assert 'Headroom: N+2' in done.stdout


def test_pool_status_warns_when_the_pool_is_empty(runner, tmp_path):
    cloud = runner.cloud('no-spare')
    conf = write_conf(tmp_path, runner, cloud)
    done = run('--config-file', conf, 'pool', 'status', '--format', 'json')

    assert done.returncode == 3, done.stderr
    report = json.loads(done.stdout)
    assert report['spares'] == []
    assert report['warnings'] == [
        'the spare pool has no free spare: a host failure now gets no spare '
        '(see no_spare_action)']
    assert report['headroom']['headroom'] == 0


def test_pool_min_size_zero_turns_the_warning_off(runner, tmp_path):
    cloud = runner.cloud('no-spare')
    conf = write_conf(tmp_path, runner, cloud, plugin='pool_min_size = 0')
    done = run('--config-file', conf, 'pool', 'status')

    assert done.returncode == 0, done.stderr
    assert 'The spare pool is empty' in done.stdout
    assert 'WARNING' not in done.stdout


def test_pool_status_shows_a_claim_after_a_recovery(runner, tmp_path):
    cloud = runner.cloud('basic')
    runner.prepare(cloud)
    result = runner.fail(cloud, 'compute-1')
    conf = write_conf(tmp_path, runner, cloud)
    done = run('--config-file', conf, 'pool', 'status')

    assert done.returncode == 0, done.stderr
    line = [ln for ln in done.stdout.splitlines()
            if ln.startswith('spare-1')][0]
    assert 'claimed by notification %s' % result.uuid in line


def test_bad_credentials_end_in_one_line(runner, tmp_path):
    cloud = runner.cloud('basic')
    conf = write_conf(tmp_path, runner, cloud)
    with open(conf) as f:
        text = f.read().replace('password = secret', 'password = wrong')
    with open(conf, 'w') as f:
        f.write(text)
    done = run('--config-file', conf, 'pool', 'status')

    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert 'authentication failed' in lines[0]
    assert '[blazar]' in lines[0]


def test_unreachable_blazar_ends_in_one_line(runner, tmp_path):
    cloud = runner.cloud('basic')
    conf = write_conf(tmp_path, runner, cloud,
                      extra='endpoint_override = http://127.0.0.1:9/\n')
    with open(conf) as f:
        text = f.read() + '\n[masakari_blazar]\napi_retries = 0\n'
    with open(conf, 'w') as f:
        f.write(text)
    done = run('--config-file', conf, 'pool', 'status')

    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith('masakari-blazar: error: Blazar call')
    assert 'cannot connect' in lines[0]


def test_missing_credentials_say_what_to_configure(tmp_path):
    conf = tmp_path / 'empty.conf'
    conf.write_text('[DEFAULT]\n')
    done = run('--config-file', str(conf), 'pool', 'status')

    assert done.returncode == 1
    assert done.stderr.strip() == (
        'masakari-blazar: error: [blazar] auth_type is not set; configure '
        'the Keystone credentials that masakari-blazar uses for Blazar, Nova '
        'and Placement in the [blazar] section')


def test_sync_reserved_flags_exactly_the_free_spares(
        runner, masakari, tmp_path):
    cloud = runner.cloud('basic')
    # Masakari's flags disagree with Blazar: compute-2 is flagged, spare-2
    # is not.
    runner.prepare(cloud, method='reserved_host',
                   reserved=('spare-1', 'compute-2'))
    conf = write_conf(tmp_path, runner, cloud, masakari=masakari)

    dry = run('--config-file', conf, 'sync-reserved', '--dry-run')
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines() == [
        'Would set compute-2: reserved=False',
        'Would set spare-2: reserved=True']
    assert runner.engine.host('compute-2').reserved is True

    done = run('--config-file', conf, 'sync-reserved')
    assert done.returncode == 0, done.stderr
    flags = {h: runner.engine.host(h).reserved
             for h in ('compute-1', 'compute-2', 'spare-1', 'spare-2')}
    assert flags == {'compute-1': False, 'compute-2': False,
                     'spare-1': True, 'spare-2': True}

    again = run('--config-file', conf, 'sync-reserved')
    assert again.stdout.strip() == (
        "Masakari's reserved flags already match the spare pool.")


def test_demo_recovers_the_basic_scenario_as_json():
    done = run('demo', '--scenario', 'basic', '--json')

    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert report['status'] == 'finished'
    assert report['failed_host'] == 'compute-1'
    assert {p['to'] for p in report['placements']} == {'spare-1'}
    assert report['lost_at_lease_end'] == []


GUIDE = os.path.join(os.path.dirname(__file__), '..', '..', 'doc', 'source',
                     'operator-guide.rst')


def guide_sections():
    """The operator guide's headings, as text without markup."""
    with open(GUIDE) as f:
        lines = f.read().splitlines()
    return {line.replace('``', '') for line, under in zip(lines, lines[1:])
            if line and under and set(under) <= set('=-') and
            len(under) >= len(line)}


@pytest.mark.parametrize('command', [
    ['demo'], ['pool', 'status'], ['plan'], ['return'], ['recover'],
    ['check'], ['replenish'], ['sync-reserved']])
def test_help_is_short_and_points_to_the_guide(command):
    done = run(*command, '--help')

    assert done.returncode == 0, done.stderr
    paragraphs = done.stdout.split('\n\n')
    # After the usage, one paragraph says what the command does.
    assert len(' '.join(paragraphs[1].split())) < 250, paragraphs[1]
    match = re.search(r'More in the operator guide '
                      r'\(doc/source/operator-guide\.rst\), section "(.+)"\.',
                      ' '.join(paragraphs[-1].split()))
    assert match, paragraphs[-1]
    assert match.group(1) in guide_sections()
