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

"""Evacuation slots: in all, and per spare, first come first served."""

import collections

import eventlet

from masakari_blazar.tasks import evacuation_slots


class Recorder(object):
    """Runs evacuations through the slots and sees how many overlap."""

    def __init__(self, total, per_spare):
        self.slots = evacuation_slots.EvacuationSlots(total, per_spare)
        self.running = collections.Counter()
        self.peak = collections.Counter()
        self.started = []

    def evacuate(self, name, target, seconds=0.01):
        with self.slots.evacuating(target):
            self.started.append(name)
            self.running[target] += 1
            self.running['all'] += 1
            for key in (target, 'all'):
                self.peak[key] = max(self.peak[key], self.running[key])
            eventlet.sleep(seconds)
            self.running[target] -= 1
            self.running['all'] -= 1

    def run(self, moves):
        pool = eventlet.GreenPool(len(moves))
        for name, target in moves:
            pool.spawn_n(self.evacuate, name, target)
        pool.waitall()


def test_no_spare_rebuilds_more_than_its_share_at_once():
    recorder = Recorder(total=50, per_spare=2)

    recorder.run([('i%d' % n, 'spare-%d' % (n % 2)) for n in range(10)])

    assert recorder.peak['spare-0'] == 2
    assert recorder.peak['spare-1'] == 2
    assert recorder.peak['all'] == 4


def test_an_instance_waiting_for_its_spare_holds_no_slot_of_the_total():
    recorder = Recorder(total=2, per_spare=1)

    # Three for spare-1 come first; spare-2's instance must not wait for
    # them, which it would if the two waiting for spare-1 held the total.
    recorder.run([('a1', 'spare-1'), ('a2', 'spare-1'), ('a3', 'spare-1'),
                  ('b1', 'spare-2')])

    assert recorder.started.index('b1') == 1
    assert recorder.peak['all'] == 2


def test_each_spare_takes_its_instances_in_the_order_they_came():
    recorder = Recorder(total=3, per_spare=1)

    recorder.run([('i%d' % n, 'spare-1') for n in range(6)])

    assert recorder.started == ['i%d' % n for n in range(6)]


def test_the_schedulers_evacuations_are_bounded_by_the_total_alone():
    recorder = Recorder(total=3, per_spare=1)

    recorder.run([('i%d' % n, None) for n in range(6)])

    assert recorder.peak['all'] == 3
