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

"""The per-notification evacuation guard, with a real tooz file backend."""

import threading
import time

import pytest

from masakari_blazar.cloud import evacuation_guard
from tests.unit.cloud.test_claim_lock import make_conf


def _never_waits(url, seconds):
    raise AssertionError('waited for a guard nobody held')


def _held_elsewhere(conf, notification, release):
    """Hold the guard in another thread until ``release`` is set."""
    held = threading.Event()

    def hold():
        with evacuation_guard.guarding(conf, notification, _never_waits):
            held.set()
            release.wait(30)

    holder = threading.Thread(target=hold, daemon=True)
    holder.start()
    assert held.wait(30)
    return holder


def test_an_engine_waits_for_the_guard_and_then_holds_it(tmp_path):
    conf = make_conf(tmp_path)
    release = threading.Event()
    holder = _held_elsewhere(conf, 'n-1', release)
    waits = []

    def on_wait(url, seconds):
        waits.append((url, seconds))
        threading.Timer(0.5, release.set).start()

    with evacuation_guard.guarding(conf, 'n-1', on_wait) as waited:
        assert waited > 0
    holder.join(30)
    assert waits == [('file://' + str(tmp_path / 'locks'), 600)]


def test_an_engine_gives_up_after_the_timeout_naming_the_guard(tmp_path):
    conf = make_conf(tmp_path)
    conf.set_override('evacuation_guard_timeout', 1, 'masakari_blazar')
    release = threading.Event()
    holder = _held_elsewhere(conf, 'n-1', release)
    started = time.monotonic()
    with pytest.raises(evacuation_guard.GuardBusy) as raised:
        with evacuation_guard.guarding(conf, 'n-1', lambda *a: None):
            raise AssertionError('held a guard held elsewhere')
    assert time.monotonic() - started < 10
    assert str(raised.value) == (
        'Timed out after 1 s waiting for the evacuation guard of '
        'notification n-1 at file://%s; another engine is still evacuating '
        'its instances, and no instance was touched' % (tmp_path / 'locks'))
    release.set()
    holder.join(30)


def test_the_guards_of_two_notifications_are_independent(tmp_path):
    conf = make_conf(tmp_path)
    release = threading.Event()
    holder = _held_elsewhere(conf, 'n-1', release)
    with evacuation_guard.guarding(conf, 'n-2', _never_waits):
        pass
    release.set()
    holder.join(30)
