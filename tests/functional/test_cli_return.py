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

"""``masakari-blazar return HOST``: a repaired host back into the pool."""

import json

import pytest

from tests.functional import cli
from tests.functional.conftest import nova_for
from tests.functional.conftest import record_claim
from tests.functional.conftest import wait_for
from tests.functional import harness


def delete_servers(cloud, *names):
    nova = nova_for(cloud)
    for name in names:
        nova.servers.delete(cloud.server(name)['id'])
    wait_for(lambda: not {s['name'] for s in cloud.snapshot()['servers']} &
             set(names))


def free_spares(conf):
    done = cli.run('--config-file', conf, 'pool', 'status', '--format',
                   'json')
    assert done.returncode in (0, 3), done.stderr
    return sorted(r['hostname'] for r in json.loads(done.stdout)['spares']
                  if r['state'] == 'free')


def test_a_claimed_spare_returns_once_empty(runner, masakari, tmp_path):
    cloud = runner.cloud('instance-reservation')
    runner.prepare(cloud)
    result = runner.fail(cloud, 'compute-1')
    assert result.status == 'finished'
    reservation = cloud.server('ir-vm-1')['flavor']['extra_specs'][
        'aggregate_instance_extra_specs:reservation']
    conf = cli.write_conf(tmp_path, runner, cloud, masakari=masakari)

    busy = cli.run('--config-file', conf, 'return', 'spare-1')
    assert cli.one_line_error(busy) == (
        'spare-1 still holds 2 server(s) (ir-vm-1, ir-vm-2); a spare must be '
        'empty: migrate or delete them first')

    delete_servers(cloud, 'ir-vm-1', 'ir-vm-2')
    before = cli.snapshot(cloud)
    dry = cli.run('--config-file', conf, 'return', 'spare-1', '--dry-run')
    assert dry.returncode == 0, dry.stderr
    assert cli.snapshot(cloud) == before
    assert dry.stdout.splitlines() == [
        'Would, for spare-1:',
        '  1. remove spare-1 from reservation aggregate(s) %s' % reservation,
        '  2. delete Placement resource provider blazar_spare-1 and the '
        'reservation inventory on it',
        '  3. register spare-1 in Blazar',
        '  4. create the spare lease masakari-spare-spare-1 holding only '
        'spare-1, for 3650 days',
        '  5. drop the claim of notification %s on spare-1 from aggregate '
        'masakari-blazar-claims' % result.uuid]

    done = cli.run('--config-file', conf, 'return', 'spare-1')
    assert done.returncode == 0, done.stderr
    assert 'Returned spare-1 to the spare pool (lease ' \
        'masakari-spare-spare-1)' in done.stdout
    assert result.claims() == {}
    assert 'spare-1' in result.blazar_hosts()
    assert 'spare-1' not in cloud.hosts_in_aggregate(reservation)
    assert free_spares(conf) == ['spare-1', 'spare-2']

    again = cli.run('--config-file', conf, 'return', 'spare-1')
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == (
        'spare-1 is already a spare (lease masakari-spare-spare-1, ACTIVE); '
        'nothing to do')


def test_a_repaired_failed_host_becomes_a_spare(runner, masakari, tmp_path):
    cloud = runner.cloud('basic')
    runner.prepare(cloud)
    result = runner.fail(cloud, 'compute-1')
    assert result.status == 'finished'
    conf = cli.write_conf(tmp_path, runner, cloud, masakari=masakari)

    # Masakari disabled nova-compute on the failed host, which is still
    # powered off and forced down.
    down = cli.run('--config-file', conf, 'return', 'compute-1')
    assert cli.one_line_error(down).startswith(
        'compute-1 cannot be a spare: nova-compute is disabled')

    cloud.recover_host('compute-1')
    nova = nova_for(cloud)
    service = nova.services.list(host='compute-1', binary='nova-compute')[0]
    nova.services.enable(service.id)
    nova.services.force_down(service.id, False)
    before = cli.snapshot(cloud)
    dry = cli.run('--config-file', conf, 'return', 'compute-1', '--dry-run')
    assert dry.stdout.splitlines()[1:] == [
        '  1. register compute-1 in Blazar',
        '  2. create the spare lease masakari-spare-compute-1 holding only '
        'compute-1, for 3650 days']
    assert cli.snapshot(cloud) == before

    done = cli.run('--config-file', conf, 'return', 'compute-1')
    assert done.returncode == 0, done.stderr
    # Masakari put the failed host on maintenance; the command says how
    # to clear it.
    assert 'openstack segment host update --on_maintenance False segment ' \
        'compute-1' in done.stdout
    assert 'compute-1' in result.blazar_hosts()
    assert free_spares(conf) == ['compute-1', 'spare-2']


@pytest.mark.parametrize('sync', [True, False])
def test_return_sets_the_masakari_reserved_flag_again(
        runner, masakari, tmp_path, sync):
    """The claim cleared the spare's flag; the return sets it back."""
    cloud = runner.cloud('basic')
    runner.prepare(cloud, method='reserved_host',
                   reserved=('spare-1', 'spare-2'),
                   sync_masakari_reserved=sync)
    result = runner.fail(cloud, 'compute-1')
    assert result.status == 'finished'
    claimed = list(result.claims())[0]
    assert runner.engine.host(claimed).reserved is (not sync)
    delete_servers(cloud, *[s['name'] for s in cloud.snapshot()['servers']
                            if s['host'] == claimed])
    conf = cli.write_conf(
        tmp_path, runner, cloud, masakari=masakari,
        plugin='sync_masakari_reserved = %s\n' % sync)

    done = cli.run('--config-file', conf, 'return', claimed)

    assert done.returncode == 0, done.stderr
    hint = ('Segment segment uses reserved_host: run "masakari-blazar '
            'sync-reserved" once the new lease is ACTIVE')
    done_line = ('Set the Masakari reserved flag of %s in segment segment '
                 '(reserved_host), so that its reserved-host flow offers it '
                 'again' % claimed)
    lines = done.stdout.splitlines()
    assert (done_line in lines, hint in lines) == (sync, not sync)
    assert runner.engine.host(claimed).reserved is True


def lab_scenario(spec):
    """An empty host in a user's lease and one in an operator AZ."""
    spec['hosts'].append({'name': 'lab-1', 'vcpus': 16, 'memory_mb': 32768,
                          'disk_gb': 500, 'blazar': True})
    spec['hosts'].append({'name': 'zoned-1', 'vcpus': 16,
                          'memory_mb': 32768, 'disk_gb': 500, 'az': 'az-9'})
    spec['leases'].append({'name': 'lab-lease', 'project': 'demo',
                           'type': 'host', 'hosts': ['lab-1'],
                           'end': '+30d'})


@pytest.mark.parametrize('host,reason', [
    ('compute-2', 'compute-2 still holds 1 server(s) (ha-vm-3); a spare '
                  'must be empty: migrate or delete them first'),
    ('compute-9', 'unknown host compute-9: Nova has no nova-compute service '
                  'of that name'),
    ('lab-1', 'lab-1 is allocated to Blazar lease lab-lease (ACTIVE), which '
              'is not a spare lease; it can only become a spare once that '
              'lease no longer holds it'),
    ('zoned-1', 'zoned-1 is in availability zone az-9 outside Blazar; Nova '
                'refuses a second zone, so a spare lease could not start on '
                'it: take it out of that zone\'s aggregate first'),
])
def test_return_refuses_in_one_line_and_changes_nothing(
        runner, tmp_path, host, reason):
    cloud = runner.cloud(harness.scenario('basic', lab_scenario))
    runner.prepare(cloud)
    conf = cli.write_conf(tmp_path, runner, cloud)
    before = cli.snapshot(cloud)

    for options in ((), ('--dry-run',)):
        done = cli.run('--config-file', conf, 'return', host, *options)
        assert done.returncode == 1
        assert cli.one_line_error(done) == reason
    assert cli.snapshot(cloud) == before


def test_return_waits_for_the_claiming_recovery_to_end(
        runner, masakari, tmp_path):
    """A claim whose notification still runs may be receiving instances."""
    from masakari.objects import fields
    cloud = runner.cloud('basic')
    runner.prepare(cloud)
    notification_uuid = runner.engine.create_notification('compute-1')
    ledger = record_claim(cloud, 'spare-1', notification_uuid)
    conf = cli.write_conf(tmp_path, runner, cloud, masakari=masakari)

    done = cli.run('--config-file', conf, 'return', 'spare-1')
    assert cli.one_line_error(done) == (
        'spare-1 is claimed by notification %s, which is still new: its '
        'instances may be on their way there' % notification_uuid)

    # Once it has ended, a claim left on a spare that never left its lease
    # is simply dropped.
    from masakari import objects
    notification = objects.Notification.get_by_uuid(runner.engine.context,
                                                    notification_uuid)
    notification.status = fields.NotificationStatus.ERROR
    notification.save()
    done = cli.run('--config-file', conf, 'return', 'spare-1')
    assert done.returncode == 0, done.stderr
    assert 'Released the claim on spare-1' in done.stdout
    assert nova_for(cloud).aggregates.get(ledger.id).metadata == {}


def test_return_help_explains_it():
    done = cli.run('return', '--help')

    assert done.returncode == 0
    text = ' '.join(done.stdout.split())
    assert 'must be up, enabled, empty' in text
    assert '--dry-run' in text
