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

"""One failure's recovery steps over recorded API answers.

The cloud: compute-1 has failed with vm-a and vm-b, both in the host
reservation res-user, whose aggregate compute-1 is still in (vm-c stays, as
Masakari did not choose it);
spare-1 and spare-2 are free spares, spare-2 in an operator's zone so
that it cannot join a host reservation; spare-3 is claimed by another
recovery but still listed by Blazar.
"""

from novaclient import exceptions as nova_exc
import pytest

from masakari_blazar import conf as mb_conf
from masakari_blazar.decisions import model
from masakari_blazar import exceptions
from masakari_blazar.recovery import spare_recovery
from tests.unit import recorded_cloud

FAILED = 'compute-1'
ME = 'n-1'
OTHER = 'n-other'
USER_RES = 'res-user'


@pytest.fixture
def conf(conf, tmp_path):
    conf.set_override('lock_path', str(tmp_path), mb_conf.PLUGIN_GROUP)
    return conf


@pytest.fixture
def cloud():
    c = recorded_cloud.RecordedClients()
    c.compute(FAILED, state='down')
    c.compute('compute-2', free_mb=2048, used_mb=8192)
    for name in ('spare-1', 'spare-2', 'spare-3'):
        c.compute(name, free_mb=32768 if name == 'spare-1' else 16384)
        c.spare_lease(name, 'l-%s' % name[-1])
    c.aggregate('freepool')
    c.aggregate(USER_RES, [FAILED, 'compute-2'], zone='blazar_' + USER_RES,
                metadata={'blazar:owner': 'p-1'})
    c.aggregate('rack-2', ['spare-2'], zone='az-2')
    c.claim('spare-3', OTHER)
    c.server('uuid-a', 'vm-a', FAILED, ram=4096)
    c.server('uuid-b', 'vm-b', FAILED, ram=8192)
    c.server('uuid-c', 'vm-c', FAILED)
    return c


def recovery(conf, cloud):
    return spare_recovery.SpareRecovery(conf, cloud)


def targets(view):
    return {t.hostname: t for t in view.targets}


def test_read_gives_the_asked_instances_and_their_reservations(conf, cloud):
    view = recovery(conf, cloud).read(FAILED, ['uuid-a', 'uuid-b'], ME)

    reserved = model.Reservation(USER_RES, model.HOST_RESERVATION, 'p-1')
    assert {i.uuid: i.reservation for i in view.instances} == {
        'uuid-a': reserved, 'uuid-b': reserved}
    assert {i.uuid: i.resources for i in view.instances}['uuid-b'] == \
        model.Resources(2, 8192, 20)
    assert view.failed_az is None


def test_read_gives_hard_server_groups_with_their_other_members(
        conf, cloud):
    cloud.server('uuid-d', 'vm-d', 'compute-2')
    cloud.server_group('g-anti', 'anti-affinity',
                       ['uuid-a', 'uuid-b', 'uuid-d'],
                       rules={'max_server_per_host': 2})
    cloud.server_group('g-soft', 'soft-affinity', ['uuid-c'])

    view = recovery(conf, cloud).read(FAILED, ['uuid-a', 'uuid-b', 'uuid-c'],
                                      ME)

    groups = {i.uuid: i.server_group for i in view.instances}
    # The moving members and the failed host count nowhere; soft groups
    # constrain nothing.
    expected = model.ServerGroup('g-anti', 'anti-affinity', 2,
                                 (('compute-2', 1),))
    assert groups == {'uuid-a': expected, 'uuid-b': expected,
                      'uuid-c': None}


def test_read_offers_the_free_spares_only(conf, cloud):
    view = recovery(conf, cloud).read(FAILED, ['uuid-a', 'uuid-b'], ME)

    assert [s.hostname for s in view.pool] == ['spare-1', 'spare-2']
    assert sorted(targets(view)) == ['spare-1', 'spare-2']
    assert targets(view)['spare-1'].free == model.Resources(32, 32768, 500)
    zoned = targets(view)['spare-2']
    assert (zoned.az, zoned.can_join_host_reservation) == ('az-2', False)
    # Still listed by Blazar, so that an interrupted detach can finish.
    assert 'spare-3' in view.held
    assert view.held_elsewhere == {'spare-3'}


def test_read_refuses_a_free_spare_that_has_instances(conf, cloud):
    cloud.summaries['rp-spare-1']['resources']['MEMORY_MB']['used'] = 2048

    view = recovery(conf, cloud).read(FAILED, ['uuid-a'], ME)

    assert targets(view)['spare-1'].problem == (
        'it has instances (0 vCPU, 2048 MB RAM, 0 GB disk in use); a spare '
        'must be empty')
    assert targets(view)['spare-2'].healthy


def test_claim_takes_the_spare_that_can_join_the_reservation(conf, cloud):
    plan, report = recovery(conf, cloud).claim(
        FAILED, ME, ['uuid-a', 'uuid-b'])

    # spare-2 has room too, but its zone keeps it out of res-user.
    assert plan.moves == {'uuid-b': 'spare-1', 'uuid-a': 'spare-1'}
    assert plan.groups == {'spare-1': USER_RES}
    assert {h: (c.notification, c.group, c.lease)
            for h, c in cloud.claimed().items()} == {
        'spare-1': (ME, USER_RES, 'masakari-spare-spare-1'),
        'spare-3': (OTHER, None, None)}
    assert report == [
        'Claimed spare spare-1 (same availability zone (the default zone); '
        '32 vCPU, 32768 MB RAM, 500 GB disk free; holds all remaining '
        'instances of its group)',
        'Spare spare-1: deleted its spare lease masakari-spare-spare-1; '
        'removed it from Blazar']


def test_each_claim_is_anchored_and_recorded_before_its_spare_leaves_blazar(
        conf, cloud):
    recovery(conf, cloud).claim(FAILED, ME, ['uuid-a'])

    assert [w[:2] for w in cloud.writes] == [
        ('add host', recorded_cloud.CLAIMS),
        ('set metadata', recorded_cloud.CLAIMS),
        ('delete lease', 'l-1'), ('delete blazar host', '1')]
    assert cloud.claims_aggregate()['hosts'] == ['spare-3', 'spare-1']


def test_without_a_spare_that_can_join_the_scheduler_chooses(conf, cloud):
    cloud.service('spare-1')['status'] = 'disabled'

    plan, report = recovery(conf, cloud).claim(FAILED, ME, ['uuid-a'])

    assert plan.moves == {'uuid-a': None}
    assert report == [
        'Instance vm-a (uuid-a) has no spare (no healthy spare has 2 vCPU, '
        '4096 MB RAM, 20 GB disk free and can join host reservation '
        'res-user; claimed by other recoveries: spare-3 (notification '
        'n-other)); the Nova scheduler will choose its host']
    assert cloud.writes == []


def test_a_rerun_reuses_the_spare_it_claimed(conf, cloud):
    # An earlier run claimed spare-9 for res-user and took it out of Blazar.
    cloud.compute('spare-9', free_mb=16384)
    cloud.claim('spare-9', ME, group=USER_RES, lease='masakari-spare-spare-9')

    plan, report = recovery(conf, cloud).claim(
        FAILED, ME, ['uuid-a', 'uuid-b'])

    assert plan.moves == {'uuid-b': 'spare-9', 'uuid-a': 'spare-9'}
    assert report == ['Reusing spare spare-9, already claimed by this '
                      'notification']
    assert cloud.writes == []


def test_a_rerun_finishes_the_detach_an_engine_death_interrupted(
        conf, cloud):
    cloud.claim('spare-1', ME, group=USER_RES)

    plan, report = recovery(conf, cloud).claim(FAILED, ME, ['uuid-b'])

    assert plan.spares == ['spare-1']
    assert report == [
        'Reusing spare spare-1, already claimed by this notification',
        'Spare spare-1: deleted its spare lease masakari-spare-spare-1; '
        'removed it from Blazar']
    assert [w[0] for w in cloud.writes] == ['delete lease',
                                            'delete blazar host']


def test_healing_s_replacement_serves_the_reservation_for_free(conf, cloud):
    # Blazar's healing took compute-1 out of res-user, back into freepool,
    # and put compute-9 in; the lease is degraded.
    cloud.compute('compute-9', free_mb=8192)
    for body in cloud.aggregates:
        if body['name'] == USER_RES:
            body['hosts'] = ['compute-2', 'compute-9']
        if body['name'] == 'freepool':
            body['hosts'] = [FAILED]
    cloud.leases.append({
        'id': 'l-user', 'name': 'user', 'status': 'ACTIVE',
        'project_id': 'p-1', 'degraded': True,
        'reservations': [{'id': USER_RES,
                          'resource_type': 'physical:host'}]})

    rec = recovery(conf, cloud)
    view = rec.read(FAILED, ['uuid-a', 'uuid-b'], ME)
    plan, _ = rec.claim(FAILED, ME, ['uuid-a', 'uuid-b'])

    healed = targets(view)['compute-9']
    assert (healed.spare, healed.committed, healed.group) == (
        None, True, USER_RES)
    # compute-9 has room for vm-b only, and compute-2 for neither: vm-a
    # costs a spare.
    assert plan.moves == {'uuid-b': 'compute-9', 'uuid-a': 'spare-1'}
    assert plan.spares == ['spare-1']


def test_nothing_is_claimed_when_the_plan_fails(conf, cloud):
    conf.set_override('no_spare_action', 'fail', mb_conf.PLUGIN_GROUP)
    cloud.server('uuid-big', 'vm-big', FAILED, ram=65536)

    with pytest.raises(exceptions.NoSpareFits, match='vm-big'):
        recovery(conf, cloud).claim(FAILED, ME, ['uuid-a', 'uuid-big'])

    assert cloud.writes == []


def test_release_returns_an_empty_claimed_spare_to_the_pool(conf, cloud):
    cloud.compute('spare-4')
    cloud.claim('spare-4', ME)

    report = recovery(conf, cloud).release(ME)

    assert report == ['Registered spare-4 in Blazar',
                      'Returned spare-4 to the spare pool (lease '
                      'masakari-spare-spare-4)',
                      'Released the claim on spare-4']
    assert 'spare-4' not in cloud.claimed()
    assert 'spare-3' in cloud.claimed()


def test_release_keeps_the_claim_on_a_spare_that_holds_servers(conf, cloud):
    cloud.compute('spare-4')
    cloud.claim('spare-4', ME)
    cloud.server('uuid-d', 'vm-d', 'spare-4')

    report = recovery(conf, cloud).release(ME)

    assert report == ['Spare spare-4 keeps its claim: it holds servers; '
                      'return it with "masakari-blazar return spare-4" once '
                      'it is empty']
    assert cloud.writes == []


def test_a_spare_anchored_meanwhile_is_planned_without(conf, cloud):
    """Another recovery, whose lock was not ours, won spare-1 after the read.

    Nova refuses it a second host of the claim aggregate (409), so this
    recovery records nothing on it and never detaches it.
    """
    cloud.anchored_meanwhile.add('spare-1')

    plan, report = recovery(conf, cloud).claim(FAILED, ME, ['uuid-a'])

    assert plan.moves == {'uuid-a': None}
    assert report == [
        'Spare spare-1 was claimed by another recovery meanwhile; planning '
        'without it',
        'Instance vm-a (uuid-a) has no spare (no healthy spare has 2 vCPU, '
        '4096 MB RAM, 20 GB disk free and can join host reservation '
        'res-user; claimed by other recoveries: spare-1 (an unknown '
        'recovery), spare-3 (notification n-other)); the Nova scheduler '
        'will choose its host']
    assert cloud.writes == []
    assert cloud.claimed()['spare-1'].notification is None


def test_a_lost_spare_gives_way_to_another_free_one(conf, cloud):
    # spare-4 fits vm-a best, so the first plan takes it.
    cloud.compute('spare-4', free_mb=16384)
    cloud.spare_lease('spare-4', 'l-4')
    cloud.anchored_meanwhile.add('spare-4')

    plan, report = recovery(conf, cloud).claim(FAILED, ME, ['uuid-a'])

    assert plan.moves == {'uuid-a': 'spare-1'}
    assert report[0] == ('Spare spare-4 was claimed by another recovery '
                         'meanwhile; planning without it')
    assert report[1].startswith('Claimed spare spare-1 (')
    assert cloud.claimed()['spare-1'].notification == ME
    assert cloud.claimed()['spare-4'].notification is None
    assert [w[:3] for w in cloud.writes if w[0] != 'set metadata'] == [
        ('add host', recorded_cloud.CLAIMS, 'spare-1'),
        ('delete lease', 'l-1'), ('delete blazar host', '1')]


def test_a_plan_of_two_spares_lets_go_of_the_one_it_won_when_one_is_lost(
        conf):
    cloud = recorded_cloud.RecordedClients()
    cloud.compute(FAILED, state='down')
    for name in ('spare-a', 'spare-b', 'spare-c'):
        cloud.compute(name, free_mb=8192)
        cloud.spare_lease(name, 'l-%s' % name[-1])
    cloud.aggregate('freepool')
    cloud.server('uuid-a', 'vm-a', FAILED, ram=8192)
    cloud.server('uuid-b', 'vm-b', FAILED, ram=8192)
    cloud.anchored_meanwhile.add('spare-b')

    plan, report = recovery(conf, cloud).claim(FAILED, ME,
                                               ['uuid-a', 'uuid-b'])

    assert sorted(plan.spares) == ['spare-a', 'spare-c']
    assert report[0] == ('Spare spare-b was claimed by another recovery '
                         'meanwhile; planning without it')
    anchors = [w[:3] for w in cloud.writes if w[0].endswith(' host')]
    assert anchors[:2] == [('add host', recorded_cloud.CLAIMS, 'spare-a'),
                           ('remove host', recorded_cloud.CLAIMS, 'spare-a')]
    assert {h: c.notification for h, c in cloud.claimed().items()} == {
        'spare-a': ME, 'spare-b': None, 'spare-c': ME}
    # Nothing was detached before every anchor was won.
    first_delete = [w[0] for w in cloud.writes].index('delete lease')
    assert all(w[0] != 'remove host' for w in cloud.writes[first_delete:])


def test_a_record_that_fails_lets_go_of_the_anchor(conf, cloud):
    def refuse(aggregate, metadata):
        raise nova_exc.ClientException(400, 'refused')
    cloud.nova.aggregates.set_metadata = refuse

    with pytest.raises(exceptions.ApiError, match='set_metadata'):
        recovery(conf, cloud).claim(FAILED, ME, ['uuid-a'])

    assert cloud.claims_aggregate()['hosts'] == ['spare-3']
    assert [w[0] for w in cloud.writes] == ['add host', 'remove host']


@pytest.mark.parametrize('notification,anchored', [
    (None, True),       # an engine stopped between anchor and record
    (OTHER, False),     # a record written by an earlier version
])
def test_either_half_of_a_claim_keeps_the_spare_out_of_the_pool(
        conf, cloud, notification, anchored):
    cloud.claim('spare-1', notification, anchored=anchored)

    view = recovery(conf, cloud).read(FAILED, ['uuid-a'], ME)

    assert [s.hostname for s in view.pool] == ['spare-2']
    assert 'spare-1' in view.held_elsewhere


def test_release_drops_the_record_then_the_anchor(conf, cloud):
    cloud.compute('spare-4')
    cloud.claim('spare-4', ME)

    recovery(conf, cloud).release(ME)

    assert [w[:3] for w in cloud.writes[-2:]] == [
        ('set metadata', recorded_cloud.CLAIMS,
         {'claim:spare-4': None}),
        ('remove host', recorded_cloud.CLAIMS, 'spare-4')]
    assert 'spare-4' not in cloud.claims_aggregate()['hosts']


def two_spares_one_instance():
    """Two free spares of one lease each, and one instance that fits one."""
    cloud = recorded_cloud.RecordedClients()
    cloud.compute(FAILED, state='down')
    for name in ('spare-a', 'spare-b'):
        cloud.compute(name, free_mb=8192)
        cloud.spare_lease(name, 'l-%s' % name[-1])
    cloud.aggregate('freepool')
    cloud.server('uuid-a', 'vm-a', FAILED, ram=8192)
    return cloud


def test_an_anchor_that_fails_lets_go_of_those_won_before_it(conf):
    cloud = two_spares_one_instance()
    cloud.server('uuid-b', 'vm-b', FAILED, ram=8192)
    add_host = cloud.nova.aggregates.add_host

    def refuse_spare_b(aggregate_id, host):
        if host == 'spare-b':
            raise nova_exc.ClientException(500, 'down')
        add_host(aggregate_id, host)
    cloud.nova.aggregates.add_host = refuse_spare_b

    with pytest.raises(exceptions.ApiError, match='add_host spare-b'):
        recovery(conf, cloud).claim(FAILED, ME, ['uuid-a', 'uuid-b'])

    assert cloud.claimed() == {}
    assert [w[:3] for w in cloud.writes if w[0].endswith(' host')] == [
        ('add host', recorded_cloud.CLAIMS, 'spare-a'),
        ('remove host', recorded_cloud.CLAIMS, 'spare-a')]


def _pinned(cloud, uuid, **specs):
    """vm-a or vm-b with dedicated CPUs and whatever else ``specs`` say."""
    specs.setdefault('hw:cpu_policy', 'dedicated')
    [server] = [s for s in cloud.servers if s['id'] == uuid]
    server['flavor']['extra_specs'] = specs


def _give(cloud, hostname, traits=(), pcpus=0):
    summary = cloud.summaries['rp-%s' % hostname]
    summary['traits'] = ['COMPUTE_NODE'] + list(traits)
    if pcpus:
        summary['resources']['PCPU'] = {'capacity': pcpus, 'used': 0}


def test_read_asks_placement_once_per_distinct_request(conf, cloud):
    _pinned(cloud, 'uuid-a')
    _pinned(cloud, 'uuid-b')
    _give(cloud, 'spare-2', pcpus=8)
    _give(cloud, 'spare-1')

    view = recovery(conf, cloud).read(FAILED, ['uuid-a', 'uuid-b', 'uuid-c'],
                                      ME)

    candidates = [p for p in cloud.placement_reads
                  if p.startswith('/allocation_candidates')]
    # The smallest request for the room of every host, then one per
    # distinct flavor request: vm-a and vm-b share theirs.
    assert candidates == [
        '/allocation_candidates?resources=MEMORY_MB:1',
        '/allocation_candidates?resources=DISK_GB:20,MEMORY_MB:4096,PCPU:2',
        '/allocation_candidates?resources=DISK_GB:20,MEMORY_MB:4096,VCPU:2',
        '/allocation_candidates?resources=DISK_GB:20,MEMORY_MB:8192,PCPU:2']
    [pinned_a] = [i.request for i in view.instances if i.uuid == 'uuid-a']
    assert targets(view)['spare-1'].refuses == {
        pinned_a: 'no PCPU inventory',
        [i.request for i in view.instances if i.uuid == 'uuid-b'][0]:
        'no PCPU inventory'}
    assert targets(view)['spare-2'].refuses == {}
    assert targets(view)['spare-2'].free.amount('PCPU') == 8


def test_read_names_the_trait_a_spare_lacks(conf, cloud):
    _pinned(cloud, 'uuid-a', **{'hw:cpu_policy': 'shared',
                                'trait:CUSTOM_FAST': 'required',
                                'trait:CUSTOM_SLOW': 'forbidden'})
    _give(cloud, 'spare-1', traits=['CUSTOM_FAST', 'CUSTOM_SLOW'])
    _give(cloud, 'spare-2')

    view = recovery(conf, cloud).read(FAILED, ['uuid-a'], ME)

    [request] = [i.request for i in view.instances]
    assert request.required == {'CUSTOM_FAST'}
    assert targets(view)['spare-1'].refuses == {
        request: 'has trait CUSTOM_SLOW, which the flavor forbids'}
    assert targets(view)['spare-2'].refuses == {
        request: 'lacks trait CUSTOM_FAST'}


def test_a_request_placement_rejects_is_offered_nowhere(conf, cloud):
    _pinned(cloud, 'uuid-a', **{'hw:cpu_policy': 'shared',
                                'trait:CUSTOM_TYPO': 'required'})
    cloud.unknown_traits.add('CUSTOM_TYPO')

    view = recovery(conf, cloud).read(FAILED, ['uuid-a'], ME)

    [request] = [i.request for i in view.instances]
    reason = targets(view)['spare-1'].refuses[request]
    assert 'HTTP 400' in reason and 'No such trait' in reason, reason
    assert targets(view)['spare-2'].refuses[request] == reason


def test_a_replan_claims_a_new_spare_and_joins_it_to_the_reservation(
        conf, cloud):
    cloud.claim('spare-1', ME, group=USER_RES, lease='masakari-spare-spare-1')
    cloud.compute('spare-4')
    cloud.spare_lease('spare-4', 'l-4')

    choice, refusing, report = recovery(conf, cloud).replan(
        FAILED, ME, 'uuid-a', ['spare-1'], {}, set())

    # spare-2's zone keeps it out of res-user; spare-3 is another's.
    assert (choice.target, choice.stop) == ('spare-4', None)
    assert refusing is None   # nothing the plugin checks refuses spare-1
    assert cloud.claimed()['spare-4'].notification == ME
    assert [w[:2] for w in cloud.writes] == [
        ('add host', recorded_cloud.CLAIMS),
        ('set metadata', recorded_cloud.CLAIMS),
        ('delete lease', 'l-4'), ('delete blazar host', '4'),
        ('add host', USER_RES)]
    assert report[0].startswith('Claimed spare spare-4 (')
    assert report[-1] == 'added spare-4 to aggregate %s of host reservation ' \
        '%s' % (USER_RES, USER_RES)


def test_a_replan_with_no_spare_left_falls_back_and_claims_nothing(
        conf, cloud):
    cloud.claim('spare-1', ME, group=USER_RES, lease='masakari-spare-spare-1')

    choice, refusing, report = recovery(conf, cloud).replan(
        FAILED, ME, 'uuid-a', ['spare-1'], {'uuid-b': 'spare-1'}, set())

    assert choice.target is None and choice.stop is None
    assert 'can join host reservation res-user' in choice.reason
    assert report == [] and cloud.writes == []


def test_a_replan_names_the_filter_its_fresh_read_finds(conf, cloud):
    cloud.claim('spare-1', ME, group=USER_RES, lease='masakari-spare-spare-1')
    cloud.service('spare-1')['status'] = 'disabled'

    _, refusing, _ = recovery(conf, cloud).replan(
        FAILED, ME, 'uuid-a', ['spare-1'], {}, set())

    assert refusing.startswith('ComputeFilter: ')


def test_a_spare_claimed_while_this_recovery_planned_is_planned_without(
        conf, monkeypatch):
    """The plan is made before the lock; the ledger read under it wins."""
    cloud = two_spares_one_instance()
    first = recovery(conf, cloud).read(FAILED, ['uuid-a'], ME)
    chosen = recovery(conf, cloud).planner.plan(
        first.instances, first.targets, first.failed_az).spares
    lock = spare_recovery.claim_lock.spare_pool_lock

    def other_recovery_first(conf):
        # The other recovery held the lock while this one planned.
        cloud.claim(chosen[0], OTHER)
        return lock(conf)
    monkeypatch.setattr(spare_recovery.claim_lock, 'spare_pool_lock',
                        other_recovery_first)

    plan, report = recovery(conf, cloud).claim(FAILED, ME, ['uuid-a'])

    other = ({'spare-a', 'spare-b'} - set(chosen)).pop()
    assert plan.moves == {'uuid-a': other}
    assert 'Spare %s was claimed by another recovery meanwhile; planning ' \
        'without it' % chosen[0] in report
    assert {h: c.notification for h, c in cloud.claimed().items()} == {
        chosen[0]: OTHER, other: ME}
