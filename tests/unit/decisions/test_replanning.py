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

"""Where an instance goes next when Nova's scheduler refused its target."""

import pytest

from masakari_blazar.decisions import model
from masakari_blazar.decisions import planner
from masakari_blazar.decisions import replanning

# Nova 34's fault messages (nova.exception.NoValidHost and its reasons in
# nova.scheduler.manager).
FILTERED = 'No valid host was found. There are not enough hosts available.'
NO_CANDIDATES = 'No valid host was found. '
HOST_R = model.Reservation('0f5e2ad1-7b4a-4c39-9d0e-6f1b8d3c2a10',
                           model.HOST_RESERVATION, 'project-a')


def res(vcpus, mem_gb, disk=20):
    return model.Resources(vcpus, mem_gb * 1024, disk)


def vm(name='vm-1', vcpus=2, mem_gb=4, **fields):
    return model.Instance('uuid-%s' % name, name, res(vcpus, mem_gb),
                          **fields)


def spare(name, free=None, **fields):
    fields.setdefault('spare', model.Spare(
        name, 'id-%s' % name, 'lease-%s' % name,
        'masakari-spare-%s' % name, 'res-%s' % name))
    return model.Target(name, free or res(16, 64, 500), **fields)


def claimed(name, free=None, **fields):
    return spare(name, free, claimed=True, committed=True, **fields)


def chooser(fallback=planner.FALLBACK_SCHEDULER, max_spares=3,
            join_zones=True):
    return planner.Planner([], max_spares, fallback, join_zones=join_zones)


@pytest.mark.parametrize('message,expected', [
    (FILTERED, True),
    (NO_CANDIDATES, True),
    ('No valid host was found. Scheduling failed: no such zone', True),
    ('Build of instance x aborted: Simulated failure', False),
    ('', False),
    (None, False),
])
def test_only_the_schedulers_refusal_is_replanned(message, expected):
    assert replanning.refused_by_scheduler(message) is expected


def test_the_next_claimed_spare_comes_before_a_new_one():
    targets = [claimed('spare-1'), spare('spare-2'), claimed('spare-3')]
    choice = replanning.choose(vm(), ['spare-1'], targets, chooser())
    assert choice == replanning.Choice(target='spare-3', claim=False)


def test_a_new_spare_is_claimed_when_no_claimed_one_fits():
    targets = [claimed('spare-1'), claimed('spare-3', free=res(1, 1)),
               spare('spare-2')]
    choice = replanning.choose(vm(), ['spare-1'], targets, chooser())
    assert choice == replanning.Choice(target='spare-2', claim=True)


def test_a_spare_outside_every_zone_joins_the_pinned_instances_zone():
    pinned = vm(pinned=True, zone='az-1')
    targets = [claimed('spare-1', az='az-1'), spare('spare-2', az='az-2'),
               spare('spare-3')]
    choice = replanning.choose(pinned, ['spare-1'], targets, chooser())
    assert choice == replanning.Choice(target='spare-3', claim=True,
                                       zone='az-1')


def test_without_zone_joins_a_pinned_instance_goes_to_the_scheduler():
    pinned = vm(pinned=True, zone='az-1')
    targets = [claimed('spare-1', az='az-1'), spare('spare-3')]
    choice = replanning.choose(pinned, ['spare-1'], targets,
                               chooser(join_zones=False))
    assert (choice.target, choice.zone, choice.stop) == (None, None, None)
    assert 'availability zone az-1' in choice.reason


def test_every_host_that_refused_is_left_out():
    targets = [claimed('spare-1'), claimed('spare-2'), spare('spare-3')]
    choice = replanning.choose(vm(), ['spare-1', 'spare-2'], targets,
                               chooser())
    assert choice.target == 'spare-3'


def test_a_refused_claimed_spare_still_counts_against_max_spares():
    # spare-1 was spent on this failure: a second spare would be one more
    # than max_spares_per_failure allows.
    targets = [claimed('spare-1'), spare('spare-2')]
    choice = replanning.choose(vm(), ['spare-1'], targets,
                               chooser(max_spares=1))
    assert choice.target is None and choice.stop is None
    assert 'max_spares_per_failure (1) reached' in choice.reason


def test_with_no_spare_left_the_scheduler_when_no_spare_action_allows():
    choice = replanning.choose(vm(), ['spare-1'], [claimed('spare-1')],
                               chooser())
    assert (choice.target, choice.claim, choice.stop) == (None, False, None)
    assert choice.reason.startswith('no healthy spare has')


def test_with_no_spare_left_and_fail_it_gives_up_with_the_reason():
    choice = replanning.choose(vm(), ['spare-1'], [claimed('spare-1')],
                               chooser(planner.FALLBACK_FAIL))
    assert choice.stop == (
        'no other spare can take it (no healthy spare has 2 vCPU, 4096 MB '
        'RAM, 20 GB disk free), and no_spare_action is "fail"; add spares '
        'or set no_spare_action = scheduler')


def test_once_the_scheduler_refused_too_it_gives_up():
    choice = replanning.choose(vm(), ['spare-1', replanning.SCHEDULER],
                               [claimed('spare-1')], chooser())
    assert choice.stop.endswith('and the scheduler refused it too')


def test_replanning_ends_when_each_refusal_adds_its_host():
    """Bounded: one try per host, then the scheduler, then a stop."""
    targets = [claimed('spare-1'), claimed('spare-2'), spare('spare-3')]
    tried = ['spare-1']
    for _ in range(10):
        choice = replanning.choose(vm(), tried, targets, chooser())
        if choice.stop:
            break
        assert choice.target not in tried
        tried.append(choice.target)
    assert tried == ['spare-1', 'spare-2', 'spare-3', None]
    assert choice.stop


def test_the_replan_honours_the_same_constraints_as_the_plan():
    # The zone pins the instance; spare-2 is outside it.
    pinned = vm(pinned=True, zone='az-1')
    targets = [claimed('spare-1', az='az-1'), spare('spare-2', az='az-2'),
               spare('spare-3', az='az-1')]
    choice = replanning.choose(pinned, ['spare-1'], targets, chooser())
    assert choice.target == 'spare-3'
    # A spare committed to a host reservation takes only its instances.
    targets = [claimed('spare-1'), claimed('spare-2', group=HOST_R.id)]
    choice = replanning.choose(vm(), ['spare-1'], targets, chooser())
    assert choice.target is None


def test_the_room_held_for_instances_still_to_come_is_not_taken():
    targets = replanning.room_left(
        [claimed('spare-1'), claimed('spare-2', free=res(4, 8)),
         spare('spare-3')],
        {'spare-2': res(4, 8)})
    choice = replanning.choose(vm(), ['spare-1'], targets, chooser())
    assert choice == replanning.Choice(target='spare-3', claim=True)


def test_held_back_sums_the_queued_instances_per_planned_host():
    instances = [vm('a', 1, 2), vm('b', 2, 4), vm('c', 4, 8)]
    queued = {'uuid-a': 'spare-1', 'uuid-b': 'spare-1', 'uuid-c': None,
              'uuid-unknown': 'spare-2'}
    assert replanning.held_back(instances, queued) == {
        'spare-1': res(3, 6, 40)}


@pytest.mark.parametrize('instance,target,expected', [
    (vm(pinned=True, zone='az-1'), spare('spare-1', az='az-2'),
     'availability zone az-1 (map_az_to_placement_aggregate)'),
    (vm(server_group=model.ServerGroup('g', model.AFFINITY,
                                       elsewhere=(('compute-2', 1),))),
     spare('spare-1'), 'ServerGroupAffinityFilter'),
    (vm(server_group=model.ServerGroup('g', model.ANTI_AFFINITY,
                                       elsewhere=(('spare-1', 1),))),
     spare('spare-1'), 'ServerGroupAntiAffinityFilter'),
    (vm(server_group=model.ServerGroup('g', model.ANTI_AFFINITY,
                                       max_per_host=2,
                                       elsewhere=(('spare-1', 1),))),
     spare('spare-1'), None),
    (vm(), spare('spare-1', problem='nova-compute is disabled'),
     'ComputeFilter: nova-compute is disabled'),
    (vm(), spare('spare-1', free=res(1, 1)),
     'Placement: 1 vCPU, 1024 MB RAM, 20 GB disk free, 2 vCPU, 4096 MB '
     'RAM, 20 GB disk needed'),
    (vm(), spare('spare-1'), None),
    (vm(), None, None),
])
def test_the_filter_is_named_when_the_plugins_own_check_finds_it(
        instance, target, expected):
    assert replanning.refusing_filter(instance, target) == expected


def test_the_reason_says_what_novas_fault_tells_when_no_check_finds_it():
    assert replanning.why_refused(FILTERED, 'AvailabilityZoneFilter') == \
        'AvailabilityZoneFilter'
    assert replanning.why_refused(FILTERED, None) == (
        'a scheduler filter; nova-scheduler\'s log names it: "Filter '
        '<name> returned 0 hosts"')
    assert replanning.why_refused(NO_CANDIDATES, None) == \
        'Placement found no room for it there'
    assert replanning.why_refused(
        'No valid host was found. Scheduling failed: zone x', None) == \
        'No valid host was found. Scheduling failed: zone x'


def test_anti_affinity_members_on_their_way_count_where_they_go():
    group = model.ServerGroup('g', model.ANTI_AFFINITY,
                              elsewhere=(('compute-2', 1),))
    other = model.ServerGroup('h', model.ANTI_AFFINITY)
    refused = vm('a', server_group=group)
    moving = [refused, vm('b', server_group=group),
              vm('c', server_group=group), vm('d', server_group=other),
              vm('e')]
    heading = {'uuid-a': 'spare-9', 'uuid-b': 'spare-2',
               'uuid-c': None, 'uuid-d': 'spare-3', 'uuid-e': 'spare-3'}
    seen = replanning.with_members_heading(refused, moving, heading)
    # b goes to spare-2; c to the scheduler, d is of another group, e of
    # none, and the refused instance itself is not counted.
    assert seen.server_group.elsewhere == (('compute-2', 1), ('spare-2', 1))
    targets = [claimed('spare-1'), claimed('spare-2'), spare('spare-3')]
    choice = replanning.choose(seen, ['spare-1'], targets, chooser())
    assert choice == replanning.Choice(target='spare-3', claim=True)


def test_only_anti_affinity_counts_members_on_their_way():
    # Nova's affinity filter passes only where a member runs now.
    group = model.ServerGroup('g', model.AFFINITY)
    refused = vm('a', server_group=group)
    moving = [refused, vm('b', server_group=group)]
    assert replanning.with_members_heading(
        refused, moving, {'uuid-b': 'spare-2'}) is refused
    assert replanning.with_members_heading(vm(), [], {}) == vm()
