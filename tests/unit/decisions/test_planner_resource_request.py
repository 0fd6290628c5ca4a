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

"""The planner and the flavor's whole request: PCPU, custom classes,
traits, and the spares Placement has no candidate on."""

from masakari_blazar.decisions import model
from masakari_blazar.decisions import planner
from tests.unit.decisions import test_planner

spare = test_planner.spare
plan = test_planner.plan

PINNED = model.Resources.from_classes(
    {'PCPU': 4, 'MEMORY_MB': 4096, 'DISK_GB': 20})
AVX = frozenset({'HW_CPU_X86_AVX2'})


def pinned(name):
    return model.Instance('uuid-%s' % name, name, PINNED)


def with_pcpus(pcpus, vcpus=16):
    return model.Resources.from_classes(
        {'VCPU': vcpus, 'PCPU': pcpus, 'MEMORY_MB': 65536, 'DISK_GB': 500})


def test_pcpu_counts_as_a_spare_fills():
    # Two 4-PCPU instances on a spare with 6 free PCPU: one there, one
    # spills over, although VCPU and RAM would hold both.
    instances = [pinned('a'), pinned('b')]
    result = plan(instances, [spare('s1', with_pcpus(6)),
                              spare('s2', with_pcpus(8))])
    assert result.moves == {'uuid-a': 's2', 'uuid-b': 's2'}
    result = plan(instances, [spare('s1', with_pcpus(6)),
                              spare('s2', with_pcpus(6))])
    assert sorted(result.moves.values()) == ['s1', 's2']


def test_a_spare_placement_refuses_is_never_planned_for_the_instance():
    instance = model.Instance('uuid-a', 'a', test_planner.res(2, 4, 20),
                              required_traits=AVX)
    plain = model.Instance('uuid-b', 'b', test_planner.res(2, 4, 20))
    result = plan([instance, plain], [
        spare('s1', refuses={instance.request: 'lacks trait '
                             'HW_CPU_X86_AVX2'}),
        spare('s2', test_planner.res(2, 4, 20))])
    # s1 is preferred by name and room, but only the plain one may go.
    assert result.moves == {'uuid-a': 's2', 'uuid-b': 's1'}
    assert result.refusals == {
        'uuid-a': {'s1': 'lacks trait HW_CPU_X86_AVX2'}}


def test_an_instance_every_spare_refuses_is_left_with_the_reasons():
    instance = pinned('a')
    result = plan([instance], [
        spare('s1', refuses={instance.request: 'no PCPU inventory'}),
        spare('s2', refuses={instance.request: 'no PCPU inventory'})],
        fallback=planner.FALLBACK_SCHEDULER)
    assert result.moves == {'uuid-a': None}
    assert result.unplaced['uuid-a'].endswith(
        '; Placement has no candidate for 0 vCPU, 4096 MB RAM, 20 GB disk, '
        '4 PCPU on s1 (no PCPU inventory); s2 (no PCPU inventory)')


def test_an_unhealthy_spare_records_no_refusal():
    instance = pinned('a')
    result = plan([instance], [
        spare('s1', with_pcpus(8)),
        spare('s2', problem='nova-compute is down',
              refuses={instance.request: 'no PCPU inventory'})])
    assert result.moves == {'uuid-a': 's1'}
    assert result.refusals == {}


def test_the_refusals_survive_the_plan_round_trip():
    instance = pinned('a')
    result = plan([instance], [
        spare('s1', with_pcpus(8)),
        spare('s2', refuses={instance.request: 'no PCPU inventory'})])
    assert planner.Plan.from_dict(result.to_dict()) == result


def test_one_spare_that_takes_everyone_beats_a_preferred_one_that_cannot():
    # s1 comes first by name and would hold the plain instances, but s2
    # holds all three: one spare is spent, not two.
    fast = model.Instance('uuid-f', 'f', test_planner.res(1, 2, 20),
                          required_traits=frozenset({'CUSTOM_FAST'}))
    plain = [test_planner.vm('a'), test_planner.vm('b')]
    result = plan([fast] + plain, [
        spare('s1', refuses={fast.request: 'lacks trait CUSTOM_FAST'}),
        spare('s2')])
    assert set(result.moves.values()) == {'s2'}
    assert result.spares == ['s2']
