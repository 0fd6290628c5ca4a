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

"""The simulated scheduler's extra-spec operators, as Nova 34 reads them.

Each case is one of nova/scheduler/filters/extra_specs_ops.py's: the
aggregate's value, the flavor's requirement, and whether Nova matches.
"""

import pytest

from masakari_blazar.simulator.nova import scheduler

CASES = [
    # No operator: the whole requirement, as a string.
    ('true', 'true', True),
    ('True', 'true', False),
    ('1', '1.0', False),
    # A bare '=' is "at least", as a number.
    ('4', '= 2', True),
    ('1', '= 2', False),
    ('2', '== 2.0', True),
    ('3', '!= 2', True),
    ('500', '>= 500', True),
    ('499', '>= 500', False),
    ('10', '<= 9', False),
    # String comparisons.
    ('abc', 's== abc', True),
    ('abd', 's!= abc', True),
    ('b', 's> a', True),
    ('a', 's>= b', False),
    ('a', 's< b', True),
    ('b', 's<= a', False),
    # Substring, all of a list inside the value, one of alternatives.
    ('nvme-ssd', '<in> ssd', True),
    ('hdd', '<in> ssd', False),
    ('avx avx2 sse', '<all-in> avx2 sse', True),
    ('avx sse', '<all-in> avx2 sse', False),
    ('ssd', '<or> hdd <or> ssd', True),
    ('nvme', '<or> hdd <or> ssd', False),
    # An operator without an operand matches nothing.
    ('anything', 's==', False),
    # Nova's filter raises on a number operator and a word.
    ('fast', '>= 500', False),
]


@pytest.mark.parametrize('value,requirement,expected', CASES)
def test_matches_as_nova_does(value, requirement, expected):
    assert scheduler.matches(value, requirement) is expected
