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
from masakari_blazar.commands import tables
from masakari_blazar import exceptions
from masakari_blazar.power import unmanaged
from tests.unit.commands import scripted_power


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


def test_the_power_of_each_spare_is_read_and_a_failure_noted():
    rows = [row('spare-1', 'free'), row('spare-2', 'free'),
            row('spare-3', 'free')]
    notes = pool_status.read_power(scripted_power.ScriptedPower({
        'spare-1': 'on', 'spare-2': None,
        'spare-3': exceptions.PowerError('the BMC refused')}), rows)
    assert [r.power for r in rows] == ['on', 'unknown', 'unknown']
    assert notes == ['the power of spare-3 was not read: the BMC refused']


def test_without_a_power_driver_nothing_is_read():
    rows = [row('spare-1', 'free')]
    assert pool_status.read_power(unmanaged.Unmanaged(None, None), rows) == \
        []
    assert rows[0].power is None


def test_the_table_shows_power_only_where_it_was_read():
    rows = [row('spare-1')]
    assert 'POWER' not in tables.pool_table(rows)
    rows[0].power = 'off'
    table = tables.pool_table(rows)
    header = table.splitlines()[0]
    assert 'POWER' in header
    assert header.index('POWER') < header.index('STATE')


def test_the_cold_spares_are_said_to_be_out_of_the_headroom():
    rows = [row('spare-1'), row('spare-3'), row('spare-2')]
    assert pool_status.cold_note(rows) == []
    rows[1].cold = rows[2].cold = True
    assert pool_status.cold_note(rows) == [
        '2 cold spare(s) (spare-2, spare-3) are not in the headroom: a '
        'recovery powers one on only for what the warm spares cannot hold, '
        'and waits for it to boot ("masakari-blazar pool warm" or "pool '
        'balance" warms them ahead)']
