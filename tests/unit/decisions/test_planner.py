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

"""The placement decision: which instance goes to which spare."""

import dataclasses
import itertools
import json
import random
import types

import pytest

from masakari_blazar.decisions import model
from masakari_blazar.decisions import planner
from masakari_blazar import exceptions

ALL = ['same_az', 'same_segment', 'best_fit']
HOST_R = model.Reservation('0f5e2ad1-7b4a-4c39-9d0e-6f1b8d3c2a10',
                           model.HOST_RESERVATION, 'project-a')
HOST_R2 = model.Reservation('51c0a3b7-22d4-4e8f-a1b9-0c7d6e5f4a32',
                            model.HOST_RESERVATION, 'project-b')
INST_R = model.Reservation('9a7c3e21-4b5d-4f6a-8e9b-1c2d3e4f5a6b',
                           model.INSTANCE_RESERVATION, 'project-a')
INST_R2 = model.Reservation('2b3c4d5e-6f70-4182-93a4-b5c6d7e8f901',
                            model.INSTANCE_RESERVATION, 'project-c')


def res(vcpus, mem_gb, disk=500):
    return model.Resources(vcpus, mem_gb * 1024, disk)


def vm(name, vcpus=2, mem_gb=4, disk=20, reservation=None):
    return model.Instance('uuid-%s' % name, name,
                          res(vcpus, mem_gb, disk), reservation)


def spare(name, free=None, **fields):
    fields.setdefault('spare', model.Spare(
        name, 'id-%s' % name, 'lease-%s' % name,
        'masakari-spare-%s' % name, 'res-%s' % name))
    return model.Target(name, free or res(16, 64, 500), **fields)


def healed(name, reservation, free=None, **fields):
    """A host Blazar's healing already put into ``reservation``."""
    return model.Target(name, free or res(16, 64, 500), spare=None,
                        committed=True, group=reservation.id, **fields)


def claimed(name, group=None, free=None, **fields):
    """A spare an earlier run of this notification already claimed."""
    return spare(name, free, claimed=True, committed=True, group=group,
                 **fields)


def plan(instances, targets, preference=ALL, max_spares=3,
         fallback='scheduler', failed_az=None, offered=None):
    return planner.Planner(preference, max_spares, fallback).plan(
        instances, targets, failed_az=failed_az, offered=offered)


def load(result, instances):
    """Resources each target receives under ``result``."""
    by_uuid = {i.uuid: i for i in instances}
    used = {}
    for uuid, host in result.moves.items():
        if host is not None:
            used[host] = used.get(host, model.Resources()) + \
                by_uuid[uuid].resources
    return used


# Fit and spill-over -------------------------------------------------------

def test_one_spare_holds_every_instance():
    vms = [vm('vm1'), vm('vm2'), vm('vm3')]
    result = plan(vms, [spare('spare-a')])
    assert result.moves == {v.uuid: 'spare-a' for v in vms}
    assert result.spares == ['spare-a']
    assert result.groups == {'spare-a': None}
    assert result.unplaced == {}
    assert 'holds all remaining instances' in result.reasons['spare-a']


def test_a_spare_that_holds_all_beats_filling_two():
    vms = [vm('vm1', mem_gb=8), vm('vm2', mem_gb=8)]
    # spare-a comes first by name but holds only one instance.
    targets = [spare('spare-a', res(16, 10)), spare('spare-b', res(16, 20))]
    result = plan(vms, targets)
    assert result.spares == ['spare-b']
    assert set(result.moves.values()) == {'spare-b'}


def test_spill_over_two_spares_without_overfilling():
    vms = [vm('vm1', mem_gb=6), vm('vm2', mem_gb=6), vm('vm3', mem_gb=6)]
    targets = [spare('spare-a', res(16, 12)), spare('spare-b', res(16, 12))]
    result = plan(vms, targets)
    assert result.unplaced == {}
    assert sorted(result.spares) == ['spare-a', 'spare-b']
    used = load(result, vms)
    assert used['spare-a'] == res(4, 12, 40)
    assert used['spare-b'] == res(2, 6, 20)
    assert 'spill-over' in result.reasons['spare-a']


def test_spill_over_fills_the_spare_that_holds_most_first():
    vms = [vm('vm%d' % n, vcpus=1, mem_gb=2) for n in range(5)]
    targets = [spare('spare-a', res(8, 4)), spare('spare-b', res(8, 6))]
    result = plan(vms, targets, max_spares=2)
    assert result.spares == ['spare-b', 'spare-a']
    assert len(result.instances_on('spare-b')) == 3
    assert len(result.instances_on('spare-a')) == 2


@pytest.mark.parametrize('seed', range(20))
def test_no_target_is_ever_given_more_than_it_has_free(seed):
    rnd = random.Random(seed)
    vms = [vm('vm%d' % n, vcpus=rnd.randint(1, 8),
              mem_gb=rnd.choice([1, 2, 4, 8, 16]),
              disk=rnd.choice([10, 20, 40, 80]),
              reservation=rnd.choice([None, None, HOST_R, INST_R]))
           for n in range(rnd.randint(1, 12))]
    targets = [spare('spare-%d' % n, res(rnd.randint(2, 24),
                                         rnd.choice([8, 16, 32]),
                                         rnd.choice([40, 100, 200])))
               for n in range(rnd.randint(1, 5))]
    targets.append(healed('healed', HOST_R, res(4, 8, 40)))
    result = plan(vms, targets, max_spares=rnd.randint(1, 4))
    free = {t.hostname: t.free for t in targets}
    for host, used in load(result, vms).items():
        assert used.fits_in(free[host]), host
    # Every instance is accounted for exactly once.
    assert set(result.moves) == {v.uuid for v in vms}
    assert {u for u, h in result.moves.items() if h is None} == set(
        result.unplaced)


@pytest.mark.parametrize('seed', range(200))
def test_invariants_hold_on_random_pools(seed):
    rnd = random.Random(seed)
    reservations = [None, None, INST_R, INST_R2, HOST_R, HOST_R2]
    vms = [vm('vm%02d' % n, vcpus=rnd.randint(1, 8),
              mem_gb=rnd.choice([1, 2, 4, 8, 16]),
              reservation=rnd.choice(reservations))
           for n in range(rnd.randint(0, 10))]
    targets = []
    for n in range(rnd.randint(0, 6)):
        kind = rnd.choice(['spare', 'spare', 'claimed', 'healed'])
        free = res(rnd.randint(1, 24), rnd.choice([4, 8, 16, 32]))
        problem = 'nova-compute is down' if rnd.random() < 0.15 else None
        name = 'host-%d' % n
        if kind == 'spare':
            joinable = rnd.random() < 0.7
            targets.append(spare(name, free, problem=problem,
                                 az=None if joinable else 'az1',
                                 can_join_host_reservation=joinable))
        elif kind == 'claimed':
            group = rnd.choice([None, HOST_R.id, HOST_R2.id])
            targets.append(claimed(name, group, free, problem=problem))
        else:
            targets.append(healed(name, rnd.choice([HOST_R, HOST_R2]), free,
                                  problem=problem))
    max_spares = rnd.randint(1, 4)
    result = plan(vms, targets, max_spares=max_spares,
                  preference=rnd.sample(ALL, rnd.randint(0, 3)))
    by_name = {t.hostname: t for t in targets}
    groups_on = {}
    for v in vms:
        host = result.moves[v.uuid]
        if host is None:
            assert v.uuid in result.unplaced
            continue
        target = by_name[host]
        assert target.healthy
        groups_on.setdefault(host, set()).add(v.group)
        if target.committed:
            assert v.group == target.group
        if v.group is not None:
            assert target.can_join_host_reservation
    # One host, one group; a reservation's own host serves only it.
    assert all(len(g) == 1 for g in groups_on.values())
    # Spares: only those used, each once, within max_spares_per_failure
    # counting those already claimed.
    assert sorted(result.spares) == sorted(
        h for h in groups_on if by_name[h].spare is not None)
    consumed = set(result.spares) | {
        t.hostname for t in targets if t.claimed and t.healthy}
    assert len(consumed) <= max(max_spares, sum(
        1 for t in targets if t.claimed and t.healthy))
    for host in result.spares:
        assert result.groups[host] == next(iter(groups_on[host]))
    # Joins count exactly the reserved instances moved to each spare.
    for host in result.spares:
        expected = {}
        for v in vms:
            if result.moves[v.uuid] == host and v.reservation:
                expected[v.reservation.id] = expected.get(
                    v.reservation.id, 0) + 1
        assert {e['id']: e['count']
                for e in result.joins.get(host, [])} == expected
    assert set(result.joins) <= set(result.spares)


def test_an_instance_bigger_than_any_spare_is_left_to_the_scheduler():
    vms = [vm('small'), vm('huge', vcpus=64, mem_gb=512)]
    result = plan(vms, [spare('spare-a')])
    assert result.moves['uuid-small'] == 'spare-a'
    assert result.moves['uuid-huge'] is None
    assert 'no healthy spare has 64 vCPU' in result.unplaced['uuid-huge']


def test_max_spares_per_failure_limits_how_many_spares_are_used():
    vms = [vm('vm%d' % n, mem_gb=12) for n in range(3)]
    targets = [spare('spare-%s' % c, res(16, 16)) for c in 'abcd']
    result = plan(vms, targets, max_spares=2)
    assert len(result.spares) == 2
    assert len(result.unplaced) == 1
    (reason,) = result.unplaced.values()
    assert reason == 'max_spares_per_failure (2) reached'


def test_max_spares_counts_spares_of_every_group():
    vms = [vm('free1', mem_gb=12), vm('rsv1', mem_gb=12, reservation=HOST_R)]
    targets = [spare('spare-a', res(16, 16)), spare('spare-b', res(16, 16))]
    result = plan(vms, targets, max_spares=1)
    assert len(result.spares) == 1
    assert len(result.unplaced) == 1


# Groups ---------------------------------------------------------------------

def test_host_reservation_never_shares_a_spare_with_unreserved():
    vms = [vm('free1'), vm('rsv1', reservation=HOST_R)]
    # One spare could hold both, but joining it to the reservation would
    # let Blazar delete the unreserved instance at the reservation's end.
    result = plan(vms, [spare('spare-a')])
    placed = [u for u, h in result.moves.items() if h == 'spare-a']
    assert len(placed) == 1
    assert len(result.unplaced) == 1


def test_each_group_gets_its_own_spare():
    vms = [vm('free1'), vm('free2', reservation=INST_R),
           vm('rsv1', reservation=HOST_R), vm('rsv2', reservation=HOST_R),
           vm('other', reservation=HOST_R2)]
    targets = [spare('spare-%s' % c) for c in 'abcd']
    result = plan(vms, targets)
    assert result.unplaced == {}
    by_group = {}
    for host, group in result.groups.items():
        by_group.setdefault(group, set()).update(result.instances_on(host))
    assert by_group == {
        None: {'uuid-free1', 'uuid-free2'},
        HOST_R.id: {'uuid-rsv1', 'uuid-rsv2'},
        HOST_R2.id: {'uuid-other'},
    }
    assert len(result.spares) == 3


def test_spare_in_a_non_blazar_az_cannot_take_a_host_reservation():
    vms = [vm('rsv1', reservation=HOST_R)]
    # Nova refuses (409) to add a host in zone "az1" to the reservation's
    # aggregate with zone blazar_<id>.
    result = plan(vms, [spare('spare-a', az='az1',
                              can_join_host_reservation=False)])
    assert result.moves == {'uuid-rsv1': None}
    assert result.spares == []


def test_spare_in_a_non_blazar_az_takes_unreserved_and_instance_reservation():
    vms = [vm('free1'), vm('inst1', reservation=INST_R),
           vm('rsv1', reservation=HOST_R)]
    targets = [spare('spare-a', az='az1', can_join_host_reservation=False),
               spare('spare-b')]
    result = plan(vms, targets, failed_az='az1')
    assert result.moves == {'uuid-free1': 'spare-a',
                            'uuid-inst1': 'spare-a',
                            'uuid-rsv1': 'spare-b'}


def test_host_reservation_groups_choose_before_unreserved_instances():
    # The unreserved group is the larger one, and it prefers spare-b (same
    # zone); but spare-b is the only spare the reservation's instance may
    # use, and the unreserved instances fit on spare-a too.
    vms = [vm('free1', mem_gb=8), vm('rsv1', mem_gb=2, reservation=HOST_R)]
    targets = [spare('spare-a', az='az1', can_join_host_reservation=False),
               spare('spare-b')]
    result = plan(vms, targets, failed_az=None)
    assert result.unplaced == {}
    assert result.moves == {'uuid-free1': 'spare-a', 'uuid-rsv1': 'spare-b'}


def test_reserved_instances_get_the_last_spare_max_spares_allows():
    # Unreserved instances have the scheduler to fall back on; instances of
    # a host reservation can only go where the reservation is.
    vms = [vm('free1', mem_gb=8), vm('rsv1', mem_gb=2, reservation=HOST_R)]
    result = plan(vms, [spare('spare-a'), spare('spare-b')], max_spares=1)
    assert result.moves == {'uuid-rsv1': 'spare-a', 'uuid-free1': None}


# Preference -----------------------------------------------------------------

def _az_vs_segment():
    # spare-a: failed host's zone, other segment, roomier.
    # spare-b: other zone, same segment, tighter.
    return [spare('spare-a', res(16, 64), az='az1'),
            spare('spare-b', res(8, 16), az='az2', in_segment=True)]


@pytest.mark.parametrize('preference,expected', [
    (['same_az', 'same_segment', 'best_fit'], 'spare-a'),
    (['same_segment', 'same_az', 'best_fit'], 'spare-b'),
    (['best_fit', 'same_az', 'same_segment'], 'spare-b'),
    (['same_az'], 'spare-a'),
    (['same_segment'], 'spare-b'),
    (['best_fit'], 'spare-b'),
    ([], 'spare-a'),
])
def test_preference_order_decides_between_spares_that_fit(preference,
                                                          expected):
    result = plan([vm('vm1')], _az_vs_segment(), preference=preference,
                  failed_az='az1')
    assert result.spares == [expected]


@pytest.mark.parametrize('preference,expected', [
    (['best_fit'], 'spare-b'),
    ([], 'spare-a'),
    (['same_az', 'same_segment'], 'spare-a'),
])
def test_best_fit_picks_the_least_free_spare_and_name_breaks_ties(
        preference, expected):
    targets = [spare('spare-c', res(16, 32)), spare('spare-a', res(16, 32)),
               spare('spare-b', res(4, 8))]
    assert plan([vm('vm1')], targets, preference=preference).spares == [
        expected]


def test_same_az_with_the_default_zone():
    targets = [spare('spare-a', az='az2'), spare('spare-b', az=None)]
    result = plan([vm('vm1')], targets, preference=['same_az'],
                  failed_az=None)
    assert result.spares == ['spare-b']
    assert 'same availability zone (the default zone)' in \
        result.reasons['spare-b']


def test_name_breaks_ties_whatever_the_input_order():
    names = ['spare-c', 'spare-a', 'spare-b']
    for order in itertools.permutations(names):
        result = plan([vm('vm1')], [spare(n) for n in order])
        assert result.spares == ['spare-a']


def test_preference_applies_to_the_spill_over_target_too():
    vms = [vm('vm1', mem_gb=8), vm('vm2', mem_gb=8)]
    targets = [spare('spare-a', res(16, 10), az='az2'),
               spare('spare-b', res(16, 10), az='az1')]
    result = plan(vms, targets, failed_az='az1')
    assert result.spares[0] == 'spare-b'


# The host Masakari offers in its reserved-host flow ---------------------

def test_offered_healthy_spare_is_used_first():
    targets = [spare('spare-a', az='az1'), spare('spare-z', az='az2')]
    result = plan([vm('vm1'), vm('vm2')], targets, failed_az='az1',
                  offered='spare-z')
    assert result.spares == ['spare-z']


def test_offered_host_that_is_not_a_spare_gives_way_to_blazars_spares():
    # A stale Masakari reserved flag never stops a recovery.
    result = plan([vm('vm1')], [spare('spare-a')], offered='compute-9')
    assert result.moves == {'uuid-vm1': 'spare-a'}
    assert len(result.notes) == 1
    assert 'compute-9' in result.notes[0]
    assert 'not a free spare' in result.notes[0]


def test_offered_host_inside_the_reservation_is_not_a_spare():
    result = plan([vm('vm1', reservation=HOST_R)],
                  [healed('healed-1', HOST_R)], offered='healed-1')
    assert result.moves == {'uuid-vm1': 'healed-1'}
    assert 'not a free spare' in result.notes[0]


def test_offered_spare_leaves_no_note():
    assert plan([vm('vm1')], [spare('spare-a')],
                offered='spare-a').notes == []


# Availability zones ------------------------------------------------------

def pinned(name, zone, **fields):
    return dataclasses.replace(vm(name, **fields), pinned=True, zone=zone)


def test_zone_pinned_instance_only_goes_to_a_spare_of_its_zone():
    # The best fit would be spare-a, outside the instance's zone.
    targets = [spare('spare-a', res(2, 4), az='az2'),
               spare('spare-b', az='az1')]
    result = plan([pinned('vm1', 'az1')], targets, failed_az='az2')
    assert result.moves == {'uuid-vm1': 'spare-b'}


def test_default_zone_pin_excludes_spares_of_named_zones():
    targets = [spare('spare-a', az='az1'), spare('spare-b')]
    result = plan([pinned('vm1', None)], targets, failed_az='az1')
    assert result.moves == {'uuid-vm1': 'spare-b'}


def test_unpinned_instance_goes_to_any_zone():
    result = plan([vm('vm1')], [spare('spare-a', az='az2')],
                  failed_az='az1')
    assert result.moves == {'uuid-vm1': 'spare-a'}


def test_no_spare_in_the_zone_falls_back_with_the_zone_named():
    result = plan([pinned('vm1', 'az1'), vm('vm2')],
                  [spare('spare-a', az='az2')])
    assert result.moves == {'uuid-vm1': None, 'uuid-vm2': 'spare-a'}
    assert 'in availability zone az1' in result.unplaced['uuid-vm1']
    with pytest.raises(exceptions.NoSpareFits, match='vm1'):
        planner.Planner(ALL, 5, planner.FALLBACK_FAIL).plan(
            [pinned('vm1', 'az1')], [spare('spare-a', az='az2')])


def test_instances_of_two_zones_use_a_spare_each():
    targets = [spare('spare-a', az='az1'), spare('spare-b', az='az2')]
    result = plan([pinned('vm1', 'az1'), pinned('vm2', 'az2')], targets)
    assert result.moves == {'uuid-vm1': 'spare-a', 'uuid-vm2': 'spare-b'}


def test_healed_host_outside_the_zone_takes_no_pinned_instance():
    result = plan([pinned('vm1', 'az1', reservation=HOST_R)],
                  [healed('healed-1', HOST_R, az='az2'),
                   spare('spare-a', az='az1', can_join_host_reservation=True)])
    assert result.moves == {'uuid-vm1': 'spare-a'}


def zone_joins(result):
    return {host: [e['id'] for e in entries if e['kind'] == model.ZONE]
            for host, entries in result.joins.items()}


def test_a_spare_outside_every_zone_joins_the_pinned_instances_zone():
    result = plan([pinned('vm1', 'az1'), pinned('vm2', 'az1'), vm('vm3')],
                  [spare('spare-a')])
    assert result.moves == {'uuid-vm1': 'spare-a', 'uuid-vm2': 'spare-a',
                            'uuid-vm3': 'spare-a'}
    assert result.joins == {'spare-a': [
        {'id': 'az1', 'kind': model.ZONE, 'project_id': None, 'count': 2}]}
    assert 'joins availability zone az1' in result.reasons['spare-a']


def test_a_spare_of_the_zone_is_preferred_to_one_that_must_join_it():
    # spare-a sorts first and fits best, but would have to join az1.
    targets = [spare('spare-a', res(4, 8)), spare('spare-b', az='az1')]
    result = plan([pinned('vm1', 'az1')], targets)
    assert result.moves == {'uuid-vm1': 'spare-b'}
    assert result.joins == {}


def test_a_spare_joins_one_zone_only():
    # Nova refuses a host in two zones: the second zone needs a second
    # spare, and a spare that joined az1 takes no default-zone pin.
    vms = [pinned('vm1', 'az1'), pinned('vm2', 'az2'), pinned('vm3', None)]
    result = plan(vms, [spare('spare-a'), spare('spare-b'),
                        spare('spare-c')])
    assert len(set(result.moves.values())) == 3
    zones = zone_joins(result)
    assert sorted(z for host in zones for z in zones[host]) == ['az1', 'az2']
    default = result.moves['uuid-vm3']
    assert zones.get(default, []) == []
    for uuid, zone in (('uuid-vm1', 'az1'), ('uuid-vm2', 'az2')):
        assert zones[result.moves[uuid]] == [zone]


def test_the_first_instance_in_evacuation_order_chooses_the_zone():
    vms = [dataclasses.replace(pinned('low', None), priority=0),
           dataclasses.replace(pinned('high', 'az1'), priority=5)]
    result = plan(vms, [spare('spare-a')])
    assert result.moves == {'uuid-high': 'spare-a', 'uuid-low': None}
    assert 'in the default zone' in result.unplaced['uuid-low']


def test_a_default_zone_pin_placed_first_keeps_the_spare_out_of_zones():
    vms = [dataclasses.replace(pinned('first', None), priority=5),
           pinned('later', 'az1')]
    result = plan(vms, [spare('spare-a')], max_spares=1)
    assert result.moves == {'uuid-first': 'spare-a', 'uuid-later': None}
    assert result.joins == {}
    assert result.unplaced['uuid-later'].startswith(
        'max_spares_per_failure')


def test_no_zone_join_for_a_host_reservation_or_a_zoned_spare():
    # A host reservation's aggregate has a Blazar zone of its own, and a
    # spare already in az2 cannot be in az1 too.
    vms = [pinned('rsv1', 'az1', reservation=HOST_R), pinned('vm1', 'az1')]
    result = plan(vms, [spare('spare-a', az='az2',
                              can_join_host_reservation=False)])
    assert result.moves == {'uuid-rsv1': None, 'uuid-vm1': None}
    assert ('no healthy spare in availability zone az1, or outside every '
            'zone to join it, has') in result.unplaced['uuid-vm1']


def test_an_instance_reservation_s_instance_joins_the_zone_first():
    result = plan([pinned('inst1', 'az1', reservation=INST_R)],
                  [spare('spare-a')])
    assert [e['kind'] for e in result.joins['spare-a']] == [
        model.ZONE, model.INSTANCE_RESERVATION]


def test_join_zones_off_leaves_pinned_instances_to_the_fallback():
    built = planner.from_options(_opts('scheduler', join_zones=False))
    result = built.plan([pinned('vm1', 'az1')], [spare('spare-a')])
    assert result.moves == {'uuid-vm1': None}
    assert result.unplaced['uuid-vm1'].startswith(
        'no healthy spare in availability zone az1 has')


def test_a_claimed_spare_that_joined_a_zone_keeps_it():
    # A re-run sees the spare in az1's aggregate: it is az1's now.
    targets = [spare('spare-a', az='az1', claimed=True, committed=True,
                     can_join_host_reservation=False), spare('spare-b')]
    result = plan([pinned('vm1', 'az1'), pinned('vm2', None)], targets)
    assert result.moves == {'uuid-vm1': 'spare-a', 'uuid-vm2': 'spare-b'}
    assert result.joins == {}


# Priorities ---------------------------------------------------------------

def ranked(name, priority=0, ha=False, **fields):
    return dataclasses.replace(vm(name, **fields), priority=priority,
                               ha_enabled=ha)


def test_priority_wins_the_only_spare_over_size_and_ha_flag():
    vms = [ranked('big', mem_gb=12, ha=True), ranked('small', priority=5)]
    result = plan(vms, [spare('spare-a', res(16, 12))])
    assert result.moves == {'uuid-small': 'spare-a', 'uuid-big': None}
    assert result.order == ['uuid-small', 'uuid-big']


def test_ha_enabled_before_the_rest_then_size():
    vms = [ranked('plain', mem_gb=8), ranked('ha', mem_gb=4, ha=True),
           ranked('plain-big', mem_gb=10)]
    result = plan(vms, [spare('spare-a', res(16, 14))])
    assert result.order == ['uuid-ha', 'uuid-plain-big', 'uuid-plain']
    assert result.moves == {'uuid-ha': 'spare-a',
                            'uuid-plain-big': 'spare-a',
                            'uuid-plain': None}


def test_priority_of_an_unreserved_instance_goes_before_a_reservation():
    # Only one spare may be spent: the priority decides which group gets it.
    vms = [ranked('reserved', reservation=HOST_R),
           ranked('urgent', priority=1)]
    result = planner.Planner(ALL, 1, planner.FALLBACK_SCHEDULER).plan(
        vms, [spare('spare-a'), spare('spare-b')])
    assert result.moves == {'uuid-urgent': 'spare-a', 'uuid-reserved': None}


def test_offered_unhealthy_spare_is_refused_with_the_problem():
    targets = [spare('spare-a', problem='nova-compute is disabled'),
               spare('spare-b')]
    with pytest.raises(exceptions.SpareUnusable,
                       match='nova-compute is disabled'):
        plan([vm('vm1')], targets, offered='spare-a')


# Spares already claimed by this notification -----------------------------

def test_claimed_spare_is_reused_before_a_better_one():
    targets = [spare('spare-a', res(4, 8)),
               claimed('spare-z', free=res(32, 128))]
    result = plan([vm('vm1')], targets)
    assert result.spares == ['spare-z']
    assert 'already claimed by this recovery' in result.reasons['spare-z']


def test_claimed_spare_is_reused_when_it_alone_reaches_max_spares():
    # A re-run must find the spare it already holds, even though holding it
    # already uses up max_spares_per_failure.
    result = plan([vm('vm1'), vm('vm2')],
                  [spare('spare-a'), claimed('spare-b')], max_spares=1)
    assert result.unplaced == {}
    assert result.spares == ['spare-b']
    assert set(result.moves.values()) == {'spare-b'}


def test_claimed_spares_count_toward_max_spares():
    vms = [vm('vm%d' % n, mem_gb=12) for n in range(3)]
    targets = [claimed('spare-a', free=res(16, 16)),
               spare('spare-b', res(16, 16)), spare('spare-c', res(16, 16))]
    result = plan(vms, targets, max_spares=2)
    assert sorted(result.spares) == ['spare-a', 'spare-b']
    assert len(result.unplaced) == 1
    assert list(result.unplaced.values()) == [
        'max_spares_per_failure (2) reached']


def test_claimed_spare_keeps_the_group_it_was_committed_to():
    vms = [vm('free1'), vm('rsv1', reservation=HOST_R)]
    targets = [claimed('spare-a', group=HOST_R.id), spare('spare-b')]
    result = plan(vms, targets)
    assert result.moves == {'uuid-rsv1': 'spare-a', 'uuid-free1': 'spare-b'}
    assert result.groups == {'spare-a': HOST_R.id, 'spare-b': None}


def test_planning_is_idempotent_for_a_rerun():
    vms = [vm('free%d' % n, mem_gb=10) for n in range(3)] + [
        vm('rsv%d' % n, mem_gb=10, reservation=HOST_R) for n in range(2)]
    pool = [spare('spare-%s' % c, res(16, 24)) for c in 'abcdef']
    first = plan(vms, pool, max_spares=4)
    assert plan(vms, list(reversed(pool)), max_spares=4) == first
    # The re-run sees the spares of the first run as claimed, committed to
    # the group they were claimed for, and the rest of the pool as before.
    rerun_pool = [
        claimed(t.hostname, group=first.groups[t.hostname], free=t.free)
        if t.hostname in first.spares else t for t in pool]
    second = plan(vms, rerun_pool, max_spares=4)
    assert second.moves == first.moves
    assert sorted(second.spares) == sorted(first.spares)
    assert second.joins == first.joins


# Hosts already inside the reservation (Blazar healing) -----------------

def test_healed_replacement_is_used_without_consuming_a_spare():
    vms = [vm('rsv1', reservation=HOST_R), vm('rsv2', reservation=HOST_R)]
    result = plan(vms, [spare('spare-a'), healed('compute-new', HOST_R)],
                  max_spares=1)
    assert set(result.moves.values()) == {'compute-new'}
    assert result.spares == []
    assert result.joins == {}
    assert 'Blazar healing' in result.reasons['compute-new']


def test_healed_replacement_first_then_spill_onto_a_spare():
    vms = [vm('rsv%d' % n, mem_gb=8, reservation=HOST_R) for n in range(3)]
    targets = [spare('spare-a'), healed('compute-new', HOST_R, res(8, 16))]
    result = plan(vms, targets)
    assert len(result.instances_on('compute-new')) == 2
    assert len(result.instances_on('spare-a')) == 1
    assert result.spares == ['spare-a']
    assert result.joins == {'spare-a': [
        {'id': HOST_R.id, 'kind': 'host', 'project_id': 'project-a',
         'count': 1}]}


def test_healed_host_serves_only_its_own_reservation():
    vms = [vm('free1'), vm('other', reservation=HOST_R2)]
    result = plan(vms, [healed('compute-new', HOST_R)])
    assert result.moves == {'uuid-free1': None, 'uuid-other': None}


# Fallback ---------------------------------------------------------------

def test_scheduler_fallback_leaves_unplaced_instances_to_nova():
    result = plan([vm('vm1'), vm('vm2', reservation=HOST_R)], [],
                  fallback='scheduler')
    assert result.moves == {'uuid-vm1': None, 'uuid-vm2': None}
    assert 'can join host reservation %s' % HOST_R.id in \
        result.unplaced['uuid-vm2']


def test_fail_fallback_names_the_instances_no_spare_holds():
    vms = [vm('fits'), vm('too-big', vcpus=64), vm('also-big', mem_gb=999)]
    with pytest.raises(exceptions.NoSpareFits) as exc:
        plan(vms, [spare('spare-a')], fallback='fail')
    message = str(exc.value)
    assert 'also-big, too-big' in message
    assert '2 instance(s)' in message
    assert 'fits' not in message.replace('NoSpareFits', '')


def test_fail_fallback_is_quiet_when_everything_fits():
    result = plan([vm('vm1')], [spare('spare-a')], fallback='fail')
    assert result.moves == {'uuid-vm1': 'spare-a'}


# Health -----------------------------------------------------------------

def test_unhealthy_targets_are_skipped():
    targets = [spare('spare-a', problem='nova-compute is down'),
               healed('compute-new', HOST_R, problem='the hypervisor is down'),
               spare('spare-b', res(2, 4), az='az2')]
    vms = [vm('vm1', vcpus=1, mem_gb=1),
           vm('rsv1', vcpus=1, mem_gb=1, reservation=HOST_R)]
    result = plan(vms, targets, failed_az=None, max_spares=2)
    assert 'spare-a' not in result.moves.values()
    assert 'compute-new' not in result.moves.values()
    assert 'spare-a' not in result.spares


def test_an_unhealthy_claimed_spare_is_not_reused():
    result = plan([vm('vm1')], [claimed('spare-a', problem='down'),
                                spare('spare-b')])
    assert result.moves == {'uuid-vm1': 'spare-b'}


# Joins ------------------------------------------------------------------

def test_joins_count_instances_per_reservation_per_spare():
    vms = [vm('r1', reservation=HOST_R), vm('r2', reservation=HOST_R),
           vm('r3', reservation=HOST_R),
           vm('i1', reservation=INST_R), vm('i2', reservation=INST_R),
           vm('j1', reservation=INST_R2), vm('free')]
    result = plan(vms, [spare('spare-a'), spare('spare-b')])
    rsv_host = result.moves['uuid-r1']
    inst_host = result.moves['uuid-i1']
    assert rsv_host != inst_host
    assert result.joins[rsv_host] == [
        {'id': HOST_R.id, 'kind': 'host', 'project_id': 'project-a',
         'count': 3}]
    assert sorted(result.joins[inst_host], key=lambda e: e['id']) == sorted([
        {'id': INST_R.id, 'kind': 'instance', 'project_id': 'project-a',
         'count': 2},
        {'id': INST_R2.id, 'kind': 'instance', 'project_id': 'project-c',
         'count': 1}], key=lambda e: e['id'])


def test_joins_split_with_the_spill_over():
    vms = [vm('r%d' % n, mem_gb=8, reservation=HOST_R) for n in range(3)]
    result = plan(vms, [spare('spare-a', res(16, 16)),
                        spare('spare-b', res(16, 16))])
    counts = {host: [e['count'] for e in entries]
              for host, entries in result.joins.items()}
    assert counts == {'spare-a': [2], 'spare-b': [1]}


# The plan as TaskFlow stores it ----------------------------------------

def test_plan_round_trips_through_a_dict_and_json():
    vms = [vm('free'), vm('r1', reservation=HOST_R), vm('big', vcpus=99)]
    result = plan(vms, [spare('spare-a'), spare('spare-b')])
    assert planner.Plan.from_dict(result.to_dict()) == result
    stored = json.loads(json.dumps(result.to_dict()))
    again = planner.Plan.from_dict(stored)
    assert again == result
    assert again.moves['uuid-big'] is None
    assert again.instances_on(result.moves['uuid-r1']) == ['uuid-r1']


def test_to_dict_is_a_copy():
    result = plan([vm('r1', reservation=HOST_R)], [spare('spare-a')])
    data = result.to_dict()
    data['joins']['spare-a'][0]['count'] = 99
    assert result.joins['spare-a'][0]['count'] == 1


def test_instances_on_is_sorted():
    result = plan([vm('b'), vm('a'), vm('c')], [spare('spare-a')])
    assert result.instances_on('spare-a') == ['uuid-a', 'uuid-b', 'uuid-c']
    assert result.instances_on('spare-x') == []


def _opts(action, join_zones=True):
    return types.SimpleNamespace(spare_preference=['best_fit'],
                                 max_spares_per_failure=1,
                                 no_spare_action=action,
                                 scheduler_filters=['BlazarFilter'],
                                 join_zones=join_zones)


def test_from_options_plans_with_the_operators_options():
    instances = [vm('a', vcpus=12), vm('b', vcpus=12)]
    # Each spare holds one instance; best_fit prefers the snug one.
    targets = [spare('roomy', res(20, 64)), spare('snug', res(13, 64))]
    built = planner.from_options(_opts('scheduler'))
    result = built.plan(instances, targets, failed_az=None)
    # max_spares_per_failure keeps it the only spare.
    assert result.spares == ['snug']
    assert list(result.unplaced) == ['uuid-b']
    with pytest.raises(exceptions.NoSpareFits):
        planner.from_options(_opts('fail')).plan(instances, targets,
                                                 failed_az=None)


def test_from_options_fallback_overrides_no_spare_action():
    lenient = planner.from_options(_opts('fail'),
                                   fallback=planner.FALLBACK_SCHEDULER)
    assert lenient.fallback == planner.FALLBACK_SCHEDULER
    assert planner.from_options(_opts('fail')).fallback == 'fail'


def test_evacuations_start_in_the_plan_s_order():
    first = dataclasses.replace(vm('z-first'), priority=5)
    instances = [vm('a-big', 4, 16), vm('b-small', 1, 1), first]
    result = plan(instances, [spare('spare-1')])

    assert result.in_order(['uuid-a-big', 'uuid-b-small', 'uuid-z-first',
                            'uuid-unknown']) == [
        'uuid-z-first', 'uuid-a-big', 'uuid-b-small', 'uuid-unknown']
