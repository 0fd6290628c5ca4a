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
"""Cold spares on the simulated cloud: cooled, left alone, warmed again.

The ironic power driver drives the simulated cloud's Ironic, whose nodes
are its compute hosts: a node powered off stops its nova-compute's
heartbeats, and one powered on brings nova-compute up after its boot
delay.  Blazar's host monitor polls at every request, so that it sees
every state the spares pass through.
"""

import json

import pytest

from tests.functional import cli
from tests.functional.conftest import wait_for
from tests.functional import harness

# The monitor polls and heals whenever a request comes (simulated
# seconds), and Nova calls a silent compute down after 5 s.
WATCHED = dict(blazar_monitor=True, blazar_polling_interval=0,
               blazar_healing_interval=0, service_down_time=5,
               boot_delay=0.3)
PLUGIN = ('power_driver = ironic\npoll_interval = 0.05\n'
          'power_on_timeout = 30\n')


def _with_free_host(spec):
    # A host Blazar holds in freepool, which a healing would take.
    spec['hosts'].append({'name': 'free-1', 'vcpus': 16, 'memory_mb': 32768,
                          'disk_gb': 500, 'blazar': True})


@pytest.fixture
def cloud(runner):
    cloud = runner.cloud(harness.scenario('basic', _with_free_host),
                         **WATCHED)
    runner.prepare(cloud)
    return cloud


def _conf(tmp_path, runner, cloud, plugin=''):
    return cli.write_conf(tmp_path, runner, cloud, plugin=PLUGIN + plugin)


def _pool(conf):
    done = cli.run('--config-file', conf, 'pool', 'status', '--format',
                   'json')
    assert done.returncode in (0, 3), done.stderr
    return {r['hostname']: r for r in json.loads(done.stdout)['spares']}


def _blazar_hosts(cloud):
    return sorted(h['hypervisor_hostname']
                  for h in cloud.snapshot()['blazar']['hosts'].values())


def _live_leases(cloud):
    return sorted(lease['name'] for lease in
                  cloud.snapshot()['blazar']['leases'].values()
                  if lease['status'] not in ('TERMINATED', 'DELETED'))


def _allocated(cloud):
    """The hosts Blazar's reservations hold, by host."""
    return sorted(a['host'] for a in cloud.snapshot()['blazar']['allocations'])


def _free_host_untouched(cloud):
    """free-1 is still Blazar's free host: no healing took it."""
    snapshot = cloud.snapshot()
    return ('free-1' not in _allocated(cloud) and
            'freepool' in snapshot['hosts']['free-1']['aggregates'])


def test_a_spare_is_cooled_and_warmed_again(runner, cloud, tmp_path):
    conf = _conf(tmp_path, runner, cloud)
    dry = cli.run('--config-file', conf, 'pool', 'cool', 'spare-2',
                  '--dry-run')
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines() == [
        'Would, for spare-2:',
        '  1. record spare-2 as cold in aggregate masakari-blazar-claims, '
        'where no recovery claims it',
        '  2. disable nova-compute on spare-2 ("masakari-blazar: cold spare, '
        'powered off")',
        '  3. take spare-2 out of spare lease masakari-spare-spare-2 and out '
        'of Blazar',
        '  4. power spare-2 off']
    assert cloud.power_state('spare-2') == 'power on'

    done = cli.run('--config-file', conf, 'pool', 'cool', 'spare-2')
    assert done.returncode == 0, done.stderr
    # Ironic runs a power action in the background.
    wait_for(lambda: cloud.power_state('spare-2') == 'power off')
    host = cloud.snapshot()['hosts']['spare-2']
    assert host['service']['status'] == 'disabled'
    assert host['service']['disabled_reason'] == \
        'masakari-blazar: cold spare, powered off'
    assert _blazar_hosts(cloud) == ['free-1', 'spare-1']
    assert _live_leases(cloud) == ['masakari-spare-spare-1']
    assert _free_host_untouched(cloud)
    cloud.clock.advance(6)
    pool = _pool(conf)
    assert pool['spare-2']['cold'] and pool['spare-2']['power'] == 'off'
    assert pool['spare-2']['state'].startswith('cold since ')
    assert pool['spare-1']['state'] == 'free'
    assert cloud.snapshot()['hosts']['spare-2']['service']['state'] == 'down'

    # Cooling again finds nothing to do.
    again = cli.run('--config-file', conf, 'pool', 'cool', 'spare-2',
                    '--dry-run')
    assert again.stdout.splitlines()[-1] == '  nothing: it is cold already'

    done = cli.run('--config-file', conf, 'pool', 'warm', 'spare-2')
    assert done.returncode == 0, done.stderr
    assert 'nova-compute on spare-2 reports up' in done.stdout
    host = cloud.snapshot()['hosts']['spare-2']
    assert host['service'] == dict(host['service'], status='enabled',
                                   state='up')
    assert _blazar_hosts(cloud) == ['free-1', 'spare-1', 'spare-2']
    wait_for(lambda: _pool(conf)['spare-2']['state'] == 'free')
    assert not _pool(conf)['spare-2']['cold']
    assert _allocated(cloud) == ['spare-1', 'spare-2']
    assert _free_host_untouched(cloud)
    assert _live_leases(cloud) == ['masakari-spare-spare-1',
                                   'masakari-spare-spare-2']


def test_a_recovery_never_claims_a_cold_spare(runner, cloud, tmp_path):
    conf = _conf(tmp_path, runner, cloud)
    assert cli.run('--config-file', conf, 'pool', 'cool',
                   'spare-1').returncode == 0
    result = runner.fail(cloud, 'compute-2')
    assert result.status == 'finished'
    assert cloud.server('ha-vm-3')['host'] == 'spare-2'
    assert wait_for(lambda: cloud.power_state('spare-1') == 'power off')
    assert _pool(conf)['spare-1']['cold']


@pytest.mark.parametrize('host,refusal', [
    ('spare-9', 'unknown host spare-9: Nova has no nova-compute service of '
     'that name'),
    ('compute-1', 'compute-1 is not a free spare (no ACTIVE spare lease '
     'holds it): only a free spare is cooled'),
])
def test_only_a_free_spare_is_cooled(runner, cloud, tmp_path, host, refusal):
    conf = _conf(tmp_path, runner, cloud)
    before = cli.snapshot(cloud)
    done = cli.run('--config-file', conf, 'pool', 'cool', host)
    assert cli.one_line_error(done) == refusal
    assert cli.snapshot(cloud) == before


def test_without_a_power_driver_nothing_is_cooled(runner, cloud, tmp_path):
    conf = cli.write_conf(tmp_path, runner, cloud)
    before = cli.snapshot(cloud)
    done = cli.run('--config-file', conf, 'pool', 'cool', 'spare-1')
    assert cli.one_line_error(done).startswith(
        'cannot cool spare-1: [masakari_blazar] power_driver is none')
    assert cli.snapshot(cloud) == before


def test_balance_keeps_the_warm_count(runner, cloud, tmp_path):
    conf = _conf(tmp_path, runner, cloud, 'warm_spares = 1\n')
    done = cli.run('--config-file', conf, 'pool', 'balance')
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == \
        'To keep 1 free spare(s) warm: cool spare-2; warm none.'
    wait_for(lambda: cloud.power_state('spare-2') == 'power off')
    quiet = cli.run('--config-file', conf, 'pool', 'balance')
    assert quiet.stdout.strip() == \
        'The pool keeps 1 free spare(s) warm: nothing to do.'

    conf = _conf(tmp_path, runner, cloud, 'warm_spares = 2\n')
    done = cli.run('--config-file', conf, 'pool', 'balance')
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == \
        'To keep 2 free spare(s) warm: cool none; warm spare-2.'
    wait_for(lambda: _pool(conf)['spare-2']['state'] == 'free')
    assert _free_host_untouched(cloud)


def test_a_spare_that_does_not_boot_stays_cold(runner, tmp_path):
    cloud = runner.cloud('basic', **dict(WATCHED, boot_delay=60))
    runner.prepare(cloud)
    conf = _conf(tmp_path, runner, cloud, 'power_on_timeout = 1\n')
    assert cli.run('--config-file', conf, 'pool', 'cool',
                   'spare-2').returncode == 0
    done = cli.run('--config-file', conf, 'pool', 'warm', 'spare-2')
    assert cli.one_line_error(done) == (
        'spare-2 is still cold: waited 1 s for nova-compute to report up '
        '([masakari_blazar] power_on_timeout); check its console, then warm '
        'it again')
    assert _pool(conf)['spare-2']['cold']
    assert _blazar_hosts(cloud) == ['spare-1']


def _all_cold(runner, cloud, tmp_path, **plugin):
    """Both spares cooled, and the engine set up to power them."""
    conf = _conf(tmp_path, runner, cloud)
    for host in ('spare-1', 'spare-2'):
        assert cli.run('--config-file', conf, 'pool', 'cool',
                       host).returncode == 0
    wait_for(lambda: {cloud.power_state(h) for h in ('spare-1', 'spare-2')}
             == {'power off'})
    cloud.clock.advance(6)
    options = dict(power_driver='ironic', poll_interval=0.05,
                   power_on_timeout=30)
    options.update(plugin)
    runner.prepare(cloud, **options)
    return conf


def test_a_failure_no_warm_spare_takes_warms_a_cold_one(runner, cloud,
                                                        tmp_path):
    conf = _all_cold(runner, cloud, tmp_path)
    result = runner.fail(cloud, 'compute-2')
    assert result.status == 'finished'
    result.assert_nothing_lost()
    spare = cloud.server('ha-vm-3')['host']
    other = ({'spare-1', 'spare-2'} - {spare}).pop()
    assert result.said('Claimed cold spare %s; asked Ironic node %s to '
                       'power it on' % (spare, spare))
    assert result.said('Cold spare %s is up; enabled nova-compute on it'
                       % spare)
    host = cloud.snapshot()['hosts'][spare]
    assert (cloud.power_state(spare), host['service']['status'],
            host['service']['state']) == ('power on', 'enabled', 'up')
    # One cold spare was enough: the other stays cold, and Blazar never
    # saw either.
    assert cloud.power_state(other) == 'power off'
    pool = _pool(conf)
    assert pool[other]['cold']
    assert pool[spare]['state'].startswith('claimed by notification %s' %
                                           result.uuid)
    assert _blazar_hosts(cloud) == ['free-1']
    assert _free_host_untouched(cloud)


def test_a_warm_spare_goes_first(runner, cloud, tmp_path):
    conf = _conf(tmp_path, runner, cloud)
    assert cli.run('--config-file', conf, 'pool', 'cool',
                   'spare-2').returncode == 0
    runner.prepare(cloud, power_driver='ironic', poll_interval=0.05)
    result = runner.fail(cloud, 'compute-2')
    assert result.status == 'finished'
    assert cloud.server('ha-vm-3')['host'] == 'spare-1'
    assert not result.said('old spare')
    assert wait_for(lambda: cloud.power_state('spare-2') == 'power off')


def test_a_cold_spare_that_does_not_boot_is_skipped(runner, tmp_path):
    cloud = runner.cloud(harness.scenario('basic', _with_free_host),
                         **dict(WATCHED, boot_delay=60))
    _all_cold(runner, cloud, tmp_path, power_on_timeout=1)
    result = runner.fail(cloud, 'compute-2')
    assert result.status == 'finished'
    result.assert_nothing_lost()
    assert result.said('did not come up within 1 s ([masakari_blazar] '
                       'power_on_timeout); planning without it')
    # The scheduler chose among the hosts it may use, as
    # no_spare_action = scheduler says.
    assert cloud.server('ha-vm-3')['host'] not in ('spare-1', 'spare-2')
