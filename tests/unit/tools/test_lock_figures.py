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

"""The benchmark's lock figures: what "fair" is measured as."""

import importlib.util
import os

import pytest

PATH = os.path.join(os.path.dirname(__file__), '..', '..', '..', 'tools',
                    'benchmark.py')
spec = importlib.util.spec_from_file_location('benchmark', PATH)
benchmark = importlib.util.module_from_spec(spec)
spec.loader.exec_module(benchmark)


def test_an_engine_keeping_the_lock_passes_the_other_by_all_its_claims():
    # Engine 1 asks at 0 and waits while engine 0 takes it three times.
    uses = [(0, 0.0, 0.0, 1.0), (0, 0.5, 1.0, 2.0), (0, 1.5, 2.0, 3.0),
            (1, 0.1, 3.0, 4.0)]

    figures = benchmark.lock_figures(uses, 1.0)

    assert figures['lock_passed'] == 2
    assert figures['lock_wait_s'] == pytest.approx(2.9)
    assert figures['lock_held_s'] == pytest.approx(4.0)


def test_turns_taken_in_order_pass_no_one_twice():
    uses = [(0, 0.0, 0.0, 1.0), (1, 0.1, 1.0, 2.0), (0, 0.5, 2.0, 3.0),
            (1, 1.5, 3.0, 4.0)]

    assert benchmark.lock_figures(uses, 1.0)['lock_passed'] == 1


def test_figures_are_in_real_seconds_at_a_time_scale():
    figures = benchmark.lock_figures([(0, 0.0, 0.2, 0.4)], 0.2)

    assert figures['lock_wait_s'] == pytest.approx(1.0)
    assert figures['lock_held_s'] == pytest.approx(1.0)
    assert figures['lock_passed'] == 0


def test_a_run_without_a_claim_has_no_figures():
    assert set(benchmark.lock_figures([], 1.0).values()) == {None}
