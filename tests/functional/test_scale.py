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

"""What a recovery costs the APIs, counted through the real engine.

Spare selection reads lists, so its calls do not grow with the number of
spares or hosts; polling reads one list per round, so the calls made for
one instance do not grow with how long its evacuation takes.  Timing is
the benchmark's business (tools/benchmark.py); these count calls only.
"""

import collections
import re
import time

from oslo_config import cfg

from masakari_blazar import conf as mb_conf


def _cloud_spec(instances, spares, others=2):
    big = {'vcpus': 64, 'memory_mb': 131072, 'disk_gb': 1000}
    spare_names = ['spare-%03d' % i for i in range(spares)]
    return {
        'projects': {'admin': None, 'service': None, 'demo': None},
        'flavors': [{'name': 'tiny', 'id': 'tiny', 'vcpus': 1, 'ram': 512,
                     'disk': 1}],
        'hosts': ([dict(big, name='failed')] +
                  [dict(big, name='compute-%03d' % i) for i in range(others)]
                  + [dict(big, name=n, blazar=True) for n in spare_names]),
        'leases': [{'name': 'masakari-spare-' + n, 'project': 'admin',
                    'type': 'host', 'hosts': [n], 'pin': True,
                    'end': '+3650d'} for n in spare_names],
        'servers': [{'name': 'vm-%03d' % i, 'host': 'failed',
                     'flavor': 'tiny', 'project': 'demo'}
                    for i in range(instances)]}


def _calls(runner, instances, spares, others=2, **sim_config):
    return _count(runner, _cloud_spec(instances, spares, others),
                  **sim_config)


def _count(runner, spec, **sim_config):
    """The calls of recovering ``failed``, by service, method and path."""
    cloud = runner.cloud(spec, **sim_config)
    runner.prepare(cloud)
    mark = len(cloud.request_log)
    result = runner.fail(cloud, 'failed')
    assert result.status == 'finished', result.messages
    assert len(result.moved) == len(spec['servers'])
    uuid = re.compile('[0-9a-f]{8}-[0-9a-f-]{27}|(?<=/)[0-9]+$|'
                      '(?<=/)[0-9]+(?=/)')
    return collections.Counter(
        (service, method, uuid.sub('ID', path))
        for service, method, path, _ in cloud.request_log[mark:])


def test_choosing_a_spare_costs_the_same_calls_in_a_larger_pool(runner):
    """Ten times the spares and hosts, not one call more."""
    small = _calls(runner, instances=3, spares=2, others=2)
    large = _calls(runner, instances=3, spares=20, others=20)
    # Only the polling rounds depend on timing.
    rounds = ('nova', 'GET', '/compute/v2.1/servers/detail')
    small.pop(rounds)
    large.pop(rounds)
    assert large == small
    # Every spare's capacity came from one Placement call, and which
    # spares can take the instances from one more for their one flavor.
    placement = {k: n for k, n in large.items() if k[0] == 'placement'}
    assert placement == {
        ('placement', 'GET', '/placement/allocation_candidates'): 2}


def test_each_distinct_flavor_request_costs_one_placement_call(runner):
    """Placement is asked per distinct request, not per instance."""
    def spec(flavors):
        cloud = _cloud_spec(instances=6, spares=3)
        cloud['flavors'] += [dict(cloud['flavors'][0], name=name, id=name,
                                  extra_specs=specs)
                             for name, specs in flavors.items()]
        for number, server in enumerate(cloud['servers']):
            server['flavor'] = (['tiny'] + sorted(flavors))[
                number % (len(flavors) + 1)]
        return cloud

    def candidates(flavors):
        return _count(runner, spec(flavors))[
            ('placement', 'GET', '/placement/allocation_candidates')]

    fast = {'fast': {'trait:HW_CPU_X86_AVX2': 'required'}}
    assert [candidates({}), candidates(fast),
            candidates(dict(fast, big={'resources:MEMORY_MB': '1024'}))] == \
        [2, 3, 4]


def test_a_longer_evacuation_costs_no_more_calls_per_instance(runner):
    """Masakari reads each instance per poll; here rounds serve them all.

    Each instance is read on its own twice, never per poll: Masakari's
    _evacuate_and_confirm reads it before locking and for its destination
    at the end (its read for the lock state, at once after the first, is
    answered by the first: see nova_api).
    """
    quick = _calls(runner, instances=4, spares=1, evacuation_delay=0)
    slow = _calls(runner, instances=4, spares=1, evacuation_delay=1.5)
    per_instance = ('nova', 'GET', '/compute/v2.1/servers/ID')
    assert quick[per_instance] == slow[per_instance] == 2 * 4
    # Lock, evacuate, unlock.
    assert slow[('nova', 'POST', '/compute/v2.1/servers/ID/action')] == 3 * 4
    # No Keystone token per call: one session serves the whole recovery.
    assert slow[('keystone', 'POST', '/identity/v3/auth/tokens')] <= 8


def test_polling_rounds_keep_their_pace(runner):
    """Rounds begin at most every poll_interval, however Masakari polls.

    Masakari's verify_interval is a whole number of seconds; a fractional
    one would become 0 and make every poll a round of its own.
    """
    started = time.monotonic()
    slow = _calls(runner, instances=4, spares=1, evacuation_delay=1.5)
    elapsed = time.monotonic() - started
    rounds = slow[('nova', 'GET', '/compute/v2.1/servers/detail')]
    assert 2 <= rounds <= elapsed / mb_conf.POLL_INTERVAL_MIN + 1
    assert cfg.CONF.verify_interval == 1
