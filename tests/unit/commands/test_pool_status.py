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

"""The pool's size warnings."""

from masakari_blazar.cloud import pool_reader
from masakari_blazar.commands import pool_status


def row(name, state='free'):
    return pool_reader.SpareRow(name, 'lease-%s' % name, state, None, None,
                                None)


def test_no_warning_at_or_above_the_minimum():
    assert pool_status.warnings([row('a'), row('b')], 2) == []


def test_warns_below_the_minimum_counting_only_free_spares():
    rows = [row('a'), row('b', 'claimed by notification n since t')]

    assert pool_status.warnings(rows, 2) == [
        'only 1 free spare(s), below [masakari_blazar] pool_min_size (2)']


def test_warns_of_an_empty_pool():
    assert pool_status.warnings([], 1)[0].startswith(
        'the spare pool has no free spare')


def test_a_minimum_of_zero_never_warns():
    assert pool_status.warnings([], 0) == []
