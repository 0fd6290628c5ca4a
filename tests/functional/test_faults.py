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

"""API faults at each call of the flow, and bad input.

Transient faults (5xx, timeouts, dropped connections) are retried and the
recovery completes; persistent ones end the notification in ERROR with a
line naming the failing call, and leave no half-claimed spare.  Bad input
ends in one clear line and changes nothing.
"""

import pytest

from tests.functional import cli
from tests.functional.conftest import when_requested
from tests.functional import harness

BASIC = ('ha-vm-1', 'ha-vm-2', 'plain-vm-1')

# The calls only the plugin makes: Masakari's own tasks do not retry, so a
# fault on a call they share (e.g. GET /os-services) fails them first.
PLUGIN_CALLS = [
    ('blazar', 'GET', r'/leases$', 'GET /leases'),
    ('blazar', 'GET', r'/os-hosts$', 'GET /os-hosts'),
    ('blazar', 'GET', r'/os-hosts/allocations', 'GET /os-hosts/allocations'),
    ('blazar', 'DELETE', r'/leases/', 'DELETE /leases/'),
    ('blazar', 'DELETE', r'/os-hosts/', 'DELETE /os-hosts/'),
    ('nova', 'GET', r'/os-hypervisors', 'GET /os-hypervisors/detail'),
    ('nova', 'GET', r'/os-aggregates$', 'GET /os-aggregates'),
    # The claim's first write to the claim aggregate: its anchor.
    ('nova', 'POST', r'/os-aggregates/\d+/action',
     'add_host'),
    ('placement', 'GET', r'/allocation_candidates',
     'GET /allocation_candidates'),
]
FAST_RETRIES = {'api_retries': 3, 'api_retry_delay': 0.01,
                'api_retry_max_delay': 0.05}


@pytest.mark.parametrize('kind', ['503', 'drop'])
@pytest.mark.parametrize('service,method,path,call', PLUGIN_CALLS,
                         ids=[c[3] for c in PLUGIN_CALLS])
def test_transient_fault_is_retried_and_the_recovery_completes(
        runner, service, method, path, call, kind):
    cloud = runner.cloud('basic')
    cloud.faults.add(service=service, method=method, path=path, kind=kind,
                     count=2)
    runner.prepare(cloud, **FAST_RETRIES)
    result = runner.fail(cloud, 'compute-1')

    assert result.status == 'finished', result.messages
    failed = [e for e in cloud.request_log
              if e[0] == service and e[1] == method and
              e[3] in (503, 'drop')]
    assert len(failed) == 2, failed   # the faults did happen
    assert list(result.claims()) == ['spare-1']
    result.assert_nothing_lost()


def test_a_timeout_is_retried(runner):
    cloud = runner.cloud('basic', fault_timeout=2.0)
    cloud.faults.add(service='blazar', method='GET', path=r'/leases$',
                     kind='timeout', count=1)
    runner.prepare(cloud, **FAST_RETRIES)
    from oslo_config import cfg
    cfg.CONF.set_override('timeout', 0.5, group='blazar')
    try:
        result = runner.fail(cloud, 'compute-1')
    finally:
        cfg.CONF.clear_override('timeout', group='blazar')
    assert result.status == 'finished', result.messages
    assert list(result.claims()) == ['spare-1']


@pytest.mark.parametrize('service,method,path,call', PLUGIN_CALLS,
                         ids=[c[3] for c in PLUGIN_CALLS])
def test_persistent_fault_ends_in_error_naming_the_call(
        runner, service, method, path, call):
    cloud = runner.cloud('basic')
    cloud.faults.add(service=service, method=method, path=path, kind='500',
                     count=10000)
    runner.prepare(cloud, **FAST_RETRIES)
    result = runner.fail(cloud, 'compute-1')

    assert result.status == 'error'
    reason = [m for m in result.messages if ' call "' in m]
    assert reason, result.messages
    assert call in reason[0] and 'HTTP 500' in reason[0], reason
    # Nothing moved, and no spare is left half-claimed: either it is still
    # a spare in its lease, or the error says which spare is held and why.
    assert result.moved == []
    for name in ('ha-vm-1', 'ha-vm-2', 'plain-vm-1'):
        assert result.where(name) == 'compute-1'
    cloud.faults.clear()
    claims = result.claims()
    for hostname in claims:
        assert result.said(hostname), (claims, result.messages)
    # No anchor is left without its record, held by nobody's name.
    assert set(cloud.hosts_in_aggregate(harness.CLAIMS)) <= set(claims)
    if not claims:
        assert result.lease_names() == ['masakari-spare-spare-1',
                                        'masakari-spare-spare-2']


# Bad input ------------------------------------------------------------------

def _empty_compute(spec):
    spec['hosts'].append({'name': 'compute-3', 'vcpus': 16,
                          'memory_mb': 32768, 'disk_gb': 500})


def test_host_without_instances_finishes_without_claiming(runner):
    cloud = runner.cloud(harness.scenario('basic', _empty_compute))
    runner.prepare(cloud)
    result = runner.fail(cloud, 'compute-3')
    assert result.status == 'finished'
    assert result.said("Skipped host 'compute-3' recovery as no instances")
    result2 = runner.fail(cloud, 'compute-3')   # a duplicate notification
    assert result2.status == 'finished'
    assert result.claims() == {}
    assert result.lease_names() == ['masakari-spare-spare-1',
                                    'masakari-spare-spare-2']


def test_duplicate_notification_after_recovery_claims_nothing_more(runner):
    cloud = runner.cloud('basic')
    runner.prepare(cloud)
    first = runner.fail(cloud, 'compute-1')
    assert first.status == 'finished'
    second = runner.fail(cloud, 'compute-1')
    assert second.status == 'finished'
    assert list(second.claims()) == ['spare-1']
    assert second.said("Skipped host 'compute-1' recovery as no instances")


def _spare_with_a_server(spec):
    spec['servers'].append({'name': 'squatter', 'host': 'spare-1',
                            'flavor': 'm1.small', 'project': 'service'})


def test_spare_holding_a_server_is_never_chosen(runner):
    cloud = runner.cloud(harness.scenario('basic', _spare_with_a_server))
    assert cloud.server('squatter')['host'] == 'spare-1'
    runner.prepare(cloud)
    result = runner.fail(cloud, 'compute-1')

    assert result.status == 'finished'
    assert result.where('ha-vm-1') == 'spare-2'
    assert list(result.claims()) == ['spare-2']
    assert cloud.server('squatter')['host'] == 'spare-1'
    assert 'masakari-spare-spare-1' in result.lease_names()


def _spare_lease_pending(spec):
    for lease in spec['leases']:
        if lease['name'] == 'masakari-spare-spare-1':
            lease['start'] = '+1d'


def test_spare_lease_not_yet_active_is_ignored(runner):
    cloud = runner.cloud(harness.scenario('basic', _spare_lease_pending))
    runner.prepare(cloud)
    result = runner.fail(cloud, 'compute-1')

    assert result.status == 'finished'
    assert result.where('ha-vm-1') == 'spare-2'
    assert list(result.claims()) == ['spare-2']


def test_unreachable_blazar_ends_in_one_clear_line(runner):
    cloud = runner.cloud('basic')
    runner.prepare(cloud, api_retries=0)
    from oslo_config import cfg
    cfg.CONF.set_override('endpoint_override', 'http://127.0.0.1:9/v1',
                          group='blazar')
    try:
        result = runner.fail(cloud, 'compute-1')
    finally:
        cfg.CONF.clear_override('endpoint_override', group='blazar')
    assert result.status == 'error'
    assert result.said('Blazar call "GET /leases" failed: cannot connect')
    assert result.where('ha-vm-1') == 'compute-1'
    assert result.claims() == {}


def test_unreachable_keystone_ends_in_one_clear_line(runner):
    cloud = runner.cloud('basic')
    runner.prepare(cloud)
    from oslo_config import cfg
    cfg.CONF.set_override('auth_url', 'http://127.0.0.1:9/identity/v3',
                          group='blazar')
    try:
        result = runner.fail(cloud, 'compute-1')
    finally:
        cfg.CONF.clear_override('auth_url', group='blazar')
    assert result.status == 'error'
    reason = [m for m in result.messages if 'Keystone' in m]
    assert reason and 'check [blazar] auth_url' in reason[0], \
        result.messages
    assert '\n' not in reason[0]
    assert result.where('ha-vm-1') == 'compute-1'


# Blazar and Nova acting at the same time ------------------------------------

def test_spare_going_down_after_the_claim_is_not_evacuated_to(runner):
    cloud = runner.cloud('basic')
    # Nova's service list answers slowly, so that the spare is down by the
    # time the evacuation task looks at it.
    cloud.faults.add(service='nova', method='GET', path=r'/os-services',
                     kind=None, latency=0.5)
    when_requested(cloud, 'DELETE', '/os-hosts/',
                   lambda: cloud.fail_host('spare-1', forced_down=True))
    runner.prepare(cloud)
    result = runner.fail(cloud, 'compute-1')

    assert result.status == 'error'
    assert result.said('Not evacuating to spare-1, which became unusable '
                       '(nova-compute is forced down)')
    # Nothing was sent to the dead spare, so nothing is in ERROR.
    for name in BASIC:
        assert result.where(name) == 'compute-1'
        assert cloud.server(name)['vm_state'] == 'active'
    cloud.faults.clear()

    result.retry()
    assert result.status == 'finished', result.messages
    for name in BASIC:
        assert result.where(name) == 'spare-2'
    assert 'spare-1' not in result.claims()
    result.assert_nothing_lost()


def test_persistent_nova_evacuate_failure_keeps_the_spare_claimed(runner):
    cloud = runner.cloud('basic')
    cloud.faults.add(service='nova', method='POST',
                     path=r'/servers/.*/action', kind='500', count=10000)
    runner.prepare(cloud)
    result = runner.fail(cloud, 'compute-1')

    assert result.status == 'error'
    assert result.said('the claimed spares stay claimed')
    assert list(result.claims()) == ['spare-1']
    for name in BASIC:
        assert result.where(name) == 'compute-1'
    cloud.faults.clear()
    result.retry()
    assert result.status == 'finished', result.messages
    assert list(result.claims()) == ['spare-1']
    result.assert_nothing_lost()


def test_bad_option_value_in_a_config_file_is_one_line(tmp_path):
    conf = tmp_path / 'bad.conf'
    conf.write_text('[masakari_blazar]\nno_spare_action = sometimes\n'
                    'max_spares_per_failure = 0\n')
    done = cli.run('--config-file', str(conf), 'pool', 'status')
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert 'no_spare_action' in lines[0] or 'max_spares' in lines[0]


def test_user_lease_taking_the_spare_mid_claim_loses_nothing(runner):
    """A user's lease may take a spare that is being detached.

    Between the deletion of its spare lease and its removal from Blazar, a
    spare sits in freepool, where Blazar may hand it to a user's lease.
    """
    from tests.functional.conftest import blazar_for
    cloud = runner.cloud('basic')

    def user_lease():
        blazar_for(cloud, project_name='demo').lease.create(
            name='user-lease', start='now', end='2099-01-01 00:00',
            reservations=[{
                'resource_type': 'physical:host', 'min': 1, 'max': 1,
                'hypervisor_properties':
                    '["=", "$hypervisor_hostname", "spare-1"]',
                'resource_properties': ''}],
            events=[])

    # Blazar is slow to delete the spare lease, and the user is quick.
    cloud.faults.add(service='blazar', method='DELETE', path=r'/os-hosts/',
                     kind=None, latency=0.3)
    when_requested(cloud, 'DELETE', '/leases/', user_lease)
    runner.prepare(cloud, **FAST_RETRIES)
    result = runner.fail(cloud, 'compute-1')

    assert result.status == 'error'
    assert result.said('Blazar lease user-lease took it meanwhile')
    assert result.claims() == {}
    for name in BASIC:
        assert result.where(name) == 'compute-1'
    cloud.faults.clear()
    result.retry()
    assert result.status == 'finished', result.messages
    for name in BASIC:
        assert result.where(name) == 'spare-2'
    result.assert_nothing_lost()


def test_spare_lease_ending_mid_claim_still_recovers(runner):
    """The spare's lease ends on its own while the claim is under way."""
    from tests.functional.conftest import blazar_for
    cloud = runner.cloud('basic')

    def end_spare_lease():
        blazar = blazar_for(cloud, project_name='admin')
        for lease in blazar.lease.list():
            if lease['name'] == 'masakari-spare-spare-1':
                blazar.lease.update(
                    lease['id'],
                    end_date=cloud.clock.now().strftime('%Y-%m-%d %H:%M'))

    cloud.faults.add(service='blazar', method='DELETE', path=r'/leases/',
                     kind=None, latency=0.5)
    when_requested(cloud, 'GET', '/os-hosts/allocations', end_spare_lease)
    runner.prepare(cloud, **FAST_RETRIES)
    result = runner.fail(cloud, 'compute-1')

    # The lease ended (PUT) before the plugin deleted it.
    calls = [(e[1], e[3]) for e in cloud.request_log
             if e[0] == 'blazar' and '/leases/' in e[2]]
    assert calls.index(('PUT', 200)) < calls.index(('DELETE', 204)), calls
    assert result.status == 'finished', result.messages
    for name in BASIC:
        assert result.where(name) == 'spare-1'
    assert 'spare-1' not in result.blazar_hosts()
    result.assert_nothing_lost()
