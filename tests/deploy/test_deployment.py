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

"""The operator's path through a real Masakari deployment.

Each step is what an operator or masakari-hostmonitor does, with the real
clients: ``openstack segment create`` and ``openstack segment host
create`` (python-masakariclient) register a segment per recovery method,
each with its compute host and a spare; ``masakari-blazar
sync-reserved`` flags the spares of the reserved-host methods and
``check`` approves the deployment; a host powers off and the notification
masakari-hostmonitor would send (``openstack notification create``)
reaches masakari-api, which validates the token with keystonemiddleware
and casts it over RabbitMQ to masakari-engine, where the plugin's flow
evacuates the host's instances onto its spare.  ``masakari-blazar
recover`` reports one more failure, and ``pool status`` then shows the
spares the recoveries claimed.  The tests run in this order and share one
deployment.
"""

import datetime
import json
import re
import time

import pytest
import requests

pytestmark = pytest.mark.deploy

# What masakari-hostmonitor posts for a host that Pacemaker reports
# offline (masakarimonitors/hostmonitor/host_handler/handle_host.py).
HOST_DOWN = {'event': 'STOPPED', 'host_status': 'NORMAL',
             'cluster_status': 'OFFLINE'}
# compute-N, its instances vm-Na and vm-Nb and its spare spare-N, in the
# segment of each recovery method (tools/deploy_tier/scenario.yaml).
METHODS = {'auto': 1, 'reserved_host': 2, 'auto_priority': 3,
           'rh_priority': 4}
RECOVER = 5
# The task classes of etc/masakari/masakari-custom-recovery-methods.conf,
# as the notification's progress details name them.
FLOW_TASKS = ('BlazarDisableComputeServiceTask',
              'PrepareHAEnabledInstancesTask', 'ClaimSpareTask',
              'PrepareSpareTask', 'EvacuateInstancesTask')
# Masakari's notification states that end a recovery ('error' does not:
# masakari-engine retries it).
ENDED = ('finished', 'failed', 'ignored')


def _uses_reserved_hosts(method):
    return method in ('reserved_host', 'rh_priority')


@pytest.fixture(scope='module')
def segments(deployment):
    """A segment per method, and one for ``recover``: name -> uuid."""
    created = {}
    for method, n in sorted(dict(METHODS, recover=RECOVER).items()):
        name = 'segment-%s' % method
        segment = deployment.openstack(
            'segment', 'create', name,
            method if method in METHODS else 'auto', 'COMPUTE')
        deployment.openstack('segment', 'host', 'create', 'compute-%d' % n,
                             'COMPUTE', 'SSH', segment['uuid'])
        deployment.openstack('segment', 'host', 'create', 'spare-%d' % n,
                             'COMPUTE', 'SSH', segment['uuid'])
        created[method] = segment['uuid']
    return created


@pytest.fixture(scope='module')
def claims():
    """Spare -> the notification whose recovery took it, as tests go."""
    return {}


def _landed(deployment, n):
    """Host and status of compute-N's instances."""
    return {name: (server['host'], server['status'])
            for name in ('vm-%da' % n, 'vm-%db' % n)
            for server in [deployment.cloud.server(name)]}


def _follow(deployment, notification_uuid, timeout=120):
    """The notification once its recovery has ended."""
    deadline = time.monotonic() + timeout
    while True:
        shown = deployment.openstack('notification', 'show',
                                     notification_uuid)
        if shown['status'] in ENDED or time.monotonic() > deadline:
            return shown
        time.sleep(1)


def test_masakari_api_validates_tokens_with_keystone(deployment, segments):
    """keystonemiddleware asks the cloud's Keystone about every token."""
    validations = [entry[3] for entry in deployment.cloud.request_log
                   if entry[1:3] == ('GET', '/identity/v3/auth/tokens')]
    assert 200 in validations  # the openstack CLI's tokens, in `segments`
    refused = requests.get(deployment.masakari_url + '/segments',
                           headers={'X-Auth-Token': 'not-a-token'})
    assert refused.status_code == 401
    assert ('keystone', 'GET', '/identity/v3/auth/tokens', 404) in \
        deployment.cloud.request_log


def _hosts(deployment, segment_uuid):
    return {host['name']: host for host in deployment.openstack(
        'segment', 'host', 'list', segment_uuid)}


def test_sync_reserved_flags_the_spares_masakari_offers(deployment,
                                                        segments):
    """The operator guide's step for reserved_host and rh_priority."""
    done = deployment.masakari_blazar('sync-reserved')
    assert done.returncode == 0, done.stdout + done.stderr
    for method, segment_uuid in segments.items():
        hosts = _hosts(deployment, segment_uuid)
        spare = 'spare-%d' % dict(METHODS, recover=RECOVER)[method]
        assert hosts[spare]['reserved'] is _uses_reserved_hosts(method)


def test_check_approves_the_deployment(deployment, segments):
    done = deployment.masakari_blazar('check')
    assert done.returncode == 0, done.stdout + done.stderr
    assert 'ERROR' not in done.stdout
    # The command reached masakari-api through the catalog's instance-ha
    # endpoint, its token accepted by keystonemiddleware.
    assert 'OK: Masakari answers with the [blazar] credentials (%d ' \
        'segment(s))' % len(segments) in done.stdout
    for method in METHODS:
        assert 'segment segment-%s (%s)' % (method, method) in done.stdout


@pytest.mark.parametrize('method', sorted(METHODS))
def test_a_host_failure_lands_on_its_spare(deployment, segments, claims,
                                           method):
    n = METHODS[method]
    host, spare = 'compute-%d' % n, 'spare-%d' % n
    deployment.cloud.fail_host(host)
    generated = datetime.datetime.now(datetime.timezone.utc).strftime(
        '%Y-%m-%dT%H:%M:%S.%f')
    notification = deployment.openstack(
        'notification', 'create', 'COMPUTE_HOST', host, generated,
        json.dumps(HOST_DOWN))
    ended = _follow(deployment, notification['notification_uuid'])
    assert ended['status'] == 'finished', ended
    # The flows of the included recovery-flows file ran, every task of it
    # (Masakari would skip a misspelt one silently).
    assert [(task['name'], task['state'])
            for task in ended['recovery_workflow_details']] == [
        (name, 'SUCCESS') for name in FLOW_TASKS]
    assert _landed(deployment, n) == {'vm-%da' % n: (spare, 'ACTIVE'),
                                      'vm-%db' % n: (spare, 'ACTIVE')}
    # Masakari holds the failed host on maintenance; the plugin cleared the
    # reserved flag of the spare it took, through the Masakari API.
    hosts = _hosts(deployment, segments[method])
    assert hosts[host]['on_maintenance'] is True
    assert hosts[spare]['reserved'] is False
    claims[spare] = notification['notification_uuid']


def test_recover_reports_a_failure_and_follows_it(deployment, segments,
                                                  claims):
    host, spare = 'compute-%d' % RECOVER, 'spare-%d' % RECOVER
    deployment.cloud.fail_host(host)
    # What the operator guide has the operator do once the host is fenced.
    deployment.openstack('compute', 'service', 'set', '--down', host,
                         'nova-compute', answers=False)
    done = deployment.masakari_blazar('recover', host,
                                      '--poll-interval', '1')
    assert done.returncode == 0, done.stdout + done.stderr
    assert _landed(deployment, RECOVER) == {
        'vm-%da' % RECOVER: (spare, 'ACTIVE'),
        'vm-%db' % RECOVER: (spare, 'ACTIVE')}
    posted = re.search(r'Masakari notification (\S+) created for %s' % host,
                       done.stdout)
    assert posted, done.stdout
    assert deployment.openstack('notification', 'show', posted.group(1))[
        'status'] == 'finished'
    claims[spare] = posted.group(1)


def test_pool_status_shows_the_claimed_spares(deployment, segments, claims):
    done = deployment.masakari_blazar('pool', 'status', '--format', 'json')
    assert done.returncode == 0, done.stdout + done.stderr
    status = json.loads(done.stdout)
    states = {spare['hostname']: spare['state']
              for spare in status['spares']}
    assert sorted(claims) == ['spare-%d' % n for n in range(1, 6)]
    for spare, notification_uuid in claims.items():
        assert states.pop(spare).startswith(
            'claimed by notification %s since ' % notification_uuid)
    assert states == {'spare-6': 'free'}
    # The one free spare holds any one of the five loaded hosts.
    assert status['headroom']['headroom'] == 1
