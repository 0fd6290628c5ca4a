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

"""Instances pinned to an availability zone, and spares outside every zone.

The spares are plain Nova hosts once out of Blazar, in Nova's default zone;
the simulated Nova runs the AvailabilityZoneFilter on every evacuation and
refuses a host in two zones, as Nova does.
"""

from tests.functional import cli
from tests.functional import harness
from tests.functional.test_cli_return import delete_servers
from tests.functional.test_cli_return import free_spares

FINISHED = 'finished'
ERROR = 'error'


def zoned_cloud(runner, name='basic', **options):
    cloud = runner.cloud(harness.scenario(
        name, harness.pinned_to('az-1', ('compute-1', 'compute-2'))))
    runner.prepare(cloud, **options)
    return cloud


def test_a_spare_joins_the_zone_of_the_instances_pinned_there(runner):
    cloud = zoned_cloud(runner)
    result = runner.fail(cloud, 'compute-1')

    assert result.status == FINISHED
    for name in ('ha-vm-1', 'ha-vm-2', 'plain-vm-1'):
        assert result.where(name) == 'spare-1'
    assert cloud.hosts_in_aggregate('rack-az-1') == [
        'compute-1', 'compute-2', 'spare-1']
    assert cloud.server('ha-vm-1')['availability_zone'] == 'az-1'
    assert result.said('added spare-1 to aggregate rack-az-1 of '
                       'availability zone az-1')
    assert result.claims()['spare-1']['joined'] == 'rack-az-1'
    result.assert_nothing_lost()


def test_return_takes_the_spare_out_of_the_zone_it_joined(
        runner, masakari, tmp_path):
    cloud = zoned_cloud(runner)
    result = runner.fail(cloud, 'compute-1')
    assert result.status == FINISHED
    delete_servers(cloud, 'ha-vm-1', 'ha-vm-2', 'plain-vm-1')
    conf = cli.write_conf(tmp_path, runner, cloud, masakari=masakari)
    dry = cli.run('--config-file', conf, 'return', 'spare-1', '--dry-run')
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines()[1] == (
        '  1. remove spare-1 from aggregate rack-az-1 of availability zone '
        'az-1, which the claim joined')

    done = cli.run('--config-file', conf, 'return', 'spare-1')

    assert done.returncode == 0, done.stderr
    assert 'removed spare-1 from aggregate rack-az-1' in done.stdout
    assert cloud.hosts_in_aggregate('rack-az-1') == [
        'compute-1', 'compute-2']
    assert result.claims() == {}
    assert free_spares(conf) == ['spare-1', 'spare-2']


def test_without_join_zones_the_scheduler_keeps_them_in_their_zone(runner):
    cloud = zoned_cloud(runner, join_zones=False)
    result = runner.fail(cloud, 'compute-1')

    assert result.status == FINISHED
    for name in ('ha-vm-1', 'ha-vm-2', 'plain-vm-1'):
        assert result.where(name) == 'compute-2'
    assert result.claims() == {}
    assert result.said('no healthy spare in availability zone az-1 has')
    assert cloud.hosts_in_aggregate('rack-az-1') == [
        'compute-1', 'compute-2']


def test_a_claim_given_back_before_any_move_leaves_the_zone(runner):
    cloud = zoned_cloud(runner, name='instance-reservation', api_retries=1,
                        api_retry_delay=0)
    # Placement refuses the reservation's inventory on the spare, after the
    # spare joined the zone.
    cloud.faults.add(service='placement', method='PUT',
                     path=r'/resource_classes/', kind='500', count=1000)
    result = runner.fail(cloud, 'compute-1')

    assert result.status == ERROR
    assert result.moved == []
    # The claim's revert took the spare out of the zone it had joined.
    assert result.said('removed spare-1 from aggregate rack-az-1')
    assert result.said('Returned spare-1 to the spare pool')
    assert cloud.hosts_in_aggregate('rack-az-1') == [
        'compute-1', 'compute-2']
    assert result.claims() == {}
    assert 'masakari-spare-spare-1' in result.lease_names()
