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

"""``masakari-blazar plan HOST``: a dry run that changes nothing."""

import json

from tests.functional import cli
from tests.functional import harness


def plan(conf, host, *options):
    done = cli.run('--config-file', conf, 'plan', host, '--format', 'json',
                   *options)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def targets(report):
    return {t['host']: t for t in report['targets']}


def test_plan_changes_nothing_in_the_cloud(runner, masakari, tmp_path):
    cloud = runner.cloud('basic')
    runner.prepare(cloud)
    conf = cli.write_conf(tmp_path, runner, cloud, masakari=masakari)
    before = cli.snapshot(cloud)

    text = cli.run('--config-file', conf, 'plan', 'compute-1')
    report = plan(conf, 'compute-1')

    assert text.returncode == 0, text.stderr
    assert cli.snapshot(cloud) == before
    assert text.stdout.rstrip().endswith('Nothing was changed.')
    # And it says what a recovery would do.
    assert {i['name']: i['target'] for i in report['instances']} == {
        'ha-vm-1': 'spare-1', 'ha-vm-2': 'spare-1', 'plain-vm-1': 'spare-1'}
    spare = targets(report)['spare-1']
    assert spare['kind'] == 'spare'
    assert spare['lease'] == 'masakari-spare-spare-1'
    assert 'holds all remaining instances of its group' in spare['why']
    assert spare['detach'] == ('its lease masakari-spare-spare-1 would be '
                               'deleted, and the host removed from Blazar')
    assert spare['changes'] == []
    assert report['fallback'] == []
    # Masakari's API says which segment, and so which flow.
    assert (report['segment'], report['recovery_method']) == ('segment',
                                                              'auto')
    assert report['notes'] == []
    assert report['outcome'] == '3 of 3 instance(s) would move to 1 host(s)'


def test_plan_names_the_aggregate_and_placement_changes(runner, tmp_path):
    cloud = runner.cloud('instance-reservation')
    runner.prepare(cloud)
    conf = cli.write_conf(tmp_path, runner, cloud)
    reservation = cloud.server('ir-vm-1')['flavor']['extra_specs'][
        'aggregate_instance_extra_specs:reservation']
    before = cli.snapshot(cloud)

    report = plan(conf, 'compute-1')

    assert cli.snapshot(cloud) == before
    changes = targets(report)['spare-1']['changes']
    assert len(changes) == 1
    assert changes[0].startswith(
        'join aggregate %s of instance reservation %s for 2 instance(s)' % (
            reservation, reservation))
    assert 'CUSTOM_RESERVATION_%s' % reservation.upper().replace('-', '_') \
        in changes[0]
    assert 'blazar_spare-1' in changes[0]


def test_plan_of_a_host_reservation_joins_its_aggregate(runner, tmp_path):
    cloud = runner.cloud('host-reservation')
    runner.prepare(cloud)
    conf = cli.write_conf(tmp_path, runner, cloud)
    reservation = cloud.server('reserved-vm-1')['scheduler_hints'][
        'reservation'][0]

    report = plan(conf, 'compute-1')

    reserved = {i['name']: i for i in report['instances']}['reserved-vm-1']
    assert reserved['reservation'] == 'host reservation %s' % reservation
    assert targets(report)[reserved['target']]['changes'] == [
        'join aggregate %s of host reservation %s for 2 instance(s)' % (
            reservation, reservation)]


def test_plan_shows_the_zone_a_spare_joins(runner, tmp_path):
    cloud = runner.cloud(harness.scenario(
        'basic', harness.pinned_to('az-1', ('compute-1', 'compute-2'))))
    runner.prepare(cloud)
    conf = cli.write_conf(tmp_path, runner, cloud)

    report = plan(conf, 'compute-1')

    spare = targets(report)['spare-1']
    assert spare['instances'] == ['ha-vm-1', 'ha-vm-2', 'plain-vm-1']
    assert spare['changes'] == [
        'join an aggregate of availability zone az-1 for 3 instance(s) '
        'pinned there; "return" takes it out again']
    assert 'joins availability zone az-1' in spare['why']


def test_plan_spills_over_several_spares(runner, tmp_path):
    cloud = runner.cloud('demo')
    runner.prepare(cloud)
    conf = cli.write_conf(tmp_path, runner, cloud)

    report = plan(conf, 'compute-1')

    found = targets(report)
    assert sorted(found) == ['spare-large', 'spare-medium', 'spare-small']
    assert any('spill-over' in t['why'] for t in found.values())
    assert report['fallback'] == []


def test_plan_shows_the_fallback_for_what_fits_nowhere(runner, tmp_path):
    cloud = runner.cloud('no-spare')
    runner.prepare(cloud)
    conf = cli.write_conf(tmp_path, runner, cloud)

    report = plan(conf, 'compute-1')

    assert report['targets'] == []
    assert sorted(f['instance'] for f in report['fallback']) == [
        'ha-vm-1', 'ha-vm-2']
    assert all('Nova scheduler chooses' in f['then']
               for f in report['fallback'])
    assert report['outcome'] == ('0 of 2 instance(s) would move to 0 '
                                 'host(s); 2 left to no_spare_action')

    failing = cli.write_conf(tmp_path, runner, cloud,
                             plugin='no_spare_action = fail')
    report = plan(failing, 'compute-1')
    assert report['outcome'].startswith(
        'The recovery would end in ERROR: No spare can hold 2 instance(s)')
    assert all('end in ERROR' in f['then'] for f in report['fallback'])


def test_plan_follows_the_reserved_hosts_masakari_would_offer(
        runner, masakari, tmp_path):
    cloud = runner.cloud('basic')
    runner.prepare(cloud, method='rh_priority', reserved=('compute-2',))
    conf = cli.write_conf(tmp_path, runner, cloud, masakari=masakari)

    report = plan(conf, 'compute-1')

    assert report['recovery_method'] == 'rh_priority'
    # A stale reserved flag gives way to Blazar's spares at once.
    assert report['refused_offers'] == []
    assert any('compute-2 offered by Masakari is not a free spare' in n
               for n in report['notes'])
    assert sorted(targets(report)) == ['spare-1']

    runner.prepare(cloud, method='reserved_host', reserved=('compute-2',))
    report = plan(conf, 'compute-1')
    assert sorted(targets(report)) == ['spare-1']

    runner.prepare(cloud, method='reserved_host')
    report = plan(conf, 'compute-1')
    assert 'ReservedHostsUnavailable' in report['outcome']

    runner.prepare(cloud, method='reserved_host', reserved=('spare-2',))
    report = plan(conf, 'compute-1')
    assert report['refused_offers'] == []
    assert sorted(targets(report)) == ['spare-2']


def test_plan_says_when_masakari_would_not_recover_the_host(
        runner, masakari, tmp_path):
    cloud = runner.cloud('basic')
    runner.prepare(cloud)
    runner.engine.reset()
    conf = cli.write_conf(tmp_path, runner, cloud, masakari=masakari)

    report = plan(conf, 'compute-1')

    assert report['segment'] is None
    assert report['notes'] == [
        'compute-1 is in no Masakari segment: Masakari refuses a '
        'notification for it; this plan assumes the auto flow']


def test_plan_of_a_host_with_nothing_to_move(runner, tmp_path):
    cloud = runner.cloud('basic')
    runner.prepare(cloud)
    conf = cli.write_conf(tmp_path, runner, cloud)

    report = plan(conf, 'spare-2')

    assert report['instances'] == []
    assert report['outcome'].startswith('Nothing would move')


def test_plan_of_an_unknown_host_is_one_line(runner, tmp_path):
    cloud = runner.cloud('basic')
    conf = cli.write_conf(tmp_path, runner, cloud)
    before = cli.snapshot(cloud)

    done = cli.run('--config-file', conf, 'plan', 'compute-9')

    assert done.returncode == 1
    assert cli.one_line_error(done) == (
        'unknown host compute-9: Nova has no nova-compute service of that '
        'name')
    assert cli.snapshot(cloud) == before


def test_plan_help_explains_it():
    done = cli.run('plan', '--help')

    assert done.returncode == 0
    assert 'dry run' in done.stdout
    assert 'Only reads' in ' '.join(done.stdout.split())


def test_plan_without_masakari_says_what_it_does_not_know(runner, tmp_path):
    cloud = runner.cloud('basic')
    runner.prepare(cloud, method='reserved_host', reserved=('spare-2',))
    conf = cli.write_conf(tmp_path, runner, cloud)

    report = plan(conf, 'compute-1')

    assert report['notes'] == [
        'Masakari\'s segments were not read (Masakari call "GET /segments" '
        'failed: no Masakari (instance-ha) endpoint in the Keystone catalog; '
        'set [masakari] endpoint_override, or check [masakari] interface and '
        'region_name): the segment, its recovery_method and reserved hosts '
        'are unknown']
    # Planned as the auto flow, not the segment's reserved_host.
    assert report['recovery_method'] == 'auto'
    assert sorted(targets(report)) == ['spare-1']
