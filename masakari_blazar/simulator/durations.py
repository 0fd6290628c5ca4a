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

"""How long an evacuation takes: a fixed time, or a seeded distribution.

Real rebuilds do not all take the same time, and the slowest one decides
when a recovery ends, so a benchmark needs a spread.  Each server's time is
drawn from a generator seeded with the seed *and the server's id*: the same
server takes the same time whichever flow evacuates it and in whatever
order, so two flows compared on one scenario face identical evacuations,
and the slowest one is known in advance.

The setting is a number of seconds, or a dict::

    {'distribution': 'lognormal', 'median': 20, 'sigma': 0.4, 'seed': 1}
    {'distribution': 'uniform', 'low': 10, 'high': 40, 'seed': 1}
"""

import math
import random

DISTRIBUTIONS = {
    'lognormal': ('median', 'sigma'),
    'uniform': ('low', 'high'),
}


def check(setting):
    """Refuse a setting that :func:`evacuation_time` could not use."""
    if isinstance(setting, (int, float)):
        if setting < 0:
            raise ValueError('evacuation_delay must not be negative')
        return
    if not isinstance(setting, dict):
        raise ValueError('evacuation_delay must be a number of seconds or a '
                         'distribution dict, not %r' % (setting,))
    kind = setting.get('distribution')
    if kind not in DISTRIBUTIONS:
        raise ValueError('evacuation_delay distribution must be one of %s, '
                         'not %r' % (', '.join(sorted(DISTRIBUTIONS)), kind))
    expected = set(DISTRIBUTIONS[kind]) | {'distribution', 'seed'}
    missing = set(DISTRIBUTIONS[kind]) - set(setting)
    unknown = set(setting) - expected
    if missing or unknown:
        raise ValueError('evacuation_delay %s needs %s (and may have a seed)'
                         '; missing %s, unknown %s' % (
                             kind, ', '.join(DISTRIBUTIONS[kind]),
                             sorted(missing), sorted(unknown)))


def evacuation_time(setting, server_id):
    """Seconds the evacuation of ``server_id`` takes under ``setting``."""
    if isinstance(setting, (int, float)):
        return float(setting)
    rng = random.Random('%s:%s' % (setting.get('seed', 0), server_id))
    if setting['distribution'] == 'lognormal':
        return float(setting['median']) * math.exp(
            rng.gauss(0.0, float(setting['sigma'])))
    return rng.uniform(float(setting['low']), float(setting['high']))
