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

"""Taking the failed host's service out: disable, force down, wait, give up."""

import types

import pytest

from masakari_blazar.cloud import compute_service
from masakari_blazar import exceptions


class FakeServices(object):
    """Nova's os-services for one host whose heartbeats stopped at t=0.

    Nova reports it down once ``down_after`` seconds of the fake clock
    have passed, or at once when forced down.
    """

    def __init__(self, clock, down_after, status='enabled'):
        self.clock = clock
        self.down_after = down_after
        self.status = status
        self.forced_down = False
        self.calls = []

    def _view(self):
        down = self.forced_down or self.clock.now >= self.down_after
        return types.SimpleNamespace(
            id='uuid-1', status=self.status, forced_down=self.forced_down,
            state='down' if down else 'up')

    def list(self, host, binary):
        self.calls.append(('list', host, binary))
        return [self._view()] if host == 'compute-1' else []

    def _update(self, url, body, key):
        """python-novaclient's PUT, as Nova 2.53 answers it."""
        assert (url, key) == ('/os-services/uuid-1', 'service')
        self.calls.append(('update', dict(body)))
        self.status = body.get('status', self.status)
        self.forced_down = body.get('forced_down', self.forced_down)
        return self._view()


class FakeClock(object):
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def _fence(down_after, fenced=False, timeout=180, status='enabled'):
    clock = FakeClock()
    services = FakeServices(clock, down_after, status)
    clients = types.SimpleNamespace(
        nova=types.SimpleNamespace(services=services),
        call=lambda service, call, fn, *a, **kw: fn(*a, **kw))
    fence = compute_service.ServiceShutdown(clients, fenced, timeout, 1,
                                            sleep=clock.sleep, clock=clock)
    return fence, services, clock


def test_a_fenced_host_is_forced_down_at_once_without_waiting():
    fence, services, clock = _fence(down_after=60, fenced=True)
    lines = []
    fence.disable_until_down('compute-1', 'host failed', lines.append)
    assert services.calls == [
        ('list', 'compute-1', 'nova-compute'),
        ('update', {'status': 'disabled', 'disabled_reason': 'host failed',
                    'forced_down': True})]
    assert clock.now == 0
    assert any('forced down' in line for line in lines)
    assert lines[-1] == ('Nova reports nova-compute on compute-1 down; '
                         'evacuation can start')


def test_without_fencing_it_waits_until_nova_reports_down():
    fence, services, clock = _fence(down_after=42)
    fence.disable_until_down('compute-1', 'host failed', lambda line: None)
    assert services.calls[1] == ('update', {
        'status': 'disabled', 'disabled_reason': 'host failed'})
    assert [c[0] for c in services.calls].count('update') == 1
    assert clock.now == 42
    assert [c[0] for c in services.calls].count('list') == 43


def test_a_disabled_service_of_a_fenced_host_is_only_forced_down():
    fence, services, clock = _fence(down_after=60, fenced=True,
                                    status='disabled')
    lines = []
    fence.disable_until_down('compute-1', 'host failed', lines.append)
    assert services.calls[1:] == [('update', {'forced_down': True})]
    assert not any(line.startswith('Disabled') for line in lines)


def test_a_service_already_disabled_and_down_needs_one_call():
    fence, services, clock = _fence(down_after=0, status='disabled')
    fence.disable_until_down('compute-1', 'host failed', lambda line: None)
    assert [c[0] for c in services.calls] == ['list']


def test_it_gives_up_after_the_timeout_with_one_line():
    fence, services, clock = _fence(down_after=1000, timeout=30)
    with pytest.raises(compute_service.ServiceStillUp) as raised:
        fence.disable_until_down('compute-1', 'host failed', lambda line: None)
    message = str(raised.value)
    assert '\n' not in message
    assert message.startswith('Nova still reports nova-compute on compute-1 '
                              'up after 30 s')
    assert 'monitor_fences_hosts' in message
    assert clock.now == 30


def test_an_unknown_host_is_a_clear_error():
    fence, services, clock = _fence(down_after=0)
    with pytest.raises(exceptions.RecoveryError) as raised:
        fence.disable_until_down('compute-9', 'host failed', lambda line: None)
    assert 'no nova-compute service on compute-9' in str(raised.value)
