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

"""Masakari's repeated read of an instance, answered once from the first."""

from masakari_blazar.cloud import nova_api


class Servers(object):
    """A server manager that counts Nova's reads and answers new objects."""

    def __init__(self):
        self.reads = 0

    def get(self, uuid):
        self.reads += 1
        return {'id': uuid, 'read': self.reads}

    def lock(self, uuid):
        pass


class Nova(object):
    def __init__(self):
        self.servers = Servers()


class Clock(object):
    now = 100.0

    def __call__(self):
        return self.now


def api():
    nova, clock = Nova(), Clock()
    return nova_api.NovaAPI(nova, lambda uuid: None, clock=clock), nova, clock


def test_a_read_repeated_at_once_is_answered_by_the_first():
    nova_api_, nova, _ = api()

    first = nova_api_.get_server(None, 'vm-1')
    again = nova_api_.get_server(None, 'vm-1')

    assert again is first
    assert nova.servers.reads == 1


def test_the_first_answer_serves_one_repeat_only():
    nova_api_, nova, _ = api()

    reads = [nova_api_.get_server(None, 'vm-1')['read'] for _ in range(3)]

    assert reads == [1, 1, 2]


def test_a_change_in_between_makes_the_next_read_ask_nova():
    nova_api_, nova, _ = api()

    nova_api_.get_server(None, 'vm-1')
    nova_api_.lock_server(None, 'vm-1')

    assert nova_api_.get_server(None, 'vm-1')['read'] == 2


def test_a_read_after_the_window_asks_nova():
    nova_api_, nova, clock = api()

    nova_api_.get_server(None, 'vm-1')
    clock.now += nova_api.REPEAT_WINDOW

    assert nova_api_.get_server(None, 'vm-1')['read'] == 2


def test_each_instance_has_its_own_reads():
    nova_api_, nova, _ = api()

    nova_api_.get_server(None, 'vm-1')

    assert nova_api_.get_server(None, 'vm-2')['id'] == 'vm-2'
    assert nova.servers.reads == 2
