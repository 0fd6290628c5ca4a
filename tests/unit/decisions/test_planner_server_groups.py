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

"""Server groups: the plan keeps to what Nova's group filters pass."""

import dataclasses

from masakari_blazar.decisions import model
from tests.unit.decisions.test_planner import claimed
from tests.unit.decisions.test_planner import healed
from tests.unit.decisions.test_planner import HOST_R
from tests.unit.decisions.test_planner import plan
from tests.unit.decisions.test_planner import spare
from tests.unit.decisions.test_planner import vm


def member(name, group, **kwargs):
    return dataclasses.replace(vm(name, **kwargs), server_group=group)


def test_anti_affinity_members_never_share_a_spare_beyond_the_limit():
    group = model.ServerGroup('g', model.ANTI_AFFINITY, max_per_host=1)
    instances = [member('a', group), member('b', group), vm('c')]
    result = plan(instances, [spare('spare-1'), spare('spare-2')])

    assert result.moves['uuid-a'] != result.moves['uuid-b']
    assert None not in result.moves.values()


def test_max_server_per_host_lets_that_many_members_share():
    group = model.ServerGroup('g', model.ANTI_AFFINITY, max_per_host=2)
    instances = [member(n, group) for n in 'abc']
    result = plan(instances, [spare('spare-1'), spare('spare-2')])

    per_host = {}
    for target in result.moves.values():
        per_host[target] = per_host.get(target, 0) + 1
    assert sorted(per_host.values()) == [1, 2]


def test_a_member_already_on_a_target_counts():
    """A spare this recovery already filled holds one member."""
    group = model.ServerGroup('g', model.ANTI_AFFINITY,
                              elsewhere=(('spare-1', 1),))
    result = plan([member('b', group)],
                  [claimed('spare-1'), spare('spare-2')])

    assert result.moves == {'uuid-b': 'spare-2'}


def test_a_reserved_member_skips_the_healed_host_that_holds_another():
    group = model.ServerGroup('g', model.ANTI_AFFINITY,
                              elsewhere=(('healed-1', 1),))
    instance = member('b', group, reservation=HOST_R)
    result = plan([instance], [healed('healed-1', HOST_R), spare('spare-1')])

    assert result.moves == {'uuid-b': 'spare-1'}


def test_without_room_the_reason_names_the_group():
    group = model.ServerGroup('g', model.ANTI_AFFINITY)
    result = plan([member('a', group), member('b', group)],
                  [spare('spare-1')])

    [left] = result.unplaced.values()
    assert 'fewer than 1 member(s) of anti-affinity server group g' in left


def test_affinity_members_all_on_the_failed_host_get_no_spare():
    """Nova passes only hosts that hold a member now: none outside."""
    group = model.ServerGroup('g', model.AFFINITY)
    result = plan([member('a', group), member('b', group)],
                  [spare('spare-1')])

    assert result.moves == {'uuid-a': None, 'uuid-b': None}
    assert result.spares == []
    assert all('ServerGroupAffinityFilter' in reason
               for reason in result.unplaced.values())


def test_an_affinity_member_joins_a_member_on_a_target():
    group = model.ServerGroup('g', model.AFFINITY,
                              elsewhere=(('spare-2', 1),))
    result = plan([member('a', group)],
                  [spare('spare-1'), claimed('spare-2')])

    assert result.moves == {'uuid-a': 'spare-2'}


def test_soft_policies_constrain_nothing():
    group = model.ServerGroup('g', 'soft-anti-affinity')
    result = plan([member('a', group), member('b', group)],
                  [spare('spare-1')])

    assert result.moves == {'uuid-a': 'spare-1', 'uuid-b': 'spare-1'}
