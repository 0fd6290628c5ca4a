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

"""What a retry does with an instance in ERROR, on literal values."""

import collections
import datetime

import pytest

from masakari_blazar.decisions import retries

Attempt = collections.namedtuple('Attempt', 'status start_time')
STARTED = datetime.datetime(2026, 12, 2, 14, 0, 5, 600000)
FAILED = Attempt('failed', STARTED)
PENDING = Attempt('pending', None)
LEAVE = retries.Action.LEAVE


def at(seconds):
    """Nova's fault time, ``seconds`` after 14:00:00 (to the second)."""
    return datetime.datetime(2026, 12, 2, 14, 0, seconds)


def test_an_instance_in_error_before_any_evacuation_is_left_so():
    assert retries.action('error', 'compute-1', at(1), [PENDING],
                          'compute-1') is LEAVE


def test_an_instance_not_in_error_is_left_as_it_is():
    assert retries.action('active', 'compute-1', at(9), [FAILED, PENDING],
                          'compute-1') is LEAVE


def test_a_fault_older_than_the_first_evacuation_was_there_before():
    # Masakari evacuated it and restored the ERROR it found.
    assert retries.action('error', 'spare-1', at(4),
                          [Attempt('succeeded', STARTED), FAILED],
                          'compute-1') is LEAVE


@pytest.mark.parametrize('fault_second', [5, 6, 59])
def test_a_fault_since_the_first_evacuation_is_ours(fault_second):
    # Nova keeps seconds: 14:00:05 is not before a start at 14:00:05.6.
    assert retries.action('error', 'compute-1', at(fault_second),
                          [FAILED, PENDING], 'compute-1') is \
        retries.Action.EVACUATE_AGAIN


def test_ours_and_off_the_failed_host_is_recovered_where_it_is():
    assert retries.action('error', 'spare-1', at(7), [FAILED],
                          'compute-1') is retries.Action.RECOVER_IN_PLACE


def test_without_a_fault_an_attempt_that_did_not_succeed_left_it():
    # Masakari resets an instance being rebuilt to ERROR, with no fault.
    assert retries.action('error', 'compute-1', None,
                          [Attempt('ongoing', STARTED), PENDING],
                          'compute-1') is retries.Action.EVACUATE_AGAIN


def test_without_a_fault_a_successful_attempt_restored_the_error():
    assert retries.action('error', 'spare-1', None,
                          [Attempt('succeeded', STARTED)],
                          'compute-1') is LEAVE
