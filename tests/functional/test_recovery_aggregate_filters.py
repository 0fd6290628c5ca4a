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

"""Recoveries against the simulated Nova's AggregateInstanceExtraSpecsFilter
and AggregateMultiTenancyIsolation, with ``scheduler_filters`` naming them.
"""

from masakari_blazar import conf as mb_conf
from masakari_blazar.simulator import scenario as scenario_mod
from tests.functional import harness

#: A cloud that runs both aggregate filters besides Nova's defaults.
FILTERS = list(mb_conf.SCHEDULER_FILTERS) + [
    'AggregateInstanceExtraSpecsFilter', 'AggregateMultiTenancyIsolation']


def ssd_flavor_for(*names):
    """``names`` boot with a flavor that wants ``ssd=true``; spare-2 has it.

    spare-1 comes first by every other criterion, so only the filter sends
    them elsewhere.
    """
    def edit(spec):
        spec['flavors'].append({
            'name': 'ssd.small', 'id': 'ssd', 'vcpus': 1, 'ram': 2048,
            'disk': 20, 'extra_specs': {
                'aggregate_instance_extra_specs:ssd': 'true'}})
        spec.setdefault('aggregates', []).append(
            {'name': 'ssd-hosts', 'metadata': {'ssd': 'true'},
             'hosts': ['spare-2']})
        for server in spec['servers']:
            if server['name'] in names:
                server['flavor'] = 'ssd.small'
    return edit


def forced_beside_reservation(spec):
    """Another project's instance beside an instance reservation's.

    An admin's forced placement put it on compute-1.
    """
    spec['servers'].append({'name': 'forced-vm', 'host': 'compute-1',
                            'flavor': 'm1.small', 'project': 'service',
                            'metadata': {'HA_Enabled': 'True'}})


def test_an_extra_spec_goes_only_to_the_spare_whose_aggregate_has_it(
        runner):
    cloud = runner.cloud(harness.scenario('basic',
                                          ssd_flavor_for('ha-vm-1')))
    runner.prepare(cloud, scheduler_filters=FILTERS)
    result = runner.fail(cloud, 'compute-1')

    assert result.status == 'finished', result.messages
    # spare-2 holds the two others as well: one spare serves where one
    # can, though spare-1 comes first by name.
    for name in ('ha-vm-1', 'ha-vm-2', 'plain-vm-1'):
        assert result.where(name) == 'spare-2'
    result.assert_nothing_lost()


def test_no_spare_has_the_extra_spec_the_scheduler_gets_it_and_says_why(
        runner):
    def edit(spec):
        ssd_flavor_for('ha-vm-1')(spec)
        spec['aggregates'][-1]['hosts'] = ['compute-2']

    cloud = runner.cloud(harness.scenario('basic', edit))
    runner.prepare(cloud, scheduler_filters=FILTERS)
    result = runner.fail(cloud, 'compute-1')

    assert result.status == 'finished', result.messages
    assert result.said("Nova's AggregateInstanceExtraSpecsFilter refuses "
                       "it: no aggregate of the host has ssd"), \
        result.messages
    # The scheduler finds the only host that passes.
    assert result.where('ha-vm-1') == 'compute-2'
    assert result.where('ha-vm-2') == 'spare-1'
    result.assert_nothing_lost()


def test_a_spare_isolated_to_another_project_is_passed_over(runner):
    def edit(spec):
        service = scenario_mod.projects(spec)['service']
        spec.setdefault('aggregates', []).append(
            {'name': 'service-only', 'hosts': ['spare-1'],
             'metadata': {'filter_tenant_id': service}})

    cloud = runner.cloud(harness.scenario('basic', edit))
    runner.prepare(cloud, scheduler_filters=FILTERS)
    result = runner.fail(cloud, 'compute-1')

    assert result.status == 'finished', result.messages
    for name in ('ha-vm-1', 'ha-vm-2', 'plain-vm-1'):
        assert result.where(name) == 'spare-2'
    assert 'masakari-spare-spare-1' in result.lease_names()
    result.assert_nothing_lost()


def test_another_project_s_instance_avoids_the_instance_reservation_spare(
        runner):
    """The spare that joins the reservation admits only its project.

    Blazar gives an instance reservation's aggregate ``filter_tenant_id``,
    so another project's unreserved instance needs another spare.
    """
    cloud = runner.cloud(harness.scenario('instance-reservation',
                                          forced_beside_reservation))
    runner.prepare(cloud, scheduler_filters=FILTERS)
    result = runner.fail(cloud, 'compute-1')

    assert result.status == 'finished', result.messages
    reserved = {result.where('ir-vm-1'), result.where('ir-vm-2')}
    assert len(reserved) == 1 and reserved <= {'spare-1', 'spare-2'}
    assert result.where('forced-vm') in {'spare-1', 'spare-2'} - reserved
    result.assert_nothing_lost()
