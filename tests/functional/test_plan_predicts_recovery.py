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

"""``plan HOST`` says where each instance goes; the recovery sends it there.

The plan is read first, through the command as an operator runs it, then
the host fails and the real Masakari engine recovers it: every instance
that the plan gave a host ends on that host, and every one it left to the
scheduler ends on no planned spare.
"""

import pytest

from tests.functional import cli
from tests.functional import harness
from tests.functional.test_cli_plan import plan
from tests.functional import test_recovery_aggregate_filters as aggregates
from tests.functional import test_recovery_reservation_sources as sources
from tests.functional import test_recovery_resource_request


def _server_group(policy, members):
    def edit(spec):
        spec['server_groups'] = [{'name': 'g', 'policy': policy,
                                  'project': 'demo'}]
        for server in spec['servers']:
            if server['name'] in members:
                server['server_group'] = 'g'
    return edit


def _small_spares_and_a_priority(spec):
    """Each spare holds 2 vCPUs of the 4 compute-1's instances use."""
    for host in spec['hosts']:
        if host['name'].startswith('spare-'):
            host['vcpus'] = 2
    for server in spec['servers']:
        if server['name'] == 'plain-vm-1':
            server['metadata'] = {'HA_Priority': '10'}


AZ_1 = ('compute-1', 'compute-2')
CASES = [
    ('basic', None),
    ('demo', None),
    ('host-reservation', None),
    ('instance-reservation', None),
    ('multi-spare-lease', None),
    ('no-spare', None),
    ('basic-anti-affinity',
     ('basic', _server_group('anti-affinity', ('ha-vm-1', 'ha-vm-2')))),
    ('basic-affinity',
     ('basic', _server_group('affinity', ('ha-vm-1', 'ha-vm-2')))),
    # No spare is in az-1: one outside every zone joins it.
    ('basic-zone', ('basic', harness.pinned_to('az-1', AZ_1))),
    # Without joins, the scheduler keeps them in their zone.
    ('basic-zone-no-join', ('basic', harness.pinned_to('az-1', AZ_1))),
    # The default zone pins nothing: ha-vm-1 goes where the others go.
    ('basic-default-zone', ('basic', harness.pinned_to(
        'az-1', ('compute-1',), default=('ha-vm-1',)))),
    # PCPU and a required trait only spare-2 has.
    ('basic-pcpu-trait',
     ('basic', test_recovery_resource_request.pinned_and_fast)),
    # Only spare-2's aggregate passes ha-vm-1's flavor.
    ('basic-extra-specs', ('basic', aggregates.ssd_flavor_for('ha-vm-1'))),
    # The spare that joins the instance reservation admits only its
    # project.
    ('instance-reservation-tenants',
     ('instance-reservation', aggregates.forced_beside_reservation)),
    # An unreserved instance on the reserved host (no reservation hint)
    # gets a spare of its own, not the one that joins the reservation.
    ('host-reservation-unreserved',
     ('host-reservation', sources.forced_unreserved)),
    # One small spare for the failure: HA_Priority, then HA_Enabled, then
    # size decide who gets it.
    ('basic-priority', ('basic', _small_spares_and_a_priority)),
    # Masakari offers compute-2, flagged reserved but no Blazar spare.
    ('basic-stale-reserved-flag', ('basic', None)),
]
# The plugin options of a case, for the recovery and for ``plan`` alike,
# beside the defaults.
OPTIONS = {
    'basic-zone-no-join': {'join_zones': False},
    'basic-extra-specs': {'scheduler_filters': aggregates.FILTERS},
    'instance-reservation-tenants': {'scheduler_filters': aggregates.FILTERS},
    'basic-priority': {'max_spares_per_failure': 1},
}
# The Masakari segment of a case, beside the default (auto, no flags).
SEGMENTS = {
    'basic-stale-reserved-flag': {'method': 'reserved_host',
                                  'reserved': ('compute-2',)},
}


def _option(value):
    return ','.join(value) if isinstance(value, (list, tuple)) else value


@pytest.mark.parametrize('label,edit', CASES, ids=[c[0] for c in CASES])
def test_the_recovery_lands_every_instance_where_the_plan_said(
        label, edit, runner, masakari, tmp_path):
    name, change = edit or (label, None)
    options = OPTIONS.get(label, {})
    cloud = runner.cloud(harness.scenario(name, change))
    runner.prepare(cloud, **SEGMENTS.get(label, {}), **options)
    conf = cli.write_conf(
        tmp_path, runner, cloud, masakari=masakari,
        plugin=''.join('%s = %s\n' % (key, _option(value))
                       for key, value in options.items()))

    report = plan(conf, 'compute-1')
    result = runner.fail(cloud, 'compute-1')

    planned = {instance: target['host'] for target in report['targets']
               for instance in target['instances']}
    landed = {instance: cloud.server(instance)['host']
              for instance in planned}
    assert landed == planned, result.messages
    spares = set(planned.values())
    for row in report['fallback']:
        assert cloud.server(row['instance'])['host'] not in spares, row
    result.assert_nothing_lost()
