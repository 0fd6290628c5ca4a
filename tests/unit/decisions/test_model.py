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

"""The plain values the decisions work on."""

import dataclasses

import pytest

from masakari_blazar.decisions import model

HOST_R = model.Reservation('8b1c2d3e-0000-4000-8000-000000000001',
                           model.HOST_RESERVATION, 'project-a')
INSTANCE_R = model.Reservation('8b1c2d3e-0000-4000-8000-000000000002',
                               model.INSTANCE_RESERVATION, 'project-a')


def test_resources_add_and_subtract_each_resource():
    a = model.Resources(4, 8192, 40)
    b = model.Resources(1, 1024, 10)
    assert a + b == model.Resources(5, 9216, 50)
    assert a - b == model.Resources(3, 7168, 30)


def test_resources_count_every_other_class_too():
    free = model.Resources.from_classes({'VCPU': 8, 'MEMORY_MB': 4096,
                                         'DISK_GB': 100, 'PCPU': 4})
    pinned = model.Resources.from_classes({'PCPU': 3, 'MEMORY_MB': 1024,
                                           'CUSTOM_FPGA': 0})
    assert pinned.other == (('PCPU', 3),)
    assert pinned.fits_in(free)
    left = free - pinned
    assert left == model.Resources(8, 3072, 100, (('PCPU', 1),))
    assert not pinned.fits_in(left)
    assert left + pinned == free
    # A class the host has no inventory of never fits.
    assert not model.Resources.from_classes({'CUSTOM_FPGA': 1}).fits_in(free)
    assert str(left) == '8 vCPU, 3072 MB RAM, 100 GB disk, 1 PCPU'


def test_resources_default_to_nothing():
    assert model.Resources() == model.Resources(0, 0, 0)


@pytest.mark.parametrize('need,fits', [
    (model.Resources(4, 8192, 40), True),
    (model.Resources(5, 8192, 40), False),
    (model.Resources(4, 8193, 40), False),
    (model.Resources(4, 8192, 41), False),
    (model.Resources(0, 0, 0), True),
])
def test_fits_in_needs_every_resource(need, fits):
    assert need.fits_in(model.Resources(4, 8192, 40)) is fits


def test_resources_str_names_each_amount():
    assert str(model.Resources(2, 4096, 20)) == (
        '2 vCPU, 4096 MB RAM, 20 GB disk')


def test_resources_are_immutable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        model.Resources(1, 1, 1).vcpus = 2


def test_host_reservation_instance_forms_its_own_group():
    vm = model.Instance('u1', 'vm1', model.Resources(1, 512, 1), HOST_R)
    assert vm.group == HOST_R.id


@pytest.mark.parametrize('reservation', [None, INSTANCE_R])
def test_unreserved_and_instance_reservation_share_the_none_group(
        reservation):
    vm = model.Instance('u1', 'vm1', model.Resources(1, 512, 1), reservation)
    assert vm.group is None


def test_reservation_str_names_kind_and_id():
    assert str(HOST_R) == 'host reservation %s' % HOST_R.id


def test_target_is_healthy_only_without_a_problem():
    ok = model.Target('spare-1', model.Resources(8, 16384, 100))
    bad = model.Target('spare-2', model.Resources(8, 16384, 100),
                       problem='nova-compute is down')
    assert ok.healthy
    assert not bad.healthy
