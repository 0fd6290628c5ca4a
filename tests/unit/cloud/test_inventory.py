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

"""Turning Nova and Placement answers into model values."""

import pytest

from masakari_blazar.decisions import hosts
from masakari_blazar.decisions import model
from masakari_blazar.decisions import reservations

HOST = 'spare-a'
NAMES = reservations.BlazarNames('freepool', 'blazar_')


def service(status='enabled', state='up', forced_down=False, reason=None):
    # novaclient Service.to_dict() at microversion 2.53 and later.
    return {'id': '5b2c6b0e-3d1f-4a8e-9c7d-2e1f0a9b8c7d',
            'binary': 'nova-compute', 'host': HOST, 'zone': 'nova',
            'status': status, 'state': state, 'forced_down': forced_down,
            'disabled_reason': reason,
            'updated_at': '2026-03-01T10:00:00.000000'}


def hypervisor(state='up', status='enabled'):
    # novaclient Hypervisor.to_dict() at microversion 2.88 and later.
    return {'id': '7c0e4f43-8a1b-4c2d-9e3f-0a1b2c3d4e5f',
            'hypervisor_hostname': HOST, 'hypervisor_type': 'QEMU',
            'hypervisor_version': 8002000, 'host_ip': '192.0.2.15',
            'state': state, 'status': status, 'uptime': None,
            'service': {'host': HOST, 'id': service()['id'],
                        'disabled_reason': None}}


def test_healthy_host_has_no_problem():
    assert hosts.health_problem(HOST, service(), hypervisor()) is None


@pytest.mark.parametrize('svc,hyp,problem', [
    (None, hypervisor(),
     'no nova-compute service is registered for spare-a'),
    (service(status='disabled'), hypervisor(), 'nova-compute is disabled'),
    (service(status='disabled', reason='maintenance'), hypervisor(),
     'nova-compute is disabled (maintenance)'),
    (service(forced_down=True, state='down'), hypervisor(),
     'nova-compute is forced down'),
    (service(state='down'), hypervisor(), 'nova-compute is down'),
    (service(), None, 'no hypervisor is registered for spare-a'),
    (service(), hypervisor(state='down'), 'the hypervisor is down'),
    (service(), hypervisor(status='disabled'), 'the hypervisor is disabled'),
])
def test_health_problem_says_why(svc, hyp, problem):
    assert hosts.health_problem(HOST, svc, hyp) == problem


def test_disabled_is_reported_before_down():
    assert hosts.health_problem(
        HOST, service(status='disabled', state='down'),
        hypervisor()) == 'nova-compute is disabled'


def test_hypervisor_without_state_fields_counts_as_up():
    # Older microversions list hypervisors without state and status.
    assert hosts.health_problem(
        HOST, service(), {'id': 1, 'hypervisor_hostname': HOST}) is None


def _inv(total, reserved=0, ratio=1.0):
    return {'total': total, 'reserved': reserved, 'min_unit': 1,
            'max_unit': total, 'step_size': 1, 'allocation_ratio': ratio}


INVENTORIES = {'resource_provider_generation': 7, 'inventories': {
    'VCPU': _inv(32, ratio=4.0),
    'MEMORY_MB': _inv(131072, reserved=512, ratio=1.5),
    'DISK_GB': _inv(800, reserved=10),
}}


def test_capacity_applies_reserved_and_allocation_ratio():
    usages = {'resource_provider_generation': 7,
              'usages': {'VCPU': 4, 'MEMORY_MB': 8192, 'DISK_GB': 40}}
    free, used = hosts.capacity(INVENTORIES['inventories'],
                                usages['usages'])
    assert free == model.Resources(128 - 4, 195840 - 8192, 790 - 40)
    assert used == model.Resources(4, 8192, 40)


def test_capacity_of_an_empty_host():
    free, used = hosts.capacity(INVENTORIES['inventories'], {})
    assert free == model.Resources(128, 195840, 790)
    assert used == model.Resources()


def test_capacity_floors_fractional_totals():
    free, _ = hosts.capacity({'VCPU': _inv(3, ratio=1.5),
                              'MEMORY_MB': _inv(1000, ratio=1.0),
                              'DISK_GB': _inv(10)}, {})
    assert free.vcpus == 4


def test_capacity_never_goes_negative():
    free, used = hosts.capacity(
        {'VCPU': _inv(8), 'MEMORY_MB': _inv(4096), 'DISK_GB': _inv(20)},
        {'VCPU': 12, 'MEMORY_MB': 8192, 'DISK_GB': 40})
    assert free == model.Resources(0, 0, 0)
    assert used == model.Resources(12, 8192, 40)


def test_missing_resource_class_has_no_room():
    # A host sharing its disk from a provider elsewhere reports no DISK_GB.
    free, _ = hosts.capacity(
        {'VCPU': _inv(8), 'MEMORY_MB': _inv(4096)}, {'VCPU': 1})
    assert free == model.Resources(7, 4096, 0)


def _agg(name, hosts, az=None, metadata=None):
    return {'id': len(name), 'name': name, 'availability_zone': az,
            'hosts': hosts, 'metadata': dict(metadata or {})}


def test_home_az_is_the_zone_of_a_non_blazar_aggregate():
    aggregates = [
        _agg('freepool', [HOST]),
        _agg('r-1', [HOST], 'blazar_r-1', {'blazar:owner': 'p'}),
        _agg('ssd', [HOST], None, {'ssd': 'true'}),
        _agg('rack-2', [HOST], 'az2', {'availability_zone': 'az2'}),
        _agg('rack-1', ['compute-1'], 'az1', {'availability_zone': 'az1'}),
    ]
    assert hosts.home_az(HOST, aggregates, NAMES) == 'az2'


def test_home_az_is_none_in_the_default_zone():
    aggregates = [_agg('r-1', [HOST], 'blazar_r-1'),
                  _agg('rack-1', ['compute-1'], 'az1')]
    assert hosts.home_az(HOST, aggregates, NAMES) is None


def test_home_az_skips_a_renamed_freepool_even_if_it_had_a_zone():
    aggregates = [_agg('blazar-free', [HOST], 'free-zone')]
    renamed = reservations.BlazarNames('blazar-free', 'blazar_')
    assert hosts.home_az(HOST, aggregates, renamed) is None
    assert hosts.home_az(HOST, aggregates, NAMES) == 'free-zone'


def test_home_az_skips_reservations_by_the_configured_zone_prefix():
    aggregates = [_agg('r-1', [HOST], 'lease_r-1')]
    assert hosts.home_az(HOST, aggregates, NAMES) == 'lease_r-1'
    prefixed = reservations.BlazarNames('freepool', 'lease_')
    assert hosts.home_az(HOST, aggregates, prefixed) is None


@pytest.mark.parametrize('server,pin', [
    ({'pinned_availability_zone': 'az1'}, (True, 'az1')),
    # Nova's default zone is in no aggregate: its request filter pins
    # nothing to it, nor to a zone only Blazar's aggregates have.
    ({'pinned_availability_zone': 'nova'}, (False, None)),
    ({'pinned_availability_zone': 'blazar_r-1'}, (False, None)),
    ({'pinned_availability_zone': None,
      'OS-EXT-AZ:availability_zone': 'az1'}, (False, None)),
    # Below 2.96, the zone of the instance's host stands for the pin.
    ({'OS-EXT-AZ:availability_zone': 'az1'}, (True, 'az1')),
])
def test_an_instance_is_pinned_only_to_a_zone_an_aggregate_names(
        server, pin):
    aggregates = [_agg('r-1', [HOST], 'blazar_r-1'),
                  _agg('rack-1', ['compute-1'], 'az1')]
    assert hosts.pinned_zone(server, aggregates, NAMES) == pin


def test_capacity_from_an_allocation_candidates_summary():
    summary = {'resources': {'VCPU': {'capacity': 64, 'used': 4},
                             'MEMORY_MB': {'capacity': 32256, 'used': 8192},
                             'DISK_GB': {'capacity': 500, 'used': 600},
                             'CUSTOM_X': {'capacity': 1, 'used': 0},
                             'PCPU': {'capacity': 8, 'used': 2}}}
    free, used = hosts.summary_capacity(summary)
    # Every class counts, so that dedicated CPUs and custom classes fill.
    assert free == model.Resources(60, 24064, 0,
                                   (('CUSTOM_X', 1), ('PCPU', 6)))
    assert used == model.Resources(4, 8192, 600, (('PCPU', 2),))
    assert hosts.summary_capacity({}) == (model.Resources(),
                                          model.Resources())
