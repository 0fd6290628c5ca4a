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

"""Fidelity of the simulated Ironic and of the hosts' power.

Driven through the real openstacksdk baremetal proxy (what a power driver
calls) and, where the status code, a header or the raw error body is the
point, through a keystoneauth adapter on the same catalog.  Each fact
names the Ironic 39 source it was read from; doc/source/simulator.rst
("Power and Ironic") lists them.
"""

import json
import time

from keystoneauth1 import adapter
from openstack.baremetal.v1 import node as node_mod
import openstack.connection
from openstack import exceptions as sdk_exc
import pytest

from masakari_blazar.simulator import ids
from tests.functional import conftest

HOSTS = ['compute-1', 'compute-2', 'spare-1', 'spare-2']


def _baremetal(cloud):
    return openstack.connection.Connection(
        session=conftest.keystone_session(cloud)).baremetal


def _raw(cloud, version='1.109'):
    """Ironic on the catalog, at ``version``; 4xx answers returned."""
    return adapter.Adapter(conftest.keystone_session(cloud),
                           service_type='baremetal',
                           default_microversion=version, raise_exc=False)


def _fault(response):
    """The inner error document of ParsableErrorMiddleware's body."""
    return json.loads(response.json()['error_message'])


def _nova_state(cloud, host):
    nova = conftest.nova_for(cloud)
    return nova.services.list(host=host, binary='nova-compute')[0].state


def _settled_power(baremetal, name):
    node = baremetal.get_node(name)
    return node.power_state if node.target_power_state is None else None


def test_version_documents_and_headers(sim_cloud):
    # ironic/api/controllers/root.py, version.py and v1/__init__.py: both
    # documents are public routes (ironic/api/config.py), every answer
    # carries the supported range, and the requested version is echoed.
    raw = _raw(sim_cloud, version=None)
    root = raw.get('/', authenticated=False)
    assert root.status_code == 200
    assert root.json()['name'] == 'OpenStack Ironic API'
    assert root.json()['default_version']['min_version'] == '1.1'
    assert root.json()['versions'][0]['version'] == '1.115'
    assert root.headers['X-OpenStack-Ironic-API-Minimum-Version'] == '1.1'
    assert root.headers['X-OpenStack-Ironic-API-Maximum-Version'] == '1.115'
    assert root.headers['X-OpenStack-Ironic-API-Version'] == '1.1'
    v1 = raw.get('/v1', authenticated=False)
    assert v1.status_code == 200
    assert v1.json()['id'] == 'v1'
    assert v1.json()['nodes'][0]['href'].endswith('/baremetal/v1/nodes/')
    latest = _raw(sim_cloud, 'latest').get('/v1/nodes')
    assert latest.headers['X-OpenStack-Ironic-API-Version'] == '1.115'
    assert raw.get('/v1/nodes', authenticated=False).status_code == 401


def test_an_unsupported_version_is_406_with_the_range(sim_cloud):
    # ironic/api/controllers/v1/__init__.py Controller._check_version;
    # raised while routing, pecan renders it (code/title/description),
    # under GET / the handler does (faultcode/faultstring).
    message = ('Version 1.200 was requested but the minor version is not '
               'supported by this service. The supported version range '
               'is: [1.1, 1.115].')
    nodes = _raw(sim_cloud, '1.200').get('/v1/nodes')
    assert nodes.status_code == 406
    assert _fault(nodes) == {'code': 406, 'title': 'Not Acceptable',
                             'description': message}
    assert nodes.headers['X-OpenStack-Ironic-API-Maximum-Version'] == '1.115'
    root = _raw(sim_cloud, '1.200').get('/', authenticated=False)
    assert root.status_code == 406
    assert _fault(root) == {'faultcode': 'Client', 'faultstring': message,
                            'debuginfo': None}
    other = _raw(sim_cloud, '2.1').get('/v1/nodes')
    assert other.status_code == 406
    assert _fault(other)['description'].startswith(
        'Mutually exclusive versions requested. Version 2.1 requested')


def test_an_unknown_path_is_pecans_404(sim_cloud):
    # ironic/api/controllers/v1/__init__.py Controller._lookup:
    # pecan.abort(404), rendered by pecan (no description) and wrapped
    # by ironic/api/middleware/parsable_error.py.
    unknown = _raw(sim_cloud).get('/v1/no-such-resource')
    assert unknown.status_code == 404
    assert _fault(unknown) == {'code': 404, 'title': 'Not Found',
                               'description': None}


def test_openstacksdk_discovers_the_range_and_asks_its_newest(sim_cloud):
    # keystoneauth reads min_version and version of the root document;
    # openstack/baremetal/v1/node.py Node._max_microversion is '1.109',
    # below Ironic 39's 1.115, so every node request asks 1.109.
    baremetal = _baremetal(sim_cloud)
    endpoint = baremetal.get_endpoint_data()
    assert (endpoint.min_microversion, endpoint.max_microversion) == \
        ((1, 1), (1, 115))
    assert endpoint.url == sim_cloud.base_url + '/baremetal/v1/'
    assert node_mod.Node._get_microversion(baremetal) == '1.109'
    response = baremetal.get('/nodes/compute-1', microversion='1.109')
    assert response.headers['X-OpenStack-Ironic-API-Version'] == '1.109'
    assert 'health' in response.json()  # a 1.109 field


def test_one_node_per_compute_host(sim_cloud):
    # NodesController.get_all lists _DEFAULT_RETURN_FIELDS only;
    # /v1/nodes/detail every field.
    baremetal = _baremetal(sim_cloud)
    listed = list(baremetal.nodes())
    assert [n.name for n in listed] == HOSTS
    assert listed[0].id == ids.stable_uuid('ironic-node', 'compute-1')
    assert listed[0].power_state == 'power on'
    assert listed[0].driver is None
    detailed = {n.name: n for n in baremetal.nodes(details=True)}
    node = detailed['spare-1']
    assert (node.driver, node.provision_state, node.is_maintenance,
            node.power_state, node.target_power_state) == (
        'fake-hardware', 'active', False, 'power on', None)
    assert node.id == ids.stable_uuid('ironic-node', 'spare-1')


def test_fields_limit_what_a_node_shows(sim_cloud):
    # node_sanitize keeps the requested fields and the links;
    # _get_fields_for_node_query refuses an unknown field (400),
    # check_allowed_fields one newer than the version (406), and
    # get_request_return_fields fields with ?detail=True (400).
    raw = _raw(sim_cloud)
    shown = raw.get('/v1/nodes/compute-1?fields=power_state,name').json()
    assert set(shown) == {'power_state', 'name', 'links'}
    listed = raw.get('/v1/nodes?fields=uuid,target_power_state').json()
    assert [set(n) for n in listed['nodes']] == \
        [{'uuid', 'target_power_state', 'links'}] * len(HOSTS)
    node = _baremetal(sim_cloud).get_node('compute-2', fields=['driver'])
    assert node.driver == 'fake-hardware'
    bogus = raw.get('/v1/nodes/compute-1?fields=bogus')
    assert bogus.status_code == 400
    assert _fault(bogus)['faultstring'] == 'Field bogus is not a valid field.'
    too_new = _raw(sim_cloud, '1.50').get('/v1/nodes?fields=health')
    assert too_new.status_code == 406
    assert _fault(too_new)['faultstring'] == 'Request not acceptable.'
    both = raw.get('/v1/nodes?fields=name&detail=True')
    assert both.status_code == 400
    assert _fault(both)['faultstring'] == (
        'Can not specify ?detail=True and fields in the same request.')


def test_a_node_is_found_by_name_or_uuid(sim_cloud):
    baremetal = _baremetal(sim_cloud)
    uuid = ids.stable_uuid('ironic-node', 'compute-2')
    assert baremetal.get_node('compute-2').id == uuid
    assert baremetal.get_node(uuid).name == 'compute-2'
    # api_utils.get_rpc_node: names only from 1.5 (allow_node_logical_names)
    assert _raw(sim_cloud, '1.4').get('/v1/nodes/compute-2').status_code == \
        404
    assert _raw(sim_cloud, '1.4').get('/v1/nodes/' + uuid).status_code == 200


def test_an_unknown_node_is_404_node_not_found(sim_cloud):
    # ironic/common/exception.py NodeNotFound (code 404), rendered by
    # ironic/api/method.py format_exception and
    # ironic/api/middleware/parsable_error.py.
    with pytest.raises(sdk_exc.NotFoundException):
        _baremetal(sim_cloud).get_node('compute-99')
    missing = _raw(sim_cloud).get('/v1/nodes/compute-99')
    assert missing.status_code == 404
    assert _fault(missing) == {
        'faultcode': 'Client', 'faultstring':
        'Node compute-99 could not be found.', 'debuginfo': None}


def test_node_states(sim_cloud):
    # node.py node_states_convert, with boot mode fields from 1.75.
    states = _raw(sim_cloud).get('/v1/nodes/compute-1/states').json()
    assert states == {
        'console_enabled': False, 'last_error': None,
        'power_state': 'power on', 'provision_state': 'active',
        'target_power_state': None, 'target_provision_state': None,
        'provision_updated_at': states['provision_updated_at'],
        'raid_config': {}, 'target_raid_config': {},
        'boot_mode': None, 'secure_boot': None}
    old = _raw(sim_cloud, '1.11').get('/v1/nodes/compute-1/states').json()
    assert 'raid_config' not in old and 'boot_mode' not in old


def test_a_bad_power_target_is_400(sim_cloud):
    # NodeStatesController.power: a target outside
    # ALLOWED_TARGET_POWER_STATES is InvalidStateRequested (400),
    # naming the node as requested and its power state.
    with pytest.raises(sdk_exc.BadRequestException) as raised:
        _baremetal(sim_cloud).set_node_power_state('compute-2', 'dance')
    assert ('The requested action "dance" can not be performed on node '
            '"compute-2" while it is in state "power on".') in \
        str(raised.value)
    raw = _raw(sim_cloud)
    # ironic/common/args.py validate: MissingParameterValue (400).
    missing = raw.put('/v1/nodes/compute-2/states/power', json={})
    assert missing.status_code == 400
    assert _fault(missing)['faultstring'] == \
        'Missing mandatory parameter: target'
    # Soft power actions need 1.27 (allow_soft_power_off): NotAcceptable.
    soft = _raw(sim_cloud, '1.26').put('/v1/nodes/compute-2/states/power',
                                       json={'target': 'soft power off'})
    assert soft.status_code == 406
    assert sim_cloud.power_state('compute-2') == 'power on'


def test_power_off_stops_heartbeats_nova_says_down_later(sim_cloud_factory):
    # 202 without a body, Location the node's states (power());
    # target_power_state while the conductor's node_power_action runs.
    cloud = sim_cloud_factory('basic', power_action_delay=0.3)
    raw = _raw(cloud)
    accepted = raw.put('/v1/nodes/compute-1/states/power',
                       json={'target': 'power off'})
    assert accepted.status_code == 202
    assert accepted.content == b''
    assert accepted.headers['Location'] == \
        cloud.base_url + '/baremetal/v1/nodes/compute-1/states'
    baremetal = _baremetal(cloud)
    assert baremetal.get_node('compute-1').target_power_state == 'power off'
    assert conftest.wait_for(
        lambda: _settled_power(baremetal, 'compute-1')) == 'power off'
    assert cloud.snapshot()['hosts']['compute-1']['power_state'] == \
        'power off'
    # Nova: down only after service_down_time without heartbeats.
    assert _nova_state(cloud, 'compute-1') == 'up'
    cloud.clock.advance(59)
    assert _nova_state(cloud, 'compute-1') == 'up'
    cloud.clock.advance(2)
    assert _nova_state(cloud, 'compute-1') == 'down'


def test_power_on_is_quick_nova_compute_waits_for_the_boot(
        sim_cloud_factory):
    cloud = sim_cloud_factory('basic', boot_delay=0.5)
    cloud.fail_host('compute-1')
    cloud.clock.advance(61)
    assert _nova_state(cloud, 'compute-1') == 'down'
    baremetal = _baremetal(cloud)
    assert baremetal.get_node('compute-1').power_state == 'power off'
    started = time.monotonic()
    baremetal.set_node_power_state('compute-1', 'power on', wait=False)
    assert conftest.wait_for(
        lambda: _settled_power(baremetal, 'compute-1')) == 'power on'
    assert _nova_state(cloud, 'compute-1') == 'down'
    conftest.wait_for(lambda: _nova_state(cloud, 'compute-1') == 'up')
    assert time.monotonic() - started >= cloud.boot_time('compute-1')


def test_a_power_action_meeting_a_running_one_is_409(sim_cloud_factory):
    # ironic/conductor/manager.py change_node_power_state takes the node's
    # lock (task_manager.acquire, 3 tries 1 s apart) for the whole action:
    # NodeLocked (ironic/common/exception.py, a Conflict: 409) when it
    # stays held.  openstacksdk retries 409s itself, hence the raw adapter.
    cloud = sim_cloud_factory('basic', power_action_delay=30)
    raw = _raw(cloud)
    assert raw.put('/v1/nodes/spare-1/states/power',
                   json={'target': 'power off'}).status_code == 202
    locked = raw.put('/v1/nodes/spare-1/states/power',
                     json={'target': 'power on'})
    assert locked.status_code == 409
    assert _fault(locked)['faultstring'] == (
        'Node %s is locked by host ironic-conductor, please retry after '
        'the current operation is completed.'
        % ids.stable_uuid('ironic-node', 'spare-1'))
    node = raw.get('/v1/nodes/spare-1').json()
    assert (node['power_state'], node['target_power_state'],
            node['reservation']) == ('power on', 'power off',
                                     'ironic-conductor')


def test_a_reboot_restarts_nova_compute(sim_cloud_factory):
    # node_power_action: a reboot's target is 'power on', and so its end.
    cloud = sim_cloud_factory('basic', power_action_delay=0.2,
                              boot_delay=0.5)
    baremetal = _baremetal(cloud)
    baremetal.set_node_power_state('compute-2', 'rebooting')
    assert baremetal.get_node('compute-2').target_power_state == 'power on'
    assert conftest.wait_for(
        lambda: _settled_power(baremetal, 'compute-2')) == 'power on'
    assert not cloud.snapshot()['hosts']['compute-2']['service']['powered']
    conftest.wait_for(
        lambda: cloud.snapshot()['hosts']['compute-2']['service']['powered'])


def test_fail_and_recover_host_show_in_ironic(sim_cloud):
    baremetal = _baremetal(sim_cloud)
    sim_cloud.fail_host('spare-2')
    assert baremetal.get_node('spare-2').power_state == 'power off'
    sim_cloud.recover_host('spare-2')
    assert baremetal.get_node('spare-2').power_state == 'power on'
    assert _nova_state(sim_cloud, 'spare-2') == 'up'
