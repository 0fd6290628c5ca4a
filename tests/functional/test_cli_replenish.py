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

"""Replenishing the pool: ``masakari-blazar replenish`` and the claim step.

The scenario adds three free Blazar hosts to 'basic': two whose extra
capability ``spare_class`` is ``gold`` (one large, one small) and one
``bronze``.
"""

import json

from tests.functional import cli
from tests.functional import harness

GOLD = '["=", "$$spare_class", "gold"]'


def with_free_hosts(spec):
    for name, vcpus, ram, grade in (('free-big', 32, 65536, 'gold'),
                                    ('free-small', 8, 16384, 'gold'),
                                    ('free-other', 32, 65536, 'bronze')):
        spec['hosts'].append({'name': name, 'vcpus': vcpus,
                              'memory_mb': ram, 'disk_gb': 500,
                              'blazar': True,
                              'capabilities': {'spare_class': grade}})


def start(runner):
    cloud = runner.cloud(harness.scenario('basic', with_free_hosts))
    runner.prepare(cloud)
    return cloud


def pool(conf):
    done = cli.run('--config-file', conf, 'pool', 'status', '--format',
                   'json')
    return {r['hostname']: r['state']
            for r in json.loads(done.stdout)['spares']}


def test_replenish_adds_the_largest_matching_free_host(runner, tmp_path):
    cloud = start(runner)
    conf = cli.write_conf(tmp_path, runner, cloud,
                          plugin='pool_min_size = 3\n'
                                 'spare_host_properties = %s' % GOLD)
    before = cli.snapshot(cloud)

    dry = cli.run('--config-file', conf, 'replenish', '--dry-run')
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines() == [
        'Would give free Blazar host free-big the spare lease '
        'masakari-spare-free-big']
    assert cli.snapshot(cloud) == before

    done = cli.run('--config-file', conf, 'replenish')
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        'Replenished the spare pool: gave free Blazar host free-big the '
        'spare lease masakari-spare-free-big']
    assert pool(conf) == {'free-big': 'free', 'spare-1': 'free',
                          'spare-2': 'free'}

    again = cli.run('--config-file', conf, 'replenish')
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == ('The spare pool holds 3 free spare(s); '
                                    'pool_min_size is 3: nothing to add')


def test_replenish_says_why_it_cannot_reach_the_minimum(runner, tmp_path):
    cloud = start(runner)
    conf = cli.write_conf(tmp_path, runner, cloud,
                          plugin='pool_min_size = 6\n'
                                 'spare_host_properties = %s' % GOLD)

    done = cli.run('--config-file', conf, 'replenish')

    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        'Replenished the spare pool: gave free Blazar host free-big the '
        'spare lease masakari-spare-free-big',
        'Replenished the spare pool: gave free Blazar host free-small the '
        'spare lease masakari-spare-free-small']
    assert cli.one_line_error(done) == (
        'The spare pool stays 2 below pool_min_size (6): free-other: does '
        'not match spare_host_properties')


def test_a_bad_profile_is_one_line(runner, tmp_path):
    cloud = start(runner)
    conf = cli.write_conf(tmp_path, runner, cloud,
                          plugin='spare_host_properties = ["or"]')

    done = cli.run('--config-file', conf, 'replenish', '--dry-run')

    assert cli.one_line_error(done).startswith(
        '[masakari_blazar] spare_host_properties is not a Blazar query')


def test_the_claim_tops_the_pool_up_when_asked(runner):
    cloud = runner.cloud(harness.scenario('basic', with_free_hosts))
    runner.prepare(cloud, replenish_pool=True, pool_min_size=2,
                   spare_host_properties=GOLD)
    result = runner.fail(cloud, 'compute-1')

    assert result.status == 'finished'
    assert result.said('Replenished the spare pool: gave free Blazar host '
                       'free-big the spare lease masakari-spare-free-big')
    assert 'masakari-spare-free-big' in result.lease_names()
    result.assert_nothing_lost()


def test_the_claim_reports_a_pool_it_cannot_fill(runner):
    cloud = runner.cloud(harness.scenario('basic', with_free_hosts))
    runner.prepare(cloud, replenish_pool=True, pool_min_size=5,
                   spare_host_properties=GOLD)
    result = runner.fail(cloud, 'compute-1')

    assert result.status == 'finished'
    assert result.said('The spare pool stays 2 below pool_min_size (5): '
                       'free-other: does not match spare_host_properties')


def test_without_replenish_pool_the_claim_adds_nothing(runner):
    cloud = runner.cloud(harness.scenario('basic', with_free_hosts))
    runner.prepare(cloud, pool_min_size=3)
    result = runner.fail(cloud, 'compute-1')

    assert result.status == 'finished'
    assert not result.said('Replenished')
    assert result.lease_names() == ['masakari-spare-spare-2']


def test_replenish_reads_freepool_under_the_configured_name(runner,
                                                            tmp_path):
    """Blazar and the BlazarFilter may call freepool otherwise."""
    cloud = runner.cloud(harness.scenario('basic', with_free_hosts),
                         freepool_name='blazar-free')
    runner.prepare(cloud)
    plugin = 'pool_min_size = 3\nspare_host_properties = %s\n' % GOLD
    stock = cli.write_conf(tmp_path, runner, cloud, plugin=plugin)
    (tmp_path / 'renamed').mkdir()
    renamed = cli.write_conf(tmp_path / 'renamed', runner, cloud,
                             plugin=plugin +
                             'aggregate_freepool_name = blazar-free')

    done = cli.run('--config-file', stock, 'replenish', '--dry-run')
    assert 'free-big: not in freepool' in cli.one_line_error(done)
    done = cli.run('--config-file', renamed, 'replenish', '--dry-run')
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        'Would give free Blazar host free-big the spare lease '
        'masakari-spare-free-big']
