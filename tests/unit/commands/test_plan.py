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

import types

from masakari import context as masakari_context
from masakari.engine.drivers.taskflow import base as flow_base
from masakari.engine.drivers.taskflow import driver
from masakari.engine.drivers.taskflow import host_failure
from masakari import exception as masakari_exception
import pytest

from masakari_blazar.commands import plan as plan_command
from masakari_blazar.decisions import failure
from masakari_blazar.decisions import model
from masakari_blazar.decisions import planner
from masakari_blazar.decisions import segments
from masakari_blazar import exceptions
from masakari_blazar.tasks import base as task_base

METHODS = ['auto', 'reserved_host', 'auto_priority', 'rh_priority']


class RecordedRecovery(object):
    """The claim task's recovery: notes each offered host, accepts some."""

    def __init__(self, accept):
        self.accept = accept
        self.offered = []

    def claim(self, host_name, notification_uuid, pending, offered=None,
              segment_hosts=()):
        self.offered.append(offered)
        if offered in self.accept:
            return planner.Plan(), []
        raise exceptions.SpareUnusable('no %s' % offered)

    def claimed_by(self, notification_uuid):
        return set()

    def release(self, notification_uuid):
        return []


@pytest.fixture
def masakari_tries(monkeypatch):
    """Run Masakari's TaskFlow driver with the plugin's claim task alone.

    The driver builds its own flows: the auto flow, the reserved-host flow
    whose ParameterizedForEach retry offers each host of
    ``reserved_host_list`` in turn, and the *_priority fallbacks between
    them.  Only what reaches outside is replaced: the configuration read
    by the driver (no persistence: TaskFlow in memory), Masakari's
    database, and the claim itself, which notes what it is offered.
    """
    flows = {'pre': [], 'main': ['blazar_claim_spare_task'], 'post': []}
    monkeypatch.setattr(flow_base, 'PERSISTENCE_BACKEND', None)
    monkeypatch.setattr(driver, 'CONF', types.SimpleNamespace(
        taskflow=types.SimpleNamespace(connection='memory://'),
        taskflow_driver_recovery_flows=None))
    monkeypatch.setattr(host_failure, 'TASKFLOW_CONF', types.SimpleNamespace(
        host_auto_failure_recovery_tasks=flows,
        host_rh_failure_recovery_tasks=flows))
    monkeypatch.setattr(task_base, 'latest_vmoves', lambda ctx, uuid: {})
    monkeypatch.setattr(task_base, 'segment_hosts', lambda ctx, host: [])

    def run(method, reserved, accept=()):
        recovery = RecordedRecovery(accept)
        monkeypatch.setattr(task_base.SpareTask, 'recovery',
                            lambda task, notification_uuid: recovery)
        try:
            driver.TaskFlowDriver().execute_host_failure(
                masakari_context.get_admin_context(), 'failed-1', method,
                'notification-1', update_host_method=None,
                reserved_host_list=list(reserved))
            outcome = 'finished'
        except masakari_exception.MasakariException as exc:
            outcome = type(exc).__name__
        return recovery.offered, outcome

    return run


@pytest.mark.parametrize('reserved', [[], ['r-1'], ['r-1', 'r-2']])
@pytest.mark.parametrize('method', METHODS)
def test_offers_are_the_tries_of_masakari_s_flows(masakari_tries, method,
                                                  reserved):
    offered, outcome = masakari_tries(method, reserved)

    assert offered == plan_command.offers(method, reserved)
    assert outcome != 'finished'


def test_a_reserved_host_segment_without_one_is_masakari_s_error(
        masakari_tries):
    offered, outcome = masakari_tries('reserved_host', [])
    segment = segments.Segment('seg', 'reserved_host')

    assert offered == []
    assert outcome in plan_command.error_outcome([], segment)


@pytest.mark.parametrize('method', METHODS)
def test_the_first_accepted_try_ends_masakari_s_flows(masakari_tries,
                                                      method):
    reserved = ['r-1', 'r-2', 'r-3']
    tries = plan_command.offers(method, reserved)
    plan, refused = plan_command.choose(
        FakePlanner(set(tries) - {'r-2'}), VIEW, tries)

    offered, outcome = masakari_tries(method, reserved, accept={'r-2'})

    expected = [host for host, _ in refused]
    if plan:
        expected.append(plan.spares[0])
    assert offered == expected
    assert outcome == ('finished' if plan else 'HostRecoveryFailureException')


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
    segment = segments.Segment('seg', 'reserved_host')

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


SEGMENT = segments.Segment('seg', 'auto', members=(
    segments.Member('c-1', on_maintenance=True),))


@pytest.mark.parametrize('segment,known,expected', [
    (None, True, 'c-1 is in no Masakari segment'),
    (None, False, None),
    (SEGMENT, True, 'Masakari has c-1 on maintenance'),
    (segments.Segment('seg', 'auto'), True, None),
])
def test_notes_say_what_masakari_does_before_any_task(segment, known,
                                                      expected):
    found = plan_command.notes('c-1', segment, known)

    if expected is None:
        assert found == []
    else:
        assert len(found) == 1 and found[0].startswith(expected)


def vm(name, reservation=None):
    return model.Instance('uuid-' + name, name, model.Resources(1, 512, 1),
                          reservation)


def test_each_target_says_what_it_is_and_what_it_costs():
    spare = model.Spare('s-1', '1', 'l', 'masakari-spare-s-1', 'r')
    plan = planner.Plan(
        moves={'uuid-b': 's-1', 'uuid-a': 's-1', 'uuid-c': 'h-1',
               'uuid-d': None},
        reasons={'s-1': 'best'},
        joins={'s-1': [{'id': 'r-1', 'kind': 'host', 'project_id': 'p',
                        'count': 2}]})
    names = {'uuid-a': 'a', 'uuid-b': 'b', 'uuid-c': 'c', 'uuid-d': 'd'}

    rows = plan_command.target_rows(plan, [spare], names)

    assert [(r['host'], r['kind'], r['lease'], r['instances'])
            for r in rows] == [
        ('h-1', 'already in the reservation', None, ['c']),
        ('s-1', 'spare', 'masakari-spare-s-1', ['a', 'b'])]
    assert rows[0]['detach'] is None and rows[0]['changes'] == []
    assert rows[1]['why'] == 'best'
    assert rows[1]['changes'] == [
        'join aggregate r-1 of host reservation r-1 for 2 instance(s)']


def test_the_outcome_counts_what_moves_and_what_is_left():
    plan = planner.Plan(moves={'a': 's-1', 'b': 's-2', 'c': None},
                        unplaced={'c': 'too big'})

    assert plan_command.outcome(plan, 2) == (
        '2 of 3 instance(s) would move to 2 host(s); 1 left to '
        'no_spare_action')
    assert plan_command.fallback_rows(plan, {'c': 'vm-c'}, 'scheduler') == [
        {'instance': 'vm-c', 'id': 'c', 'reason': 'too big',
         'then': plan_command.fallback_text('scheduler')}]


def test_describe_without_a_plan_lists_the_instances_and_the_error():
    view = failure.FailureView(instances=[vm('b'), vm('a')])
    refused = [('r-1', 'Reserved host r-1 offered by Masakari is not usable')]
    segment = segments.Segment('seg', 'reserved_host')

    report = plan_command.describe('c-1', view, None, refused, segment,
                                   'fail')

    assert [(i['name'], i['target']) for i in report['instances']] == [
        ('a', None), ('b', None)]
    assert report['targets'] == [] and report['fallback'] == []
    assert report['refused_offers'] == [
        {'offered': 'r-1', 'reason': refused[0][1]}]
    assert report['outcome'] == plan_command.error_outcome(refused, segment)


def test_describe_of_a_host_with_nothing_to_move():
    report = plan_command.describe('c-1', failure.FailureView(), None, [],
                                   None, 'scheduler')

    assert report['outcome'].startswith('Nothing would move: c-1 has no '
                                        'instance')
    assert report['notes'] == plan_command.notes('c-1', None)


def test_instances_are_listed_in_the_order_they_get_spares():
    small = model.Instance('uuid-z', 'z-small', model.Resources(1, 512, 1),
                           priority=3)
    big = model.Instance('uuid-b', 'b-big', model.Resources(8, 16384, 10),
                         ha_enabled=True)
    rows = plan_command.instance_rows([big, small], None)
    assert [(r['name'], r['priority']) for r in rows] == [
        ('z-small', 3), ('b-big', 0)]
