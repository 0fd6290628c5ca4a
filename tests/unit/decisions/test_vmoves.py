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

"""Which VMove counts for each instance, on literal rows."""

import collections

from masakari_blazar.decisions import vmoves

Row = collections.namedtuple('Row', 'id instance_uuid status uuid')


def row(row_id, instance, status):
    return Row(row_id, instance, status, 'vm-%d' % row_id)


def test_the_newest_row_of_each_instance_counts_whatever_the_order():
    rows = [row(5, 'a', 'pending'), row(2, 'a', 'succeeded'),
            row(3, 'b', 'failed'), row(9, 'a', 'ongoing')]

    assert vmoves.newest(rows) == {'a': rows[3], 'b': rows[2]}


def test_a_rerun_acts_on_the_newest_row_and_closes_the_open_older_ones():
    rows = [row(7, 'a', 'pending'), row(1, 'a', 'pending'),
            row(4, 'a', 'ongoing'), row(2, 'a', 'failed')]

    resumption = vmoves.resume(rows)

    assert resumption.current == {'a': rows[0]}
    assert resumption.superseded == [(rows[1], rows[0]), (rows[2], rows[0])]


def test_a_settled_instance_is_left_alone_with_its_older_rows():
    rows = [row(1, 'a', 'ongoing'), row(2, 'a', 'succeeded'),
            row(3, 'b', 'pending'), row(4, 'c', 'failed')]

    resumption = vmoves.resume(rows)

    assert resumption.current == {'b': rows[2]}
    assert resumption.superseded == []
