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

"""Masakari's segments as the recoveries will see them."""

from masakari_blazar.decisions import segments


def member(name, reserved=False, on_maintenance=False):
    return segments.Member(name, 'uuid-' + name, reserved, on_maintenance)


# Newest first, as Masakari lists them.
RH = segments.Segment('rh', 'reserved_host', members=(
    member('s-3', reserved=True),
    member('c-1'),
    member('s-1', reserved=True, on_maintenance=True),
    member('s-2', reserved=True)))
AUTO = segments.Segment('a', 'auto', members=(member('c-2'),))


def test_reserved_hosts_are_offered_in_masakari_s_order():
    # The flow offers flagged hosts that are not on maintenance, in the
    # order listed, not sorted.
    assert RH.reserved == ['s-3', 's-2']


def test_hosts_and_maintenance_are_sorted_names():
    assert RH.hosts == ['c-1', 's-1', 's-2', 's-3']
    assert RH.on_maintenance == ['s-1']


def test_segment_of_finds_the_host_s_segment_or_none():
    assert segments.segment_of([AUTO, RH], 's-1') is RH
    assert segments.segment_of([AUTO, RH], 'c-2') is AUTO
    assert segments.segment_of([AUTO, RH], 'c-9') is None


def test_peers_are_the_hosts_of_the_same_segment():
    assert segments.peers([AUTO, RH]) == {
        'c-2': ['c-2'],
        'c-1': RH.hosts, 's-1': RH.hosts, 's-2': RH.hosts, 's-3': RH.hosts}
