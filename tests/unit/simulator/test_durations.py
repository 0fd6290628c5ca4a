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

"""The simulator's evacuation times: fixed, or drawn per server."""

import statistics

import pytest

from masakari_blazar.simulator import config
from masakari_blazar.simulator import durations
from masakari_blazar.simulator import SimulatedCloud

LOGNORMAL = {'distribution': 'lognormal', 'median': 20, 'sigma': 0.4,
             'seed': 3}


def test_the_default_is_a_fixed_time():
    assert config.DEFAULTS['evacuation_delay'] == 0.2
    assert durations.evacuation_time(0.2, 'any') == 0.2


def test_a_draw_depends_on_seed_and_server_only():
    first = durations.evacuation_time(LOGNORMAL, 'server-a')
    assert durations.evacuation_time(dict(LOGNORMAL), 'server-a') == first
    assert durations.evacuation_time(LOGNORMAL, 'server-b') != first
    assert durations.evacuation_time(dict(LOGNORMAL, seed=4),
                                     'server-a') != first


def test_lognormal_draws_centre_on_the_median():
    draws = [durations.evacuation_time(LOGNORMAL, 'server-%d' % i)
             for i in range(2000)]
    assert 18 < statistics.median(draws) < 22
    assert min(draws) > 0


def test_uniform_draws_stay_in_their_range():
    setting = {'distribution': 'uniform', 'low': 5, 'high': 8}
    draws = [durations.evacuation_time(setting, str(i)) for i in range(500)]
    assert 5 <= min(draws) and max(draws) <= 8


@pytest.mark.parametrize('setting', [
    -1, 'slow', {'distribution': 'normal', 'mean': 3},
    {'distribution': 'uniform', 'low': 1},
    {'distribution': 'lognormal', 'median': 1, 'sigma': 1, 'mode': 2}])
def test_bad_settings_are_refused_when_the_cloud_starts(setting):
    with pytest.raises(ValueError):
        SimulatedCloud('basic', evacuation_delay=setting)


def test_every_duration_setting_has_a_default_the_check_accepts():
    for name in durations.SETTINGS:
        durations.check(config.DEFAULTS[name], name)
    assert config.DEFAULTS['boot_delay'] == 1.0
    assert config.DEFAULTS['power_action_delay'] == 0.1


@pytest.mark.parametrize('name', sorted(durations.SETTINGS))
@pytest.mark.parametrize('setting', [
    -1, 'slow', True, {'distribution': 'normal', 'mean': 3},
    {'distribution': 'uniform', 'low': 1}])
def test_a_bad_setting_is_refused_under_its_own_name(name, setting):
    with pytest.raises(ValueError) as raised:
        SimulatedCloud('basic', **{name: setting})
    assert str(raised.value).startswith(name + ' ')


def test_boots_draw_per_host_name_as_evacuations_do_per_server():
    # One draw for every setting: the same seed and key give the same
    # time whichever setting asks.
    assert durations.draw(LOGNORMAL, 'compute-1') == \
        durations.evacuation_time(LOGNORMAL, 'compute-1')
    cloud = SimulatedCloud('basic', boot_delay=LOGNORMAL)
    assert cloud.boot_time('compute-1') == durations.draw(LOGNORMAL,
                                                          'compute-1')
    assert cloud.boot_time('compute-1') != cloud.boot_time('compute-2')
    assert SimulatedCloud('basic', boot_delay=0.3).boot_time(
        'compute-2') == 0.3
