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

"""Which free Blazar hosts replenish the pool."""

import pytest

from masakari_blazar.decisions import replenishment
from masakari_blazar import exceptions


def test_parse_profile_accepts_blazar_s_syntax():
    assert replenishment.parse_profile('') == []
    assert replenishment.parse_profile('[]') == []
    assert replenishment.parse_profile('[">=", "$memory_mb", "4096"]') == [
        replenishment.Condition('memory_mb', '>=', '4096')]
    assert replenishment.parse_profile(
        '["and", ["=", "$a", "x"], ["!=", "$b", "y"]]') == [
        replenishment.Condition('a', '=', 'x'),
        replenishment.Condition('b', '!=', 'y')]


@pytest.mark.parametrize('text', [
    'not json', '["or", ["=", "$a", "x"]]', '["=", "a", "x"]',
    '["~", "$a", "x"]', '["=", "$a"]', '["and"]', '{"a": 1}',
])
def test_parse_profile_refuses_anything_else(text):
    with pytest.raises(exceptions.ConfigError):
        replenishment.parse_profile(text)


def test_matches_compares_numbers_as_numbers():
    conditions = replenishment.parse_profile('[">=", "$memory_mb", "9000"]')

    assert replenishment.matches({'memory_mb': 16384}, conditions)
    assert not replenishment.matches({'memory_mb': '8192'}, conditions)
    assert not replenishment.matches({}, conditions)


def test_matches_compares_text_as_text():
    conditions = replenishment.parse_profile(
        '["and", ["=", "$class", "gold"], ["!=", "$rack", "r1"]]')

    assert replenishment.matches({'class': 'gold', 'rack': 'r2'}, conditions)
    assert not replenishment.matches(
        {'class': 'gold', 'rack': 'r1'}, conditions)


def candidate(name, mem, **fields):
    return replenishment.Candidate(name, {'memory_mb': mem, 'vcpus': 8,
                                          'local_gb': 100}, **fields)


def test_choose_takes_the_largest_eligible_hosts_up_to_the_need():
    hosts = [candidate('a', 8192), candidate('b', 65536),
             candidate('c', 32768), candidate('d', 65536, allocated=True),
             candidate('e', 65536, in_freepool=False),
             candidate('f', 65536, problem='nova-compute is down')]

    chosen, skipped, missing = replenishment.choose(hosts, [], pool_size=1,
                                                    min_size=3)

    assert chosen == ['b', 'c']
    assert missing == 0
    assert skipped == {'d': 'allocated to a Blazar lease',
                       'e': 'not in freepool',
                       'f': 'nova-compute is down'}


def test_choose_reports_what_is_missing():
    conditions = replenishment.parse_profile('[">=", "$memory_mb", "16384"]')

    chosen, skipped, missing = replenishment.choose(
        [candidate('a', 8192), candidate('b', 32768)], conditions,
        pool_size=0, min_size=3)

    assert chosen == ['b']
    assert missing == 2
    assert skipped == {'a': 'does not match spare_host_properties'}


def test_choose_adds_nothing_to_a_full_pool():
    assert replenishment.choose([candidate('a', 1)], [], 2, 2) == ([], {}, 0)
