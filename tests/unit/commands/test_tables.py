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

"""Tables for the terminal: aligned, and never driving it."""

from masakari_blazar.commands import tables


def test_columns_are_aligned_on_the_widest_cell():
    text = tables.table([{'a': 'x', 'b': 1}, {'a': 'longer', 'b': 22}],
                        [('a', 'A'), ('b', 'B')])
    assert text.splitlines() == ['A       B', 'x       1',
                                 'longer  22']


def test_tenant_names_are_escaped_and_aligned_as_shown():
    text = tables.table([{'lease': 'evil\x1b[2J\nlease'}, {'lease': 'ok'}],
                        [('lease', 'LEASE')])
    assert text.splitlines() == ['LEASE', 'evil\\x1b[2J\\nlease', 'ok']
