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

"""How long things take: a fixed time, or a seeded distribution.

Real rebuilds and boots do not all take the same time, and the slowest
one decides when a recovery ends, so a benchmark needs a spread.  Each
time is drawn from a generator seeded with the seed *and the key of what
it times* (a server's id for an evacuation, a host's name for a boot or
a power action): the same server takes the same time whichever flow
evacuates it and in whatever order, so two flows compared on one scenario
face identical times, and the slowest one is known in advance.

Every setting of :data:`SETTINGS` is a number of seconds, or a dict::

    {'distribution': 'lognormal', 'median': 20, 'sigma': 0.4, 'seed': 1}
    {'distribution': 'uniform', 'low': 10, 'high': 40, 'seed': 1}
"""

import math
import random

DISTRIBUTIONS = {
    'lognormal': ('median', 'sigma'),
    'uniform': ('low', 'high'),
}

#: The simulator settings that are durations: what each one times.
SETTINGS = {
    'evacuation_delay': 'an evacuation, per server id',
    'boot_delay': 'a host booting until nova-compute is up, per host name',
    'power_action_delay': 'an Ironic power action, per host name',
}


def check(setting, name='evacuation_delay'):
    """Refuse a setting that :func:`draw` could not use.

    ``name`` is the setting's, so that the error says which one is wrong.
    """
    if isinstance(setting, bool) or not isinstance(
            setting, (int, float, dict)):
        raise ValueError('%s must be a number of seconds or a '
                         'distribution dict, not %r' % (name, setting))
    if not isinstance(setting, dict):
        if setting < 0:
            raise ValueError('%s must not be negative' % name)
        return
    kind = setting.get('distribution')
    if kind not in DISTRIBUTIONS:
        raise ValueError('%s distribution must be one of %s, not %r' % (
            name, ', '.join(sorted(DISTRIBUTIONS)), kind))
    expected = set(DISTRIBUTIONS[kind]) | {'distribution', 'seed'}
    missing = set(DISTRIBUTIONS[kind]) - set(setting)
    unknown = set(setting) - expected
    if missing or unknown:
        raise ValueError('%s %s needs %s (and may have a seed); missing %s, '
                         'unknown %s' % (name, kind,
                                         ', '.join(DISTRIBUTIONS[kind]),
                                         sorted(missing), sorted(unknown)))


def check_all(config):
    """Check every duration setting of a merged simulator configuration."""
    for name in SETTINGS:
        check(config[name], name)


def draw(setting, key):
    """Seconds ``setting`` gives the thing keyed ``key``."""
    if not isinstance(setting, dict):
        return float(setting)
    rng = random.Random('%s:%s' % (setting.get('seed', 0), key))
    if setting['distribution'] == 'lognormal':
        return float(setting['median']) * math.exp(
            rng.gauss(0.0, float(setting['sigma'])))
    return rng.uniform(float(setting['low']), float(setting['high']))


def evacuation_time(setting, server_id):
    """Seconds the evacuation of ``server_id`` takes under ``setting``."""
    return draw(setting, server_id)
