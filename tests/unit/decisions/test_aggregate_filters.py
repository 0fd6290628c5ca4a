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

"""Nova's aggregate filters on the aggregates a target has at evacuation."""

import dataclasses

import pytest

from masakari_blazar.decisions import aggregate_filters as af
from masakari_blazar.decisions import model
from masakari_blazar.decisions import reservations
from tests.unit.decisions.test_planner import healed
from tests.unit.decisions.test_planner import spare
from tests.unit.decisions.test_planner import vm
from tests.unit.simulator import test_extra_specs_match

BOTH = (af.EXTRA_SPECS_FILTER, af.TENANT_FILTER)
NAMES = reservations.BlazarNames('freepool', 'blazar_')
INST_R = model.Reservation(
    'ir-1', model.INSTANCE_RESERVATION, 'project-a',
    (('blazar:owner', 'project-a'), ('filter_tenant_id', 'project-a'),
     ('reservation', 'ir-1')))


def inst(name, extra_specs=None, project='project-a', reservation=None):
    return dataclasses.replace(
        vm(name, reservation=reservation), project_id=project,
        extra_specs=tuple(sorted((extra_specs or {}).items())))


def why(metadata, instance, filters=BOTH):
    return af.refusal(filters, af.values_by_key(metadata), instance)


# The simulated Nova's table: both read Nova's operators alike.
@pytest.mark.parametrize('value,requirement,expected',
                         test_extra_specs_match.CASES)
def test_match_reads_nova_s_operators(value, requirement, expected):
    assert af.match(value, requirement) is expected


def test_values_are_split_at_commas_across_aggregates():
    values = af.values_by_key([('disk', 'ssd, nvme'), ('disk', 'hdd'),
                               ('speed', '1000')])
    assert values == {'disk': {'ssd', 'nvme', 'hdd'}, 'speed': {'1000'}}


def test_scoped_and_unscoped_extra_specs_need_a_matching_value():
    instance = inst('a', {'aggregate_instance_extra_specs:disk': 'ssd',
                          'speed': '>= 500',
                          'hw:cpu_policy': 'dedicated',
                          'resources:PCPU': '2'})
    assert why([('disk', 'hdd, ssd'), ('speed', '1000')], instance) is None
    assert why([('disk', 'hdd'), ('speed', '1000')], instance) == (
        "Nova's AggregateInstanceExtraSpecsFilter refuses it: its "
        "aggregates' disk (hdd) do not match "
        "aggregate_instance_extra_specs:disk=ssd")
    assert why([('disk', 'ssd')], instance) == (
        "Nova's AggregateInstanceExtraSpecsFilter refuses it: no aggregate "
        "of the host has speed (speed=>= 500)")


def test_tenant_keys_admit_only_their_projects():
    metadata = [('filter_tenant_id', 'project-b'),
                ('filter_tenant_id_2', 'project-c, project-a')]
    assert why(metadata, inst('a')) is None
    assert why(metadata, inst('d', project='project-d')) == (
        "Nova's AggregateMultiTenancyIsolation refuses it: its aggregates "
        "admit only project(s) project-a, project-b, project-c")
    assert why([('other', 'x')], inst('d', project='project-d')) is None


def test_only_enabled_filters_refuse():
    instance = inst('a', {'ssd': 'true'}, project='project-d')
    metadata = [('filter_tenant_id', 'project-b')]
    assert why(metadata, instance, filters=['BlazarFilter']) is None
    assert 'AggregateMultiTenancyIsolation' in why(
        metadata, instance, filters=[af.TENANT_FILTER])
    assert 'AggregateInstanceExtraSpecsFilter' in why(metadata, instance)


def test_a_spare_keeps_only_the_aggregates_outside_blazar():
    aggregates = [
        {'name': 'res-spare-1', 'availability_zone': 'blazar_res-spare-1',
         'hosts': ['spare-1'], 'metadata': {'blazar:owner': 'admin',
                                            'filter_tenant_id': 'admin'}},
        {'name': 'freepool', 'hosts': ['spare-1'],
         'metadata': {'filter_tenant_id': 'admin'}},
        {'name': 'fast', 'hosts': ['spare-1', 'compute-1'],
         'metadata': {'ssd': 'true'}},
        {'name': 'masakari-blazar-claims', 'hosts': ['spare-1'],
         'metadata': {'claim:spare-2': '{}'}},
        {'name': 'slow', 'hosts': ['compute-2'], 'metadata': {'ssd': 'no'}},
    ]
    assert af.staying_metadata('spare-1', aggregates, NAMES, True) == (
        ('claim:spare-2', '{}'), ('ssd', 'true'))
    # A host that stays where it is keeps all of them.
    assert af.staying_metadata('spare-1', aggregates, NAMES, False) == (
        ('blazar:owner', 'admin'), ('claim:spare-2', '{}'),
        ('filter_tenant_id', 'admin'), ('filter_tenant_id', 'admin'),
        ('ssd', 'true'))


def test_the_reservation_a_spare_joins_counts_for_its_filters():
    instance = inst('a', {'aggregate_instance_extra_specs:reservation':
                          'ir-1'}, reservation=INST_R)
    assert af.admissible(BOTH, spare('spare-1'), [], [instance]) == [
        instance]
    # A host already inside another reservation joins nothing.
    other = healed('healed-1', INST_R)
    assert af.admissible(BOTH, other, [], [instance]) == []


def test_an_instance_reservation_s_tenant_key_shuts_out_other_projects():
    """Blazar's instance-reservation aggregate has filter_tenant_id."""
    reserved = inst('a', reservation=INST_R)
    stranger = inst('b', project='project-b')
    target = spare('spare-1')

    assert af.admissible(BOTH, target, [], [stranger, reserved]) == [
        stranger]
    assert af.admissible(BOTH, target, [], [reserved, stranger]) == [
        reserved]
    assert af.admissible(BOTH, target, [reserved], [stranger]) == []
    # The same project passes beside it; without the filter, anyone.
    own = inst('c')
    assert af.admissible(BOTH, target, [reserved], [own]) == [own]
    assert af.admissible([af.EXTRA_SPECS_FILTER], target, [reserved],
                         [stranger]) == [stranger]
