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

"""The flavor as Nova's resource request, after nova.scheduler.utils."""

import pytest

from masakari_blazar.decisions import model
from masakari_blazar.decisions import resource_request


def _flavor(vcpus=4, ram=8192, disk=40, ephemeral=0, swap=0, **specs):
    return {'vcpus': vcpus, 'ram': ram, 'disk': disk,
            'ephemeral': ephemeral, 'swap': swap, 'extra_specs': specs}


def _request(flavor, volume_backed=False):
    return resource_request.from_flavor(flavor, volume_backed)


def test_a_plain_flavor_asks_vcpu_ram_and_disk():
    # GET /servers/{id} at microversion 2.47 and later embeds the flavor.
    request = _request(_flavor(ephemeral=10))
    assert request == model.Request(model.Resources(4, 8192, 50))
    assert resource_request.query(request) == \
        'resources=DISK_GB:50,MEMORY_MB:8192,VCPU:4'


@pytest.mark.parametrize('swap,disk', [(0, 20), ('', 20), (None, 20),
                                       (512, 21), (1024, 21), (1025, 22)])
def test_swap_in_mb_rounds_up_to_whole_gb(swap, disk):
    flavor = {'vcpus': 1, 'ram': 1024, 'disk': 20, 'ephemeral': 0,
              'swap': swap}
    assert _request(flavor).resources.disk_gb == disk


def test_an_empty_flavor_asks_nothing():
    assert _request({}).resources == model.Resources()


def test_a_volume_backed_instance_asks_no_root_disk():
    assert _request(_flavor(ephemeral=5), volume_backed=True).resources == \
        model.Resources(4, 8192, 5)


def test_dedicated_cpus_are_pcpu_instead_of_vcpu():
    request = _request(_flavor(**{'hw:cpu_policy': 'dedicated'}))
    assert request.resources.vcpus == 0
    assert request.resources.classes() == {
        'PCPU': 4, 'MEMORY_MB': 8192, 'DISK_GB': 40}
    assert resource_request.query(request) == \
        'resources=DISK_GB:40,MEMORY_MB:8192,PCPU:4'


def test_isolated_emulator_threads_take_one_pcpu_more():
    request = _request(_flavor(**{'hw:cpu_policy': 'dedicated',
                                  'hw:emulator_threads_policy': 'isolate'}))
    assert request.resources.amount('PCPU') == 5


@pytest.mark.parametrize('mask,pcpus', [('2-3', 2), ('^0', 3), ('^0-2', 1),
                                        ('0-3,^1', 3)])
def test_a_mixed_policy_splits_pcpu_and_vcpu_by_the_mask(mask, pcpus):
    request = _request(_flavor(**{'hw:cpu_policy': 'mixed',
                                  'hw:cpu_dedicated_mask': mask}))
    assert request.resources.amount('PCPU') == pcpus
    assert request.resources.vcpus == 4 - pcpus


@pytest.mark.parametrize('policy,required,forbidden', [
    ('isolate', set(), {'HW_CPU_HYPERTHREADING'}),
    ('require', {'HW_CPU_HYPERTHREADING'}, set()),
    ('prefer', set(), set())])
def test_the_thread_policy_asks_the_hyperthreading_trait(policy, required,
                                                         forbidden):
    request = _request(_flavor(**{'hw:cpu_policy': 'dedicated',
                                  'hw:cpu_thread_policy': policy}))
    assert request.required == required
    assert request.forbidden == forbidden


def test_resources_extra_specs_override_and_add_classes():
    request = _request(_flavor(**{'resources:VCPU': '0',
                                  'resources:PCPU': '2',
                                  'resources:CUSTOM_FPGA': '1',
                                  'resources:DISK_GB': '0'}))
    assert request.resources.classes() == {
        'PCPU': 2, 'MEMORY_MB': 8192, 'CUSTOM_FPGA': 1}
    assert str(request.resources) == \
        '0 vCPU, 8192 MB RAM, 0 GB disk, 1 CUSTOM_FPGA, 2 PCPU'


def test_suffixed_groups_add_up_on_the_one_host():
    request = _request(_flavor(**{'resources1:CUSTOM_FPGA': '1',
                                  'resources2:CUSTOM_FPGA': '2',
                                  'trait1:CUSTOM_FAST': 'required'}))
    assert request.resources.amount('CUSTOM_FPGA') == 3
    assert request.required == {'CUSTOM_FAST'}


def test_bad_amounts_and_class_names_are_skipped_as_nova_does():
    request = _request(_flavor(**{'resources:VCPU': '-1',
                                  'resources:custom_x': '1'}))
    assert request.resources == model.Resources(4, 8192, 40)


def test_traits_required_and_forbidden():
    request = _request(_flavor(**{'trait:HW_CPU_X86_AVX2': 'required',
                                  'trait:CUSTOM_SLOW': 'forbidden',
                                  'trait:CUSTOM_OTHER': 'preferred',
                                  'aggregate_instance_extra_specs:x': 'y'}))
    assert request.required == {'HW_CPU_X86_AVX2'}
    assert request.forbidden == {'CUSTOM_SLOW'}
    assert resource_request.query(request) == (
        'resources=DISK_GB:40,MEMORY_MB:8192,VCPU:4'
        '&required=HW_CPU_X86_AVX2,!CUSTOM_SLOW')
    assert str(request) == ('4 vCPU, 8192 MB RAM, 40 GB disk; traits '
                            'HW_CPU_X86_AVX2; not CUSTOM_SLOW')


def test_equal_flavors_make_one_request():
    specs = {'hw:cpu_policy': 'dedicated'}
    assert len({_request(_flavor(**specs)), _request(_flavor(**specs)),
                _request(_flavor())}) == 2


def _free(**amounts):
    return model.Resources.from_classes(amounts)


@pytest.mark.parametrize('traits,free,total,reason', [
    ({'COMPUTE_NODE'}, _free(PCPU=8), _free(PCPU=8),
     'lacks trait CUSTOM_FAST'),
    ({'CUSTOM_FAST', 'CUSTOM_SLOW'}, _free(PCPU=8), _free(PCPU=8),
     'has trait CUSTOM_SLOW, which the flavor forbids'),
    ({'CUSTOM_FAST'}, _free(VCPU=8), _free(VCPU=8), 'no PCPU inventory'),
    ({'CUSTOM_FAST'}, _free(PCPU=1), _free(PCPU=8),
     'only 1 PCPU free of the 2 asked'),
    ({'CUSTOM_FAST'}, _free(PCPU=8), _free(PCPU=8),
     'Placement offers no allocation candidate for 0 vCPU, 0 MB RAM, 0 GB '
     'disk, 2 PCPU (a max_unit, min_unit or step_size of its inventory)'),
    (None, _free(), _free(), 'no PCPU inventory')])
def test_why_a_host_has_no_candidate(traits, free, total, reason):
    request = model.Request(_free(PCPU=2), frozenset({'CUSTOM_FAST'}),
                            frozenset({'CUSTOM_SLOW'}))
    assert resource_request.refusal(request, traits, free, total) == reason


def test_without_drops_one_class_and_keeps_the_traits():
    request = _request(_flavor(**{'resources:CUSTOM_RESERVATION_R_1': '1',
                                  'trait:CUSTOM_FAST': 'required'}))
    assert resource_request.without(
        request, 'CUSTOM_RESERVATION_R_1') == model.Request(
            model.Resources(4, 8192, 40), frozenset({'CUSTOM_FAST'}))
