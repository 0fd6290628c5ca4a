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

"""The end-to-end scenarios on real Nova, Blazar and Masakari, cross-checked.

Each test runs one scenario twice with the real Masakari engine and the
plugin: on the real services of the harness (Nova 34 with the BlazarFilter,
Blazar 18) and on the simulated cloud, built from the same scenario dict.
It checks what the end-to-end suite checks, on the real services, then
compares both outcomes field by field (where each instance ended,
aggregate memberships, Blazar hosts and leases, the claim ledger,
Masakari's records, and which servers the end of every lease deleted).  A
difference fails the test and names the field.
"""

import pytest

from masakari_blazar.local import engine as local_engine
from tests.functional import harness
from tests.functional import test_recovery_aggregate_filters as aggregates
from tests.functional import test_recovery_reservation_sources as sources
from tests.real import observe
from tests.real import scenarios

pytestmark = pytest.mark.real

FINISHED = 'finished'
ERROR = 'error'


@pytest.fixture
def both(real, engine, fidelity):
    """Run a scenario on both clouds; fail on any difference."""
    def run(label, spec, host, monitor=False, **options):
        real_cloud = real(spec, ['--polling-monitor', '1'] if monitor
                          else [])
        real_outcome = scenarios.run(real_cloud, engine, host,
                                     monitor=monitor, **options)
        sim = scenarios.SimCloud(spec, **(
            {'blazar_monitor': True, 'blazar_polling_interval': 1}
            if monitor else {}))
        try:
            sim_outcome = scenarios.run(sim, engine, host, monitor=monitor,
                                        **options)
        finally:
            sim.stop()
        lines, fields = observe.differences(sim_outcome.comparable(),
                                            real_outcome.comparable())
        fidelity.append({'scenario': label, 'fields': fields,
                         'differences': lines,
                         'simulated': sim_outcome.comparable(),
                         'real': real_outcome.comparable()})
        return real_outcome, lines
    return run


def _same(lines):
    assert lines == [], 'simulated and real clouds differ:\n' + '\n'.join(
        lines)


def test_plain_host_moves_to_one_spare_which_leaves_blazar(both):
    result, lines = both('basic: plain host -> spare',
                         scenarios.equivalent('basic'), 'compute-1')

    assert result.status == FINISHED
    for name in ('ha-vm-1', 'ha-vm-2', 'plain-vm-1'):
        assert result.where(name) == 'spare-1'
    assert result.where('ha-vm-3') == 'compute-2'
    assert sorted(result.recovered['leases']) == ['masakari-spare-spare-2']
    assert sorted(result.recovered['blazar_hosts']) == ['spare-2']
    assert result.recovered['claims'] == {
        'spare-1': {'group': None, 'lease': 'masakari-spare-spare-1'}}
    # Ending every lease deletes nothing: the spare is outside Blazar.
    assert result.deleted == []
    assert result.wrongly_deleted() == []
    _same(lines)


def test_host_reservation_instances_are_admitted_on_the_spare(both):
    result, lines = both('host-reservation: spare joins the reservation',
                         scenarios.equivalent('host-reservation'),
                         'compute-1')
    reservation = 'reservation:demo-host-reservation'

    assert result.status == FINISHED
    assert result.where('reserved-vm-1') == 'spare-1'
    assert result.where('reserved-vm-2') == 'spare-1'
    # The real BlazarFilter admitted them: the spare joined the aggregate.
    assert 'spare-1' in result.recovered['aggregates'][reservation]['hosts']
    assert result.recovered['claims']['spare-1']['group'] == reservation
    # The reservation's end deletes its own instances, as on compute-1,
    # and nothing else.
    assert sorted(result.deleted) == ['reserved-vm-1', 'reserved-vm-2']
    assert result.wrongly_deleted() == []
    assert result.ended['servers']['plain-vm-1']['host'] == 'compute-2'
    _same(lines)


def test_an_unhinted_instance_on_a_reserved_host_gets_its_own_spare(both):
    """Real Nova 34 shows the boot-time hints at 2.100, in the list too.

    forced-vm was forced onto compute-1 without the ``reservation`` hint:
    the BlazarFilter would refuse it on the spare that joins the
    reservation, and the reservation's end would delete it there.
    """
    result, lines = both('host-reservation + unhinted instance: own spare',
                         scenarios.equivalent('host-reservation',
                                              sources.forced_unreserved),
                         'compute-1')

    assert result.status == FINISHED
    assert result.where('reserved-vm-1') == 'spare-1'
    assert result.where('reserved-vm-2') == 'spare-1'
    assert result.where('forced-vm') == 'spare-2'
    assert sorted(result.deleted) == ['reserved-vm-1', 'reserved-vm-2']
    assert result.wrongly_deleted() == []
    _same(lines)


def test_without_joining_the_reservation_the_blazar_filter_refuses(both):
    """A control: the real BlazarFilter refuses a spare left outside.

    With one spare allowed and no scheduler, re-planning has no other
    target for the refused instances.
    """
    tasks = dict(local_engine.recommended_flows()[local_engine.AUTO_FLOW],
                 main=['blazar_claim_spare_task',
                       'blazar_evacuate_instances_task'])
    result, lines = both('host-reservation, no admission: filter refuses',
                         scenarios.equivalent('host-reservation'),
                         'compute-1', tasks=tasks, max_spares_per_failure=1,
                         no_spare_action='fail')

    assert result.status == ERROR
    assert result.where('reserved-vm-1') == 'compute-1'
    assert result.where('reserved-vm-2') == 'compute-1'
    assert result.wrongly_deleted() == []
    _same(lines)


def test_a_spare_the_blazar_filter_refuses_is_replanned(both):
    """Nova refuses the plan's spare; the same run re-plans onto another.

    The plan's spare is left outside the reservation (no admission step),
    so the real BlazarFilter refuses it: the evacuation claims the next
    spare, joins it to the reservation and evacuates there.
    """
    tasks = dict(local_engine.recommended_flows()[local_engine.AUTO_FLOW],
                 main=['blazar_claim_spare_task',
                       'blazar_evacuate_instances_task'])
    result, lines = both('host-reservation, no admission: re-planned',
                         scenarios.equivalent('host-reservation'),
                         'compute-1', tasks=tasks)

    assert result.status == FINISHED
    assert result.where('reserved-vm-1') == 'spare-2'
    assert result.where('reserved-vm-2') == 'spare-2'
    assert sorted(result.recovered['claims']) == ['spare-1', 'spare-2']
    assert result.wrongly_deleted() == []
    _same(lines)


def test_no_spare_falls_back_to_the_scheduler(both):
    result, lines = both('no-spare: scheduler fallback',
                         scenarios.equivalent('no-spare'), 'compute-1')

    assert result.status == FINISHED
    assert result.where('ha-vm-1') == 'compute-2'
    assert result.where('ha-vm-2') == 'compute-2'
    assert result.recovered['claims'] == {}
    assert result.deleted == []
    _same(lines)


def test_spare_from_a_lease_of_several_spares_splits_that_lease(both):
    result, lines = both('multi-spare-lease: the lease is split',
                         scenarios.equivalent('multi-spare-lease'),
                         'compute-1')

    assert result.status == FINISHED
    chosen = result.where('ha-vm-1')
    assert result.where('ha-vm-2') == chosen
    others = sorted({'spare-small', 'spare-medium', 'spare-large'} -
                    {chosen})
    leases = result.recovered['leases']
    assert sorted(name for name, lease in leases.items()
                  if lease['status'] == 'ACTIVE') == [
        'masakari-spare-%s' % h for h in others]
    assert chosen not in result.recovered['blazar_hosts']
    assert result.deleted == []
    _same(lines)


@pytest.mark.parametrize('method', ['reserved_host', 'rh_priority'])
def test_reserved_host_methods_recover_onto_a_spare(both, method):
    result, lines = both('basic, %s segment' % method,
                         scenarios.equivalent('basic'), 'compute-1',
                         method=method, reserved=('spare-1', 'spare-2'))

    assert result.status == FINISHED
    assert result.where('ha-vm-1') in ('spare-1', 'spare-2')
    assert len(result.recovered['claims']) == 1
    # The claimed spare is no longer offered as reserved by Masakari.
    claimed = list(result.recovered['claims'])[0]
    assert result.recovered['reserved_flags'][claimed] is False
    assert result.deleted == []
    _same(lines)


def _with_free_blazar_host(spec):
    spec['hosts'].append({'name': 'free-1', 'vcpus': 16,
                          'memory_mb': 32768, 'disk_gb': 500,
                          'blazar': True})


def test_blazar_healing_refused_by_nova_still_recovers_onto_a_spare(both):
    """Blazar's monitor heals first; Nova 34 refuses, a spare joins.

    Nova will not take a host with instances out of its AZ aggregate, so
    the real Blazar's healing fails and the failed host stays in its
    reservation; the plugin then admits the spare to the reservation.
    """
    result, lines = both('host-reservation + Blazar monitor: healing '
                         'refused', scenarios.equivalent(
                             'host-reservation', _with_free_blazar_host),
                         'compute-1', monitor=True)
    reservation = 'reservation:demo-host-reservation'

    assert result.status == FINISHED
    assert result.recovered['blazar_hosts']['compute-1'][
        'reservable'] is False
    assert result.where('reserved-vm-1') == 'spare-1'
    assert 'compute-1' in result.recovered['aggregates'][reservation][
        'hosts']
    assert 'spare-1' in result.recovered['aggregates'][reservation]['hosts']
    assert result.wrongly_deleted() == []
    _same(lines)


def _instance_reservation_after_the_spares(spec):
    """Real Blazar picks an instance reservation's hosts itself.

    With the spares leased first and affinity, compute-1 is the only host
    that can hold both slots, the one the scenario names.
    """
    leases = spec['leases']
    spec['leases'] = [lease for lease in leases
                      if lease.get('type') != 'instance'] + [
        dict(lease, affinity=True) for lease in leases
        if lease.get('type') == 'instance']


def test_instance_reservation_gets_aggregate_and_placement_inventory(both):
    result, lines = both('instance-reservation: aggregate and inventory',
                         scenarios.equivalent(
                             'instance-reservation',
                             _instance_reservation_after_the_spares),
                         'compute-1')
    reservation = 'reservation:demo-instance-reservation'
    resource_class = 'CUSTOM_RESERVATION:demo-instance-reservation'

    assert result.status == FINISHED
    assert result.where('ir-vm-1') == 'spare-1'
    assert result.where('ir-vm-2') == 'spare-1'
    assert 'spare-1' in result.recovered['aggregates'][reservation]['hosts']
    child = result.recovered['placement']['blazar_spare-1']
    assert child['inventories'][resource_class]['total'] >= 2
    assert child['usages'][resource_class] == 2
    # The reservation's end deletes its own instances, by flavor.
    assert sorted(result.deleted) == ['ir-vm-1', 'ir-vm-2']
    assert result.wrongly_deleted() == []
    _same(lines)


def test_no_spare_with_fail_mode_ends_in_error_and_moves_nothing(both):
    result, lines = both('no-spare, no_spare_action=fail',
                         scenarios.equivalent('no-spare'), 'compute-1',
                         no_spare_action='fail')

    assert result.status == ERROR
    assert result.where('ha-vm-1') == 'compute-1'
    assert result.where('ha-vm-2') == 'compute-1'
    assert all(move['status'] != 'succeeded'
               for move in result.recovered['masakari']['vmoves'].values())
    _same(lines)


def test_spill_over_across_spares_never_overfills_one(both):
    """The demo cloud, where compute-1 needs more than one spare.

    It also has availability zones, a research reservation, and locked,
    stopped and errored instances.
    """
    result, lines = both('demo: spill-over across spares',
                         scenarios.equivalent('demo'), 'compute-1')
    moved = ('web-1', 'web-2', 'db-1', 'batch-1', 'app-1', 'scratch-1')

    assert result.status == FINISHED
    used = {result.where(name) for name in moved}
    assert len(used) >= 2
    assert used <= {'spare-small', 'spare-medium', 'spare-large'}
    placement = result.recovered['placement']
    for spare in used:
        for rc, inventory in placement[spare]['inventories'].items():
            capacity = (inventory['total'] - inventory['reserved']) * \
                inventory['allocation_ratio']
            assert placement[spare]['usages'].get(rc, 0) <= capacity
    assert sorted(result.recovered['claims']) == sorted(used)
    assert result.recovered['servers']['batch-1']['vm_state'] == 'stopped'
    assert result.where('research-1') == 'compute-5'
    assert result.wrongly_deleted() == []
    _same(lines)


def test_retry_after_a_failed_evacuation_reuses_the_claimed_spare(both):
    """The evacuation of ha-vm-2 fails on its target; the retry ends it."""
    result, lines = both('basic, failed evacuation then retry',
                         scenarios.equivalent('basic'), 'compute-1',
                         fail_evacuation='ha-vm-2')
    first = result.recovered['before_retry']

    assert first['masakari']['status'] == ERROR
    assert first['servers']['ha-vm-1']['host'] == 'spare-1'
    assert first['servers']['ha-vm-2']['host'] == 'compute-1'
    assert first['servers']['ha-vm-2']['vm_state'] == 'error'
    assert list(first['claims']) == ['spare-1']
    assert result.status == FINISHED
    assert result.where('ha-vm-2') == 'spare-1'
    assert list(result.recovered['claims']) == ['spare-1']
    assert 'masakari-spare-spare-2' in result.recovered['leases']
    assert result.deleted == []
    _same(lines)


def test_a_spare_joins_the_zone_of_the_instances_pinned_there(both):
    """Nova's zone pre-filter admits a spare only once it joined the zone.

    Nova 34 has no AvailabilityZoneFilter: ``map_az_to_placement_aggregate``
    asks Placement for hosts of the zone's aggregates, which Nova mirrors
    there when a host joins one.
    """
    result, lines = both('basic + az-1 pins: the spare joins az-1',
                         scenarios.equivalent('basic', harness.pinned_to(
                             'az-1', ('compute-1', 'compute-2'))),
                         'compute-1')

    assert result.status == FINISHED
    for name in ('ha-vm-1', 'ha-vm-2', 'plain-vm-1'):
        assert result.where(name) == 'spare-1'
    assert 'spare-1' in result.recovered['aggregates']['rack-az-1']['hosts']
    assert result.recovered['claims']['spare-1']['joined'] == 'rack-az-1'
    assert result.deleted == []
    _same(lines)


def test_the_default_zone_pins_nothing(both):
    """An instance booted into Nova's default zone may land in any zone.

    No aggregate names the default zone, so Nova's zone request filter
    adds nothing: ha-vm-1 follows the others onto the spare that joined
    az-1 for them.
    """
    result, lines = both('basic + a default-zone pin beside az-1 pins',
                         scenarios.equivalent('basic', harness.pinned_to(
                             'az-1', ('compute-1',), default=('ha-vm-1',))),
                         'compute-1')

    assert result.status == FINISHED
    for name in ('ha-vm-1', 'ha-vm-2', 'plain-vm-1'):
        assert result.where(name) == 'spare-1'
    assert 'spare-1' in result.recovered['aggregates']['rack-az-1']['hosts']
    _same(lines)


def test_affinity_members_on_the_failed_host_cannot_be_evacuated(both):
    """Nova counts the failed host among an affinity group's hosts.

    So its ServerGroupAffinityFilter passes no other host: the plan spends
    no spare on the members, and Nova's scheduler refuses them too.
    """
    def edit(spec):
        spec['server_groups'] = [{'name': 'web', 'policy': 'affinity',
                                  'project': 'demo'}]
        for server in spec['servers']:
            if server['name'] in ('ha-vm-1', 'ha-vm-2'):
                server['server_group'] = 'web'

    result, lines = both('basic + affinity group: no target passes',
                         scenarios.equivalent('basic', edit), 'compute-1')

    assert result.status == ERROR
    assert result.where('ha-vm-1') == 'compute-1'
    assert result.where('ha-vm-2') == 'compute-1'
    assert result.where('plain-vm-1') == 'spare-1'
    assert result.wrongly_deleted() == []
    _same(lines)


def test_a_required_trait_only_one_spare_has_decides_the_spare(both):
    """Placement's allocation candidates, with a required trait.

    ha-vm-2's flavor requires CUSTOM_FAST, which only compute-1 and
    spare-2 have: the plan skips spare-1 (first by name) for it, and real
    Placement admits it on spare-2.  Nova's fake driver reports no PCPU
    whatever ``cpu_dedicated_set`` says, so the PCPU half of the request
    is shown by the simulated cloud only (doc/source/design.rst).
    """
    def edit(spec):
        spec['flavors'].append({
            'name': 'fast', 'id': '42', 'vcpus': 1, 'ram': 2048,
            'disk': 20, 'extra_specs': {'trait:CUSTOM_FAST': 'required'}})
        for host in spec['hosts']:
            if host['name'] in ('compute-1', 'spare-2'):
                host['traits'] = ['CUSTOM_FAST']
        for server in spec['servers']:
            if server['name'] == 'ha-vm-2':
                server['flavor'] = 'fast'

    result, lines = both('basic + required trait: only spare-2 has it',
                         scenarios.equivalent('basic', edit), 'compute-1')

    assert result.status == FINISHED
    for name in ('ha-vm-1', 'ha-vm-2', 'plain-vm-1'):
        assert result.where(name) == 'spare-2'
    assert sorted(result.recovered['leases']) == ['masakari-spare-spare-1']
    assert result.wrongly_deleted() == []
    _same(lines)


def test_anti_affinity_members_recovered_onto_a_spare(both):
    """Real Nova 34's ServerGroupAntiAffinityFilter and its late check.

    Two members of a group that allows two per host leave the failed host
    together, and a member of a strict group joins them: the spare holds
    no more of either group than its rule allows, so Nova's scheduler and
    the destination's own check of the policy pass all three.
    """
    def edit(spec):
        spec['server_groups'] = [
            {'name': 'web', 'policy': 'anti-affinity', 'project': 'demo'},
            {'name': 'db', 'policy': 'anti-affinity', 'project': 'demo',
             'max_server_per_host': 2}]
        groups = {'ha-vm-1': 'web', 'ha-vm-3': 'web',
                  'ha-vm-2': 'db', 'plain-vm-1': 'db'}
        for server in spec['servers']:
            if server['name'] in groups:
                server['server_group'] = groups[server['name']]

    result, lines = both('basic + anti-affinity groups: onto one spare',
                         scenarios.equivalent('basic', edit), 'compute-1')

    assert result.status == FINISHED
    for name in ('ha-vm-1', 'ha-vm-2', 'plain-vm-1'):
        assert result.where(name) == 'spare-1'
    assert result.where('ha-vm-3') == 'compute-2'
    assert result.deleted == []
    _same(lines)


def test_an_extra_spec_only_one_spare_s_aggregate_has(both):
    """Real Nova 34's AggregateInstanceExtraSpecsFilter, listed for the plan.

    ha-vm-1's flavor wants ``ssd=true``, which only spare-2's aggregate
    (and compute-1's, where it booted) has: the plan sends it there though
    spare-1 comes first by name, and the two others with it, since one
    spare that holds them all is spent before two.
    """
    def edit(spec):
        aggregates.ssd_flavor_for('ha-vm-1')(spec)
        spec['aggregates'][-1]['hosts'] = ['compute-1', 'spare-2']

    result, lines = both('basic + ssd extra spec: only spare-2 passes',
                         scenarios.equivalent('basic', edit), 'compute-1',
                         scheduler_filters=aggregates.FILTERS)

    assert result.status == FINISHED
    for name in ('ha-vm-1', 'ha-vm-2', 'plain-vm-1'):
        assert result.where(name) == 'spare-2'
    assert sorted(result.recovered['claims']) == ['spare-2']
    assert result.deleted == []
    _same(lines)
