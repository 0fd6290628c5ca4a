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

from masakari_blazar.cloud import masakari_records
from masakari_blazar.commands import plan as plan_command
from masakari_blazar.decisions import model
from masakari_blazar.decisions import planner
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
                            lambda task: recovery)
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
    segment = masakari_records.Segment('seg', 'reserved_host')

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


VIEW = {'instances': [], 'targets': [], 'failed_az': None}


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
