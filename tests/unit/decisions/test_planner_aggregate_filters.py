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

"""The aggregate filters: no spare is planned that they would refuse."""

from masakari_blazar.decisions import aggregate_filters as af
from masakari_blazar.decisions import planner
from tests.unit.decisions.test_aggregate_filters import inst
from tests.unit.decisions.test_aggregate_filters import INST_R
from tests.unit.decisions.test_planner import ALL
from tests.unit.decisions.test_planner import res
from tests.unit.decisions.test_planner import spare

BOTH = (af.EXTRA_SPECS_FILTER, af.TENANT_FILTER)
SSD = {'aggregate_instance_extra_specs:ssd': 'true'}


def plan(instances, targets, filters=BOTH, max_spares=3):
    return planner.Planner(ALL, max_spares, 'scheduler', filters).plan(
        instances, targets)


def test_an_extra_spec_goes_only_to_a_spare_whose_aggregates_match():
    instances = [inst('a', SSD), inst('b')]
    targets = [spare('spare-1'),
               spare('spare-2', aggregate_metadata=(('ssd', 'true'),))]

    result = plan(instances, targets)
    assert result.moves['uuid-a'] == 'spare-2'
    assert result.moves['uuid-b'] is not None
    # A cloud that does not run the filter: the first spare holds both.
    result = plan(instances, targets, filters=['BlazarFilter'])
    assert result.moves == {'uuid-a': 'spare-1', 'uuid-b': 'spare-1'}


def test_the_reason_names_the_filter_that_refuses_every_spare():
    result = plan([inst('a', SSD)], [
        spare('spare-1'), spare('spare-2', aggregate_metadata=(
            ('ssd', 'false'),))])

    assert result.moves == {'uuid-a': None}
    assert result.unplaced['uuid-a'] == (
        "Nova's AggregateInstanceExtraSpecsFilter refuses it: its "
        "aggregates' ssd (false) do not match "
        "aggregate_instance_extra_specs:ssd=true (spare-2); "
        "Nova's AggregateInstanceExtraSpecsFilter refuses it: no aggregate "
        "of the host has ssd (aggregate_instance_extra_specs:ssd=true) "
        "(spare-1)")


def test_a_refusal_on_some_spares_is_told_beside_the_room_missing():
    result = plan([inst('big', SSD)], [
        spare('spare-1', res(1, 1), aggregate_metadata=(('ssd', 'true'),)),
        spare('spare-2', aggregate_metadata=(('ssd', 'false'),))])

    assert result.moves == {'uuid-big': None}
    reason = result.unplaced['uuid-big']
    assert reason.startswith('no healthy spare has ')
    assert reason.endswith('(spare-2)')
    assert 'AggregateInstanceExtraSpecsFilter' in reason


def test_another_project_never_shares_a_spare_with_an_instance_reservation():
    """The spare joins the reservation's filter_tenant_id aggregate."""
    instances = [inst('reserved', reservation=INST_R),
                 inst('stranger', project='project-b'),
                 inst('own')]

    result = plan(instances, [spare('spare-1'), spare('spare-2')])
    assert result.moves['uuid-reserved'] == result.moves['uuid-own']
    assert result.moves['uuid-stranger'] not in (
        None, result.moves['uuid-reserved'])
    assert sorted(result.spares) == ['spare-1', 'spare-2']

    # Without the tenant filter one spare holds them all.
    result = plan(instances, [spare('spare-1'), spare('spare-2')],
                  filters=[af.EXTRA_SPECS_FILTER])
    assert set(result.moves.values()) == {'spare-1'}


def test_a_tenant_isolated_spare_takes_only_its_projects():
    isolated = (('filter_tenant_id', 'project-b'),)
    result = plan([inst('a'), inst('b', project='project-b')],
                  [spare('spare-1', aggregate_metadata=isolated)],
                  max_spares=1)

    assert result.moves == {'uuid-a': None, 'uuid-b': 'spare-1'}
    assert result.unplaced['uuid-a'] == (
        "Nova's AggregateMultiTenancyIsolation refuses it: its aggregates "
        "admit only project(s) project-b (spare-1)")
