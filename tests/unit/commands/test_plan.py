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

"""What a failure would do: Masakari's tries and the words for them."""

import pytest

from masakari_blazar.cloud import masakari_records
from masakari_blazar.commands import plan as plan_command
from masakari_blazar.decisions import failure
from masakari_blazar.decisions import model
from masakari_blazar.decisions import planner
from masakari_blazar import exceptions


@pytest.mark.parametrize('method,expected', [
    ('auto', [None]),
    ('reserved_host', ['r-1', 'r-2']),
    ('auto_priority', [None, 'r-1', 'r-2']),
    ('rh_priority', ['r-1', 'r-2', None]),
])
def test_offers_follow_masakari_s_flows(method, expected):
    assert plan_command.offers(method, ['r-1', 'r-2']) == expected


class FakePlanner(object):
    """Refuses the offers it is told to, accepts the rest."""

    def __init__(self, refuse):
        self.refuse = refuse

    def plan(self, instances, targets, failed_az, offered=None):
        if offered in self.refuse:
            raise exceptions.SpareUnusable('no %s' % offered)
        return planner.Plan(spares=[offered or 'auto'])


VIEW = failure.FailureView()


def test_choose_takes_the_first_accepted_try():
    plan, refused = plan_command.choose(FakePlanner({'r-1'}), VIEW,
                                        ['r-1', 'r-2', None])

    assert plan.spares == ['r-2']
    assert refused == [('r-1', 'no r-1')]


def test_choose_reports_every_refusal_when_nothing_works():
    plan, refused = plan_command.choose(FakePlanner({'r-1', None}), VIEW,
                                        ['r-1', None])

    assert plan is None
    assert refused == [('r-1', 'no r-1'), (None, 'no None')]


def test_no_reserved_host_is_masakari_s_own_error():
    segment = masakari_records.Segment('seg', 'reserved_host')

    assert 'ReservedHostsUnavailable' in plan_command.error_outcome(
        [], segment)


def test_detach_text_depends_on_the_lease_size():
    one = model.Spare('s', '1', 'l', 'masakari-spare-s', 'r', lease_size=1)
    many = model.Spare('s', '1', 'l', 'pool', 'r', lease_size=3)

    assert plan_command.detach_text(one) == (
        'its lease masakari-spare-s would be deleted, and the host removed '
        'from Blazar')
    assert 'holds 3 spares' in plan_command.detach_text(many)


def test_join_text_names_the_placement_change_of_instance_reservations():
    host = plan_command.join_text('s', {'id': 'r-1', 'kind': 'host',
                                        'project_id': 'p', 'count': 2})
    inst = plan_command.join_text('s', {'id': 'r-2', 'kind': 'instance',
                                        'project_id': 'p', 'count': 1})

    assert host == 'join aggregate r-1 of host reservation r-1 for 2 ' \
        'instance(s)'
    assert inst.endswith('with inventory for 1 more CUSTOM_RESERVATION_R_2 '
                         'on resource provider blazar_s')
