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

"""Fidelity of the simulated Nova: each test quotes the fact it checks.

The facts are those of doc/source/upstream-behaviour.rst ("How Masakari,
Blazar and Nova behave"); tests drive the simulator only through
the real python-novaclient and keystoneauth over HTTP.
"""

from keystoneauth1 import adapter
from novaclient import exceptions as nova_exc
import pytest

from tests.functional import conftest
from tests.functional import harness


def _evacuate_and_wait(nova, server_id, host=None):
    nova.servers.evacuate(server_id, host=host)
    return conftest.wait_for(
        lambda: _settled(nova.servers.get(server_id)))


def _settled(server):
    if getattr(server, 'OS-EXT-STS:task_state') is None:
        return server
    return None


def _host_of(server):
    return getattr(server, 'OS-EXT-SRV-ATTR:host')


def _aggregates(nova):
    return {a.name: a for a in nova.aggregates.list()}


def _spare_to_freepool(cloud, blazar, spare):
    """Delete the spare's lease: Blazar moves it back to freepool."""
    lease = conftest.lease_named(blazar, 'masakari-spare-' + spare)
    blazar.lease.delete(lease['id'])
    assert spare in cloud.hosts_in_aggregate('freepool')


def test_evacuate_refused_while_source_service_is_up(sim_cloud_factory):
    """Evacuate refused while source service is up.

    Evacuate is "refused with 400 while the source compute service is up ("is
    still in use"), that is, while it is neither down nor forced down"; Nova
    calls it down "only after service_down_time (60 s) without heartbeats".
    """
    cloud = sim_cloud_factory('basic')
    nova = conftest.nova_for(cloud)
    server_id = cloud.server('ha-vm-1')['id']
    with pytest.raises(nova_exc.BadRequest) as raised:
        nova.servers.evacuate(server_id, host='compute-2')
    assert 'Compute service of compute-1 is still in use.' in \
        str(raised.value)

    cloud.fail_host('compute-1')
    cloud.clock.advance(30)
    service = nova.services.list(host='compute-1',
                                 binary='nova-compute')[0]
    assert service.state == 'up'
    with pytest.raises(nova_exc.BadRequest):
        nova.servers.evacuate(server_id, host='compute-2')

    cloud.clock.advance(31)
    service = nova.services.list(host='compute-1',
                                 binary='nova-compute')[0]
    assert service.state == 'down'
    server = _evacuate_and_wait(nova, server_id, 'compute-2')
    assert _host_of(server) == 'compute-2'
    assert server.status == 'ACTIVE'


def test_forced_down_marks_the_service_down_at_once(sim_cloud):
    """Forced down marks the service down at once.

    "PUT /os-services/{id} with forced_down: true (2.53 and later) marks a
    fenced host down at once.\"
    """
    nova = conftest.nova_for(sim_cloud)
    service = nova.services.list(host='compute-1', binary='nova-compute')[0]
    assert len(service.id) == 36  # a uuid from 2.53
    nova.services.force_down(service.id, True)
    service = nova.services.list(host='compute-1', binary='nova-compute')[0]
    assert service.state == 'down'
    assert service.forced_down is True
    hypervisor = [h for h in nova.hypervisors.list()
                  if h.hypervisor_hostname == 'compute-1'][0]
    assert hypervisor.state == 'down'


def test_evacuation_goes_through_rebuilding_to_active(sim_cloud_factory):
    """Evacuation goes through rebuilding to active.

    "The instance goes to task_state rebuilding, then ACTIVE on H, or to
    ERROR.\"
    """
    cloud = sim_cloud_factory('basic', evacuation_delay=0.3)
    nova = conftest.nova_for(cloud)
    conftest.force_down(nova, 'compute-1')
    server_id = cloud.server('ha-vm-1')['id']
    nova.servers.evacuate(server_id, host='compute-2')
    during = nova.servers.get(server_id)
    assert getattr(during, 'OS-EXT-STS:task_state') == 'rebuilding'
    assert during.status == 'REBUILD'
    assert _host_of(during) == 'compute-1'
    after = conftest.wait_for(lambda: _settled(nova.servers.get(server_id)))
    assert (after.status, _host_of(after)) == ('ACTIVE', 'compute-2')


def test_stopped_instance_stays_stopped_after_evacuation(sim_cloud_factory):
    """Stopped instance stays stopped after evacuation.

    Below 2.95 Nova brings an evacuated instance back to its original state
    (ComputeManager._do_rebuild_instance: a STOPPED instance is stopped again
    on the target); masakari's recovery relies on it.
    """
    cloud = sim_cloud_factory('demo')
    nova = conftest.nova_for(cloud)
    conftest.force_down(nova, 'compute-1')
    server_id = cloud.server('batch-1')['id']
    server = _evacuate_and_wait(nova, server_id, 'compute-2')
    assert getattr(server, 'OS-EXT-STS:vm_state') == 'stopped'
    assert getattr(server, 'OS-EXT-STS:power_state') == 4
    assert _host_of(server) == 'compute-2'


def test_unhinted_request_fails_on_a_blazar_pool_host(sim_cloud):
    """Unhinted request fails on a blazar pool host.

    BlazarFilter: "A request without the hint fails on any host that is in a
    Blazar pool, freepool included, and passes elsewhere.\"
    """
    nova = conftest.nova_for(sim_cloud)
    blazar = conftest.blazar_for(sim_cloud)
    conftest.force_down(nova, 'compute-1')
    server_id = sim_cloud.server('ha-vm-1')['id']
    # spare-1 in its reservation's aggregate (AZ blazar_<id>).
    server = _evacuate_and_wait(nova, server_id, 'spare-1')
    assert server.status == 'ERROR'
    assert server.fault['message'] == ('No valid host was found. There are '
                                       'not enough hosts available.')
    assert _host_of(server) == 'compute-1'
    # spare-2 in freepool.
    _spare_to_freepool(sim_cloud, blazar, 'spare-2')
    server = _evacuate_and_wait(nova, server_id, 'spare-2')
    assert server.status == 'ERROR'
    # Without a target the scheduler finds the host outside any pool.
    server = _evacuate_and_wait(nova, server_id)
    assert (server.status, _host_of(server)) == ('ACTIVE', 'compute-2')


def test_reserved_instance_needs_the_reservation_aggregate(
        sim_cloud_factory):
    """Reserved instance needs the reservation aggregate.

    BlazarFilter: "A request with scheduler hint reservation=R passes only on a
    host in the aggregate named R whose blazar:owner ... matches the instance's
    project."  Seen on real Nova: "Evacuating a reserved server to a spare in
    freepool gives NoValidHost ... After the spare is moved into the
    reservation's aggregate, evacuation to it succeeds.\"
    """
    cloud = sim_cloud_factory('host-reservation')
    nova = conftest.nova_for(cloud)
    blazar = conftest.blazar_for(cloud)
    conftest.force_down(nova, 'compute-1')
    _spare_to_freepool(cloud, blazar, 'spare-1')
    server_id = cloud.server('reserved-vm-1')['id']

    server = _evacuate_and_wait(nova, server_id, 'spare-1')
    assert server.status == 'ERROR'
    assert 'No valid host was found' in server.fault['message']

    reservation = conftest.lease_named(
        blazar, 'demo-host-reservation')['reservations'][0]
    aggregates = _aggregates(nova)
    nova.aggregates.remove_host(aggregates['freepool'].id, 'spare-1')
    nova.aggregates.add_host(aggregates[reservation['id']].id, 'spare-1')
    server = _evacuate_and_wait(nova, server_id, 'spare-1')
    assert (server.status, _host_of(server)) == ('ACTIVE', 'spare-1')


def test_reservation_hint_needs_the_owner_project(sim_cloud_factory):
    """Reservation hint needs the owner project.

    BlazarFilter: the reservation pool must be owned by the instance's project
    (``blazar:owner``), or list the project as a metadata key.
    """
    cloud = sim_cloud_factory('host-reservation')
    nova = conftest.nova_for(cloud)
    blazar = conftest.blazar_for(cloud)
    conftest.force_down(nova, 'compute-1')
    server_id = cloud.server('reserved-vm-1')['id']
    spare_lease = conftest.lease_named(blazar, 'masakari-spare-spare-1')
    spare_pool = _aggregates(nova)[spare_lease['reservations'][0]['id']]
    # spare-1's pool is not the one named in the hint: refused.
    server = _evacuate_and_wait(nova, server_id, 'spare-1')
    assert server.status == 'ERROR'

    reservation_id = conftest.lease_named(
        blazar, 'demo-host-reservation')['reservations'][0]['id']
    nova.aggregates.remove_host(spare_pool.id, 'spare-1')
    pool = _aggregates(nova)[reservation_id]
    nova.aggregates.add_host(pool.id, 'spare-1')
    nova.aggregates.set_metadata(pool.id, {
        'blazar:owner': cloud.project_id('service')})
    server = _evacuate_and_wait(nova, server_id, 'spare-1')
    assert server.status == 'ERROR'
    nova.aggregates.set_metadata(pool.id, {
        cloud.project_id('demo'): 'blazar:project'})
    server = _evacuate_and_wait(nova, server_id, 'spare-1')
    assert (server.status, _host_of(server)) == ('ACTIVE', 'spare-1')


def test_instance_reservation_gated_by_placement_and_aggregate(
        sim_cloud_factory):
    """Instance reservation gated by placement and aggregate.

    "Flavor-based instance reservations pass this filter. Placement and the
    aggregate filters gate them", and "For a spare to take such instances, it
    needs that inventory.\"
    """
    cloud = sim_cloud_factory('instance-reservation')
    nova = conftest.nova_for(cloud)
    blazar = conftest.blazar_for(cloud)
    placement = conftest.placement_for(cloud)
    conftest.force_down(nova, 'compute-1')
    server_id = cloud.server('ir-vm-1')['id']
    reservation_id = conftest.lease_named(
        blazar, 'demo-instance-reservation')['reservations'][0]['id']
    _spare_to_freepool(cloud, blazar, 'spare-1')

    # No CUSTOM_RESERVATION_* inventory on spare-1: Placement says no.
    server = _evacuate_and_wait(nova, server_id, 'spare-1')
    assert server.status == 'ERROR'

    # The inventory alone is not enough: the aggregate filter wants
    # metadata reservation=<id>.
    rc = 'CUSTOM_RESERVATION_' + reservation_id.upper().replace('-', '_')
    child = placement.get('/resource_providers?name=blazar_spare-1').json()[
        'resource_providers'][0]
    inventories = placement.get('/resource_providers/%s/inventories'
                                % child['uuid']).json()
    placement.put('/resource_providers/%s/inventories' % child['uuid'], json={
        'resource_provider_generation':
            inventories['resource_provider_generation'],
        'inventories': {rc: {'total': 1, 'max_unit': 1}}})
    server = _evacuate_and_wait(nova, server_id, 'spare-1')
    assert server.status == 'ERROR'

    nova.aggregates.add_host(_aggregates(nova)[reservation_id].id, 'spare-1')
    server = _evacuate_and_wait(nova, server_id, 'spare-1')
    assert (server.status, _host_of(server)) == ('ACTIVE', 'spare-1')
    usages = placement.get('/resource_providers/%s/usages'
                           % child['uuid']).json()['usages']
    assert usages == {rc: 1}


def test_evacuated_server_consumes_target_capacity(sim_cloud_factory):
    """Evacuated server consumes target capacity.

    The scheduler's placement step counts what the target already holds: an
    evacuation that does not fit ends in ERROR.
    """
    cloud = sim_cloud_factory({
        'flavors': [{'name': 'big', 'vcpus': 4, 'ram': 6144, 'disk': 10}],
        'hosts': [{'name': 'compute-1', 'memory_mb': 16384},
                  {'name': 'compute-2', 'memory_mb': 8192}],
        'servers': [{'name': 'a', 'host': 'compute-1', 'flavor': 'big'},
                    {'name': 'b', 'host': 'compute-1', 'flavor': 'big'}]})
    nova = conftest.nova_for(cloud)
    placement = conftest.placement_for(cloud)
    conftest.force_down(nova, 'compute-1')
    first = _evacuate_and_wait(nova, cloud.server('a')['id'], 'compute-2')
    assert first.status == 'ACTIVE'
    root = placement.get('/resource_providers?name=compute-2').json()[
        'resource_providers'][0]
    usages = placement.get('/resource_providers/%s/usages'
                           % root['uuid']).json()['usages']
    assert usages['MEMORY_MB'] == 6144
    second = _evacuate_and_wait(nova, cloud.server('b')['id'], 'compute-2')
    assert second.status == 'ERROR'
    assert second.fault['message'].startswith('No valid host was found.')


def test_add_host_to_second_az_is_a_409_unlike_duplicate(sim_cloud):
    """Add host to second az is a 409 unlike duplicate.

    "Adding a host to an aggregate that has an AZ gives 409 if the host is
    already in another aggregate with a different AZ" and "Nova answers 409
    both for 'host already in this aggregate' and for an AZ conflict ... We
    must tell the two apart" (messages from nova.compute.api).
    """
    nova = conftest.nova_for(sim_cloud)
    aggregates = _aggregates(nova)
    zone = nova.aggregates.create('zone-a', 'zone-a')
    with pytest.raises(nova_exc.Conflict) as raised:
        nova.aggregates.add_host(zone.id, 'spare-1')
    pool = [a for a in aggregates.values() if 'spare-1' in a.hosts][0]
    assert ("Cannot add host to aggregate %d. Reason: One or more hosts "
            "already in availability zone(s) ['%s']."
            % (zone.id, pool.availability_zone)) in str(raised.value)
    with pytest.raises(nova_exc.Conflict) as raised:
        nova.aggregates.add_host(pool.id, 'spare-1')
    assert 'Aggregate %d already has host spare-1.' % pool.id in \
        str(raised.value)


def test_a_plain_host_joins_a_zone_and_then_passes_the_az_filter(
        sim_cloud_factory):
    """The zone join of a spare out of Blazar.

    "The request spec keeps the zone the instance was booted into ... and
    the AvailabilityZoneFilter applies it to an evacuation's target too: a
    spare outside that zone is refused (NoValidHost)".  A host outside
    every zone may join a zone's aggregate while it is empty
    (``is_safe_to_update_az``, then
    ``ensure_no_instances_need_to_move_az_when_host_added``); once it holds
    instances it may not leave it (``..._when_host_removed``), and a host
    of that zone is refused by an aggregate of another zone (409).
    """
    cloud = sim_cloud_factory(harness.scenario(
        'basic', harness.pinned_to('az-1', ('compute-1', 'compute-2'))))
    blazar = conftest.blazar_for(cloud)
    nova = conftest.nova_for(cloud)
    _spare_to_freepool(cloud, blazar, 'spare-1')
    freepool = _aggregates(nova)['freepool']
    nova.aggregates.remove_host(freepool.id, 'spare-1')
    conftest.force_down(nova, 'compute-1')
    server_id = cloud.server('ha-vm-1')['id']
    assert conftest.nova_for(cloud, '2.96').servers.get(
        server_id).pinned_availability_zone == 'az-1'

    refused = _evacuate_and_wait(nova, server_id, 'spare-1')
    assert refused.status == 'ERROR'
    assert refused.fault['message'].startswith('No valid host was found.')

    nova.servers.reset_state(server_id, 'active')
    zone = _aggregates(nova)['rack-az-1']
    nova.aggregates.add_host(zone.id, 'spare-1')
    with pytest.raises(nova_exc.Conflict) as raised:
        nova.aggregates.add_host(nova.aggregates.create('az-2', 'az-2').id,
                                 'spare-1')
    assert "One or more hosts already in availability zone(s) ['az-1']" in \
        str(raised.value)
    moved = _evacuate_and_wait(nova, server_id, 'spare-1')
    assert (moved.status, _host_of(moved)) == ('ACTIVE', 'spare-1')
    with pytest.raises(nova_exc.Conflict) as raised:
        nova.aggregates.remove_host(zone.id, 'spare-1')
    assert "availability zone of the host would change from 'az-1'" in \
        str(raised.value)


def test_the_default_zone_pins_nothing(sim_cloud_factory):
    """The default zone is in no aggregate, so it restricts nothing.

    "Nova 30 and later have no AvailabilityZoneFilter any more: the request
    filter map_az_to_placement_aggregate asks Placement for hosts in the
    aggregates whose availability_zone is the requested one ... A zone that
    no aggregate names (Nova's default zone, nova) therefore restricts
    nothing."
    """
    cloud = sim_cloud_factory(harness.scenario('basic', harness.pinned_to(
        'az-1', ('compute-2',), default=('ha-vm-1',))))
    nova = conftest.nova_for(cloud)
    conftest.force_down(nova, 'compute-1')
    server_id = cloud.server('ha-vm-1')['id']
    assert conftest.nova_for(cloud, '2.96').servers.get(
        server_id).pinned_availability_zone == 'nova'

    moved = _evacuate_and_wait(nova, server_id, 'compute-2')
    assert (moved.status, _host_of(moved)) == ('ACTIVE', 'compute-2')


def test_only_one_add_host_of_a_host_to_a_zoneless_aggregate_succeeds(
        sim_cloud):
    """The claim's anchor.

    Nova's API database keeps aggregate hosts under a unique constraint on
    (host, aggregate_id): a second add_host of the same host is
    AggregateHostExists, 409, also for an aggregate without a zone, and a
    host with instances may join or leave such an aggregate.
    remove_host of a host not in it is 404 ("Cannot remove host %(host)s
    in aggregate %(id)s"), and aggregate names are unique
    (AggregateNameExists, 409).
    """
    nova = conftest.nova_for(sim_cloud)
    claims = nova.aggregates.create('claims', None)
    nova.aggregates.add_host(claims.id, 'spare-1')
    with pytest.raises(nova_exc.Conflict) as raised:
        nova.aggregates.add_host(claims.id, 'spare-1')
    assert 'Aggregate %d already has host spare-1.' % claims.id in \
        str(raised.value)
    nova.aggregates.add_host(claims.id, 'compute-1')
    assert sorted(nova.aggregates.get(claims.id).hosts) == [
        'compute-1', 'spare-1']
    nova.aggregates.remove_host(claims.id, 'compute-1')
    with pytest.raises(nova_exc.NotFound) as raised:
        nova.aggregates.remove_host(claims.id, 'compute-1')
    assert 'Cannot remove host compute-1 in aggregate %d' % claims.id in \
        str(raised.value)
    with pytest.raises(nova_exc.Conflict) as raised:
        nova.aggregates.create('claims', None)
    assert 'Aggregate claims already exists.' in str(raised.value)


def test_host_with_instances_cannot_change_az(sim_cloud_factory):
    """Host with instances cannot change az.

    nova.compute.api (ensure_no_instances_need_to_move_az_when_host_
    added/removed): a host with instances cannot join or leave an AZ aggregate
    if that changes its AZ; aggregates without AZ are free.
    """
    cloud = sim_cloud_factory('demo')
    nova = conftest.nova_for(cloud)
    az1 = _aggregates(nova)['az-1']
    with pytest.raises(nova_exc.Conflict) as raised:
        nova.aggregates.remove_host(az1.id, 'compute-1')
    assert "would change from 'az-1' to 'None'" in str(raised.value)
    zone = nova.aggregates.create('zone-b', 'zone-b')
    with pytest.raises(nova_exc.Conflict) as raised:
        nova.aggregates.add_host(zone.id, 'compute-1')
    assert "already in availability zone(s) ['az-1']" in str(raised.value)
    plain = nova.aggregates.create('plain', None)
    nova.aggregates.add_host(plain.id, 'compute-1')
    nova.aggregates.remove_host(plain.id, 'compute-1')

    basic = sim_cloud_factory('basic')
    nova = conftest.nova_for(basic)
    zone = nova.aggregates.create('zone-a', 'zone-a')
    with pytest.raises(nova_exc.Conflict) as raised:
        nova.aggregates.add_host(zone.id, 'compute-1')
    assert "would change from 'None' to 'zone-a'" in str(raised.value)


def test_scheduler_hints_shown_from_2_100_only(sim_cloud_factory):
    """Scheduler hints shown from 2 100 only.

    "GET /servers/{id} shows the boot-time scheduler_hints from microversion
    2.100 on. Below that, find the reservation from the aggregate, the flavor,
    or Blazar.\"
    """
    cloud = sim_cloud_factory('host-reservation')
    compute = adapter.Adapter(conftest.keystone_session(cloud),
                              service_type='compute')
    server = cloud.server('reserved-vm-1')
    url = '/servers/%s' % server['id']
    old = compute.get(url, microversion='2.99').json()['server']
    assert 'scheduler_hints' not in old
    new = compute.get(url, microversion='2.100').json()['server']
    reservation = cloud.blazar.leases[
        [lid for lid, lease in cloud.blazar.leases.items()
         if lease.name == 'demo-host-reservation'][0]].reservations[0]
    assert new['scheduler_hints'] == {'reservation': [reservation.id]}
    detail = compute.get('/servers/detail?all_tenants=1',
                         microversion='2.100').json()['servers']
    assert all('scheduler_hints' in s for s in detail)


def test_microversioned_fields(sim_cloud):
    """Microversioned fields.

    Nova's views: embedded flavor from 2.47, ids become uuids from 2.53,
    hypervisor resource fields only below 2.88.
    """
    compute = adapter.Adapter(conftest.keystone_session(sim_cloud),
                              service_type='compute')
    server_id = sim_cloud.server('ha-vm-1')['id']
    old = compute.get('/servers/' + server_id,
                      microversion='2.46').json()['server']
    assert old['flavor']['id'] == '2'
    new = compute.get('/servers/' + server_id,
                      microversion='2.53').json()['server']
    assert new['flavor']['original_name'] == 'm1.small'
    assert new['metadata'] == {'HA_Enabled': 'True'}
    response = compute.get('/os-hypervisors/detail', microversion='2.1')
    assert response.headers['X-OpenStack-Nova-API-Version'] == '2.1'
    hypervisor = response.json()['hypervisors'][0]
    assert isinstance(hypervisor['id'], int)
    assert hypervisor['vcpus'] == 16
    latest = compute.get('/os-hypervisors/detail',
                         microversion='2.88').json()['hypervisors'][0]
    assert 'vcpus' not in latest and len(latest['id']) == 36
    servers = compute.get('/os-hypervisors/compute/servers',
                          microversion='2.1').json()['hypervisors']
    assert {h['hypervisor_hostname']: len(h.get('servers', []))
            for h in servers} == {'compute-1': 3, 'compute-2': 1}


def test_masakari_nova_api_evacuates_through_the_scheduler(
        sim_cloud_factory):
    """Masakari nova api evacuates through the scheduler.

    "masakari.compute.nova.API talks to Nova at microversion 2.53. Its
    evacuate(host=target) sends no force, so Nova's scheduler filters (the
    BlazarFilter among them) check the target host.\"
    """
    from masakari.compute import nova as masakari_nova
    from masakari import context as masakari_context
    from oslo_config import cfg

    from masakari_blazar import conf as mb_conf

    cloud = sim_cloud_factory('basic')
    conf = cfg.CONF
    # Masakari's request context reads policy, hence a parsed CONF; parsed
    # once per process, as the engine of a later test parses it too.
    mb_conf.parse_config_once()
    overrides = {'os_privileged_user_name': 'admin',
                 'os_privileged_user_password': 'secret',
                 'os_privileged_user_tenant': 'admin',
                 'os_privileged_user_auth_url': cloud.auth_url}
    for name, value in overrides.items():
        conf.set_override(name, value)
    conf.set_override('auth_type', 'password', group='keystone_authtoken')
    try:
        api = masakari_nova.API()
        ctx = masakari_context.get_admin_context()
        servers = api.get_servers(ctx, 'compute-1')
        assert sorted(s.name for s in servers) == [
            'ha-vm-1', 'ha-vm-2', 'plain-vm-1']
        api.enable_disable_service(ctx, 'compute-1', reason='fenced')
        assert api.is_service_disabled(ctx, 'compute-1', 'nova-compute')
        cloud.fail_host('compute-1', forced_down=True)
        server_id = cloud.server('ha-vm-1')['id']
        api.evacuate_instance(ctx, server_id, target='spare-1')
        server = conftest.wait_for(lambda: _settled(api.get_server(
            ctx, server_id)))
        assert server.status == 'ERROR'
        api.evacuate_instance(ctx, server_id, target='compute-2')
        server = conftest.wait_for(lambda: _settled(api.get_server(
            ctx, server_id)))
        assert (server.status, _host_of(server)) == ('ACTIVE', 'compute-2')
        assert ('nova', 'POST', '/compute/v2.1/servers/%s/action'
                % server_id, 200) in cloud.request_log
    finally:
        for name in overrides:
            conf.clear_override(name)
        conf.clear_override('auth_type', group='keystone_authtoken')


def test_forced_evacuation_skips_the_scheduler(sim_cloud):
    """Forced evacuation skips the scheduler.

    From 2.29 to 2.67 ``force`` with a host bypasses the scheduler (so the
    BlazarFilter too); 2.68 removed the parameter.  Masakari never forces.
    """
    nova = conftest.nova_for(sim_cloud, '2.29')
    conftest.force_down(conftest.nova_for(sim_cloud), 'compute-1')
    server_id = sim_cloud.server('ha-vm-1')['id']
    nova.servers.evacuate(server_id, host='spare-1', force=True)
    server = conftest.wait_for(lambda: _settled(nova.servers.get(server_id)))
    assert (server.status, _host_of(server)) == ('ACTIVE', 'spare-1')
    compute = adapter.Adapter(conftest.keystone_session(sim_cloud),
                              service_type='compute')
    response = compute.post(
        '/servers/%s/action' % sim_cloud.server('ha-vm-2')['id'],
        json={'evacuate': {'host': 'spare-2', 'force': True}},
        microversion='2.68', raise_exc=False)
    assert response.status_code == 400


def test_injected_evacuation_failure_leaves_the_server_in_error(sim_cloud):
    """set_evacuation_failure makes the next evacuation end in ERROR.

    As when the rebuild fails on the target compute: vm_state ERROR, the
    instance still on its source host; the following evacuation works.
    """
    nova = conftest.nova_for(sim_cloud)
    conftest.force_down(nova, 'compute-1')
    server_id = sim_cloud.server('ha-vm-1')['id']
    sim_cloud.set_evacuation_failure('ha-vm-1')
    server = _evacuate_and_wait(nova, server_id, 'compute-2')
    assert (server.status, _host_of(server)) == ('ERROR', 'compute-1')
    server = _evacuate_and_wait(nova, server_id, 'compute-2')
    assert (server.status, _host_of(server)) == ('ACTIVE', 'compute-2')


def test_forcing_up_needs_the_evacuated_host_restarted(sim_cloud):
    """Un-forcing a host needs its evacuations completed by a restart.

    nova.api.openstack.compute.services._check_for_evacuations: while
    ``done`` evacuation records remain from a host, forcing it up is a 400;
    nova-compute's restart (recover_host) completes them.
    """
    nova = conftest.nova_for(sim_cloud)
    conftest.force_down(nova, 'compute-1')
    server_id = sim_cloud.server('ha-vm-1')['id']
    assert _evacuate_and_wait(nova, server_id, 'compute-2').status == \
        'ACTIVE'
    service = nova.services.list(host='compute-1',
                                 binary='nova-compute')[0]
    with pytest.raises(nova_exc.BadRequest) as raised:
        nova.services.force_down(service.id, False)
    assert 'Unable to force up host compute-1' in str(raised.value)
    sim_cloud.recover_host('compute-1')
    nova.services.force_down(service.id, False)
    service = nova.services.list(host='compute-1',
                                 binary='nova-compute')[0]
    assert service.state == 'up'


def test_evacuation_from_2_95_lands_stopped(sim_cloud):
    """From 2.95 an evacuated instance lands stopped.

    nova.api.openstack.compute.evacuate: "Starts to 2.95 any evacuated
    instances will be stopped at destination."  Masakari asks for 2.53.
    """
    conftest.force_down(conftest.nova_for(sim_cloud), 'compute-1')
    compute = adapter.Adapter(conftest.keystone_session(sim_cloud),
                              service_type='compute')
    server_id = sim_cloud.server('ha-vm-1')['id']
    compute.post('/servers/%s/action' % server_id,
                 json={'evacuate': {'host': 'compute-2'}},
                 microversion='2.95')
    server = conftest.wait_for(
        lambda: sim_cloud.server('ha-vm-1')['task_state'] is None and
        sim_cloud.server('ha-vm-1'))
    assert (server['vm_state'], server['host']) == ('stopped', 'compute-2')


def _grouped_cloud(sim_cloud_factory, policy, members, rules=None):
    from tests.functional import harness

    def edit(spec):
        group = {'name': 'g', 'policy': policy, 'project': 'demo'}
        group.update(rules or {})
        spec['server_groups'] = [group]
        for server in spec['servers']:
            if server['name'] in members:
                server['server_group'] = 'g'
    return sim_cloud_factory(harness.scenario('basic', edit))


def test_server_groups_shown_as_nova_shows_them(sim_cloud_factory):
    """Server groups as Nova shows them.

    ``policy`` and ``rules`` from 2.64, ``policies`` before;
    ``server_groups`` on a server from 2.71 (show only); the list of every
    project's groups needs ``all_projects``.
    """
    cloud = _grouped_cloud(sim_cloud_factory, 'anti-affinity',
                           ('ha-vm-1', 'ha-vm-3'),
                           {'max_server_per_host': 2})
    nova = conftest.nova_for(cloud, '2.71')
    [group] = nova.server_groups.list(all_projects=True)
    assert (group.policy, group.rules) == ('anti-affinity',
                                           {'max_server_per_host': 2})
    assert sorted(group.members) == sorted(
        cloud.server(n)['id'] for n in ('ha-vm-1', 'ha-vm-3'))
    assert nova.server_groups.list() == []
    old = conftest.nova_for(cloud, '2.63').server_groups.get(group.id)
    assert (old.policies, old.metadata) == (['anti-affinity'], {})
    server_id = cloud.server('ha-vm-1')['id']
    assert nova.servers.get(server_id).server_groups == [group.id]
    assert not hasattr(conftest.nova_for(cloud, '2.70').servers.get(
        server_id), 'server_groups')


def test_affinity_refuses_every_host_without_a_member(sim_cloud_factory):
    """ServerGroupAffinityFilter on evacuation.

    The conductor fills the group's hosts from every member's current
    host, the evacuated one's (the failed host) included, and the filter
    passes only those: with the members on the failed host, no target.
    """
    cloud = _grouped_cloud(sim_cloud_factory, 'affinity',
                           ('ha-vm-1', 'ha-vm-2'))
    nova = conftest.nova_for(cloud)
    conftest.force_down(nova, 'compute-1')
    server = _evacuate_and_wait(nova, cloud.server('ha-vm-1')['id'],
                                'spare-1')
    assert (server.status, _host_of(server)) == ('ERROR', 'compute-1')
    assert server.fault['message'].startswith('No valid host was found')


def test_anti_affinity_refuses_a_host_at_its_limit(sim_cloud_factory):
    """ServerGroupAntiAffinityFilter on evacuation.

    It passes a target with fewer than ``max_server_per_host`` (default 1)
    members of the group.
    """
    for rules, landed in (({}, ('ERROR', 'compute-1')),
                          ({'max_server_per_host': 2},
                           ('ACTIVE', 'compute-2'))):
        cloud = _grouped_cloud(sim_cloud_factory, 'anti-affinity',
                               ('ha-vm-1', 'ha-vm-3'), rules)
        nova = conftest.nova_for(cloud)
        conftest.force_down(nova, 'compute-1')
        # compute-2 holds ha-vm-3, the group's other member.
        server = _evacuate_and_wait(nova, cloud.server('ha-vm-1')['id'],
                                    'compute-2')
        assert (server.status, _host_of(server)) == landed, rules


def _fast_flavor(spec):
    spec['flavors'].append({
        'name': 'fast.small', 'id': 'fast', 'vcpus': 1, 'ram': 2048,
        'disk': 20, 'extra_specs': {
            'aggregate_instance_extra_specs:disk': '<or> hdd <or> ssd',
            'speed': '>= 500',
            # Another filter's scope: AggregateInstanceExtraSpecsFilter
            # leaves it alone.
            'hw:cpu_policy': 'shared'}})
    for server in spec['servers']:
        if server['name'] == 'ha-vm-1':
            server['flavor'] = 'fast.small'


def test_aggregate_filters_read_every_value_of_every_aggregate(
        sim_cloud_factory):
    """AggregateInstanceExtraSpecsFilter and AggregateMultiTenancyIsolation.

    Both read the metadata of the host's aggregates with each value split
    at commas (nova/scheduler/filters/utils.py,
    aggregate_metadata_get_by_host).  An extra spec without a scope, or in
    the ``aggregate_instance_extra_specs:`` scope, needs one value of its
    key that matches it, operators included
    (nova/scheduler/filters/extra_specs_ops.py); a ``filter_tenant_id*``
    key admits only the projects it names.
    """
    from tests.functional import harness

    cloud = sim_cloud_factory(harness.scenario('basic', _fast_flavor))
    nova = conftest.nova_for(cloud)
    conftest.force_down(nova, 'compute-1')
    server_id = cloud.server('ha-vm-1')['id']

    server = _evacuate_and_wait(nova, server_id, 'compute-2')
    assert server.status == 'ERROR'
    assert 'AggregateInstanceExtraSpecsFilter rejected compute-2' in \
        server.fault['details']

    fast = nova.aggregates.create('fast', None)
    nova.aggregates.set_metadata(fast.id, {'disk': 'nvme, ssd',
                                           'speed': '1000',
                                           'filter_tenant_id': 'another'})
    nova.aggregates.add_host(fast.id, 'compute-2')
    server = _evacuate_and_wait(nova, server_id, 'compute-2')
    assert server.status == 'ERROR'
    assert 'AggregateMultiTenancyIsolation rejected compute-2' in \
        server.fault['details']

    nova.aggregates.set_metadata(fast.id, {
        'filter_tenant_id_2': 'x, %s' % cloud.project_id('demo')})


def test_a_filter_refusal_names_no_filter_and_can_be_evacuated_again(
        sim_cloud):
    """A filter's refusal names no filter; the instance is evacuated again.

    "The fault of an evacuation a scheduler filter refused is 'No valid
    host was found. There are not enough hosts available.' whichever filter
    refused; only nova-scheduler's log names it ('Filter <name> returned 0
    hosts').  The instance stays in ERROR on its source host, and can be
    evacuated again."  An operator's own filter (``available_filters``)
    refuses as Nova's do.
    """
    nova = conftest.nova_for(sim_cloud)
    conftest.force_down(nova, 'compute-1')
    sim_cloud.add_operator_filter('RackPowerFilter', ['compute-2'])
    server_id = sim_cloud.server('ha-vm-1')['id']

    server = _evacuate_and_wait(nova, server_id, 'compute-2')
    assert server.status == 'ERROR'
    assert server.fault['message'] == ('No valid host was found. There are '
                                       'not enough hosts available.')
    assert server.fault['code'] == 500
    assert 'RackPowerFilter' not in server.fault['message']
    assert _host_of(server) == 'compute-1'

    sim_cloud.add_operator_filter('RackPowerFilter', [])
    server = _evacuate_and_wait(nova, server_id, 'compute-2')
    assert (server.status, _host_of(server)) == ('ACTIVE', 'compute-2')
