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

"""Shared polling rounds: which look is served by which round."""

import datetime
import types
import urllib.parse

from masakari import exception
from novaclient import exceptions as nova_exc
import pytest

from masakari_blazar.cloud import server_watch

T0 = datetime.datetime(2026, 1, 1, 12, 0, 0)


class Clock(object):
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def wall(self):
        return T0 + datetime.timedelta(seconds=self.now)

    def sleep(self, seconds):
        self.now += seconds


class FakeNova(object):
    """Answers list calls from ``pages`` and records the queries."""

    def __init__(self, clock):
        self.clock = clock
        self.queries = []
        self.pages = []
        self.servers = types.SimpleNamespace(get=self._get)
        self.client = types.SimpleNamespace(get=self._list)
        self.known = {}

    def _list(self, url):
        self.queries.append(dict(urllib.parse.parse_qsl(
            urllib.parse.urlsplit(url).query)))
        self.clock.now += 0.01
        return None, self.pages.pop(0)

    def _get(self, uuid):
        if uuid not in self.known:
            raise nova_exc.NotFound(404)
        return types.SimpleNamespace(id=uuid, status='ACTIVE',
                                     **self.known[uuid])


def _server(uuid, host='compute-1', status='ACTIVE', vm_state='active'):
    return {'id': uuid, 'status': status, 'OS-EXT-STS:vm_state': vm_state,
            'OS-EXT-SRV-ATTR:hypervisor_hostname': host}


def _host(server):
    return getattr(server, 'OS-EXT-SRV-ATTR:hypervisor_hostname')


def _rebuilding(uuid, host='compute-1'):
    return dict(_server(uuid, host), **{'OS-EXT-STS:task_state': 'rebuilding'})


def _watch(pace):
    """A watch for Masakari's verify_interval of 1 s, seeded at t=0."""
    clock = Clock()
    nova = FakeNova(clock)
    watch = server_watch.ServerWatch(
        nova, lambda service, call, fn, *a: fn(*a), interval=1.0, pace=pace,
        clock=clock, wall=clock.wall, sleep=clock.sleep)
    nova.pages.append({'servers': [_server('a'), _server('b')]})
    watch.seed('compute-1')
    watch.nova, watch.clock = nova, clock
    return watch


@pytest.fixture
def watch():
    return _watch(pace=0.5)


def test_the_first_look_is_served_by_the_failed_host_list(watch):
    assert watch.nova.queries == [{'all_tenants': '1', 'host': 'compute-1'}]
    assert _host(watch.server('a')) == 'compute-1'
    assert _host(watch.server('b')) == 'compute-1'
    assert len(watch.nova.queries) == 1


def test_a_look_after_a_change_waits_for_a_round_begun_later(watch):
    watch.server('a')
    watch.changed('a')
    watch.nova.pages.append({'servers': [_server('a', host='spare-1')]})
    assert _host(watch.server('a')) == 'spare-1'
    # The round could begin only half an interval after the first one.
    assert watch.clock.now == pytest.approx(0.51)
    # changes-since reaches CLOCK_MARGIN before the previous round began.
    assert watch.nova.queries[-1] == {
        'all_tenants': '1', 'changes-since': '2026-01-01T11:59:50Z'}


def test_a_look_at_a_rebuilding_instance_waits_for_it_to_settle():
    watch = _watch(pace=0.1)
    watch.server('a')
    watch.changed('a')
    watch.nova.pages.extend([{'servers': [_rebuilding('a')]},
                             {'servers': []},
                             {'servers': [_server('a', host='spare-1')]}])

    assert _host(watch.server('a')) == 'spare-1'
    # Three rounds, a pace apart, answered the one look.
    assert len(watch.nova.queries) == 4
    assert watch.clock.now == pytest.approx(0.31)


def test_a_look_at_a_rebuilding_instance_waits_half_an_interval_at_most():
    watch = _watch(pace=0.1)
    watch.server('a')
    watch.changed('a')
    watch.nova.pages.extend({'servers': [_rebuilding('a')] if n == 0 else []}
                            for n in range(10))

    looked_at = watch.clock.now
    assert getattr(watch.server('a'), 'OS-EXT-STS:task_state') == (
        'rebuilding')
    # Masakari's next poll comes a verify_interval after this one began.
    assert watch.clock.now - looked_at <= 0.5 + 0.01
    assert len(watch.nova.queries) == 6


def test_a_settled_instance_is_answered_by_one_round():
    watch = _watch(pace=0.1)
    watch.server('a')
    watch.changed('a')
    watch.nova.pages.append({'servers': [_server('a', vm_state='stopped')]})

    assert getattr(watch.server('a'), 'OS-EXT-STS:vm_state') == 'stopped'
    assert len(watch.nova.queries) == 2


def test_looks_at_several_instances_share_one_round(watch):
    watch.server('a')
    watch.server('b')
    watch.clock.sleep(1)
    watch.nova.pages.append({'servers': [_server('b', vm_state='error')]})
    assert _host(watch.server('a')) == 'compute-1'
    assert getattr(watch.server('b'), 'OS-EXT-STS:vm_state') == 'error'
    assert len(watch.nova.queries) == 2


def test_every_poll_sees_a_newer_round_than_the_one_before(watch):
    watch.server('a')
    for _ in range(3):
        watch.clock.sleep(1)
        watch.nova.pages.append({'servers': []})
        watch.server('a')
    assert len(watch.nova.queries) == 4


def test_servers_of_other_hosts_in_a_round_are_not_kept(watch):
    watch.server('a')
    watch.clock.sleep(1)
    watch.nova.pages.append({'servers': [_server('a'), _server('z')]})
    watch.server('a')
    watch.nova.known['z'] = {'OS-EXT-SRV-ATTR:hypervisor_hostname': 'h'}
    # 'z' was never asked for; a look at it is a GET of its own.
    assert _host(watch.server('z')) == 'h'


def test_a_deleted_instance_is_not_found_as_get_server_says(watch):
    watch.server('a')
    watch.clock.sleep(1)
    watch.nova.pages.append({'servers': [_server('a', status='DELETED')]})
    with pytest.raises(exception.NotFound):
        watch.server('a')
    with pytest.raises(exception.NotFound):
        watch.server('unknown')


def test_every_page_of_a_round_is_read(watch):
    watch.server('a')
    watch.clock.sleep(1)
    watch.nova.pages.extend([
        {'servers': [_server('a', host='spare-1')], 'servers_links': [
            {'rel': 'next', 'href': 'http://elsewhere/compute/v2.1/servers/'
             'detail?all_tenants=1&marker=a'}]},
        {'servers': [_server('b', host='spare-2')]}])
    assert _host(watch.server('a')) == 'spare-1'
    assert _host(watch.server('b')) == 'spare-2'
    assert watch.nova.queries[-1] == {'all_tenants': '1', 'marker': 'a'}
