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

"""Fidelity of Keystone and Placement, and the fault injection contract."""

from keystoneauth1 import exceptions as ks_exc
from keystoneauth1 import loading
from keystoneauth1 import session as ks_session
from novaclient import exceptions as nova_exc
import pytest
import requests

from masakari_blazar.simulator import SimulatedCloud
from tests.functional import conftest


def test_bad_password_is_a_401(sim_cloud):
    """Keystone answers 401 to a wrong password."""
    options = dict(sim_cloud.credentials, password='wrong')
    for plugin in ('password', 'v3password'):
        auth = loading.get_plugin_loader(plugin).load_from_options(
            **options)
        with pytest.raises(ks_exc.Unauthorized):
            ks_session.Session(auth=auth).get_token()


def test_requests_need_a_valid_token(sim_cloud):
    """Every service refuses a request without a valid token (401)."""
    for path in ('/compute/v2.1/servers', '/placement/resource_providers',
                 '/reservation/v1/leases'):
        response = requests.get(sim_cloud.base_url + path,
                                headers={'X-Auth-Token': 'bogus'})
        assert response.status_code == 401


def test_v3password_needs_only_the_token_call(sim_cloud):
    """V3password needs only the token call.

    "With v3password, only POST /v3/auth/tokens is needed." and "password also
    calls GET <auth_url> for version discovery each time.\"
    """
    options = dict(sim_cloud.credentials)
    auth = loading.get_plugin_loader('v3password').load_from_options(
        **options)
    token = ks_session.Session(auth=auth).get_token()
    assert token
    assert [entry[:2] for entry in sim_cloud.request_log] == [
        ('keystone', 'POST')]
    headers = {'X-Auth-Token': token, 'X-Subject-Token': token}
    validated = requests.get(sim_cloud.auth_url + '/auth/tokens',
                             headers=headers)
    assert validated.status_code == 200
    assert validated.json()['token']['project']['name'] == 'admin'


def test_token_scope_is_the_callers_project(sim_cloud):
    """A lease belongs to the project the token was scoped to."""
    blazar = conftest.blazar_for(sim_cloud, project_name='service')
    lease = blazar.lease.create('mine', 'now', '2099-01-01 00:00', [], [])
    assert lease['project_id'] == sim_cloud.project_id('service')


def test_placement_generation_conflict(sim_cloud):
    """Placement refuses an inventory update with a stale generation."""
    placement = conftest.placement_for(sim_cloud)
    provider = placement.get('/resource_providers?name=blazar_spare-1')\
        .json()['resource_providers'][0]
    url = '/resource_providers/%s/inventories' % provider['uuid']
    current = placement.get(url).json()
    placement.put('/resource_classes/CUSTOM_FOO')
    body = {'resource_provider_generation':
            current['resource_provider_generation'],
            'inventories': {'CUSTOM_FOO': {'total': 2}}}
    assert placement.put(url, json=body).status_code == 200
    stale = placement.put(url, json=body, raise_exc=False)
    assert stale.status_code == 409
    assert stale.json()['errors'][0]['code'] == 'placement.concurrent_update'
    assert stale.headers['OpenStack-API-Version'] == 'placement 1.29'


def test_fault_fails_n_times_then_passes(sim_cloud):
    """An injected fault fails N matching calls, then lets them pass."""
    nova = conftest.nova_for(sim_cloud)
    nova.services.list()
    sim_cloud.faults.add('nova', method='GET', path='/os-services',
                         kind='503', count=2)
    for _ in range(2):
        with pytest.raises(nova_exc.ClientException) as raised:
            nova.services.list()
        assert raised.value.code == 503
    assert nova.services.list()
    statuses = [status for service, method, path, status
                in sim_cloud.request_log if path.endswith('/os-services')]
    assert statuses == [200, 503, 503, 200]


def test_fault_500_on_blazar_carries_the_code(sim_cloud):
    """Blazar faults reach the caller as BlazarClientException codes."""
    from blazarclient import exception as blazar_exc
    blazar = conftest.blazar_for(sim_cloud)
    sim_cloud.faults.add('blazar', path='/leases', kind='500')
    with pytest.raises(blazar_exc.BlazarClientException) as raised:
        blazar.lease.list()
    assert raised.value.kwargs['code'] == 500
    assert blazar.lease.list()


def test_timeout_and_drop_faults_break_the_connection(sim_cloud_factory):
    """Timeouts hold then close the connection; drops close it at once."""
    cloud = sim_cloud_factory('basic', fault_timeout=0.2)
    session = conftest.keystone_session(cloud)
    url = cloud.base_url + '/reservation/v1/leases'
    session.get(url)
    cloud.faults.add('blazar', kind='timeout')
    with pytest.raises(ks_exc.ConnectFailure):
        session.get(url)
    cloud.faults.add('blazar', kind='drop')
    with pytest.raises(ks_exc.ConnectFailure):
        session.get(url)
    assert session.get(url).status_code == 200
    kinds = [entry[3] for entry in cloud.request_log if entry[0] == 'blazar']
    assert kinds == [200, 'timeout', 'drop', 200]
    cloud.faults.clear()


def test_latency_only_fault(sim_cloud):
    """A fault without a kind only slows matching requests down."""
    import time
    session = conftest.keystone_session(sim_cloud)
    url = sim_cloud.base_url + '/placement/resource_providers'
    session.get(url)
    sim_cloud.faults.add('placement', kind=None, latency=0.2)
    started = time.monotonic()
    assert session.get(url).status_code == 200
    assert time.monotonic() - started >= 0.2
    sim_cloud.faults.clear()


def test_snapshot_is_json_and_repeatable():
    """snapshot() is JSON-serialisable and equal across identical runs."""
    import json
    first = SimulatedCloud('demo').snapshot()
    assert json.loads(json.dumps(first)) == first
    assert SimulatedCloud('demo').snapshot() == first


def test_usages_list_every_inventoried_class_unused_as_zero(sim_cloud):
    """Placement's usages list each inventoried class, 0 when unused.

    Placement sums allocations over an outer join from the inventories
    (placement/objects/usage.py); found by the real-services cross-check.
    """
    placement = conftest.placement_for(sim_cloud)
    provider = placement.get('/resource_providers?name=spare-1')\
        .json()['resource_providers'][0]
    usages = placement.get('/resource_providers/%s/usages' %
                           provider['uuid']).json()['usages']
    assert usages == {'VCPU': 0, 'MEMORY_MB': 0, 'DISK_GB': 0}


def test_trust_scoped_tokens_act_in_the_trustors_project(sim_cloud):
    """Blazar's trusts, as the Keystone stand-in serves them.

    "Blazar makes a trust per host and per lease" (POST
    /v3/OS-TRUST/trusts) and later authenticates with a trust-scoped
    token, which acts in the trust's project.
    """
    session = conftest.keystone_session(sim_cloud, 'demo')
    user_id = session.get_user_id()
    created = requests.post(
        sim_cloud.auth_url + '/OS-TRUST/trusts',
        headers={'X-Auth-Token': session.get_token()},
        json={'trust': {'trustor_user_id': user_id,
                        'trustee_user_id': user_id, 'impersonation': True,
                        'project_id': sim_cloud.project_id('demo'),
                        'roles': [{'name': 'admin'}]}})
    assert created.status_code == 201
    trust_id = created.json()['trust']['id']
    options = {k: v for k, v in sim_cloud.credentials.items()
               if k not in ('project_name', 'project_domain_name')}
    auth = loading.get_plugin_loader('v3password').load_from_options(
        trust_id=trust_id, **options)
    trusted = ks_session.Session(auth=auth)
    assert trusted.get_project_id() == sim_cloud.project_id('demo')
    deleted = requests.delete(
        sim_cloud.auth_url + '/OS-TRUST/trusts/' + trust_id,
        headers={'X-Auth-Token': session.get_token()})
    assert deleted.status_code == 204


def test_project_lookup_for_flavor_access(sim_cloud):
    """GET /v3/projects/{id}: Nova's check before flavor access.

    Nova refuses to give an unknown project access to a private flavor
    ("Project ID ... is not a valid project", HTTP 400); it asks Keystone,
    as real Blazar's instance reservations showed.
    """
    token = conftest.keystone_session(sim_cloud).get_token()
    known = requests.get(
        sim_cloud.auth_url + '/projects/' + sim_cloud.project_id('demo'),
        headers={'X-Auth-Token': token})
    assert known.status_code == 200
    assert known.json()['project']['name'] == 'demo'
    unknown = requests.get(sim_cloud.auth_url + '/projects/nope',
                           headers={'X-Auth-Token': token})
    assert unknown.status_code == 404
