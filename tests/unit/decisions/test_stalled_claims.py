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

import pytest

from masakari_blazar.decisions import stalled_claims


@pytest.mark.parametrize('status', ['new', 'running', 'finished'])
def test_a_recovery_that_may_still_use_its_spare_needs_nobody(status):
    assert stalled_claims.advice('spare-1', 'n-1', status, 'compute-1',
                                 False) is None


def test_an_erring_recovery_is_retried_once_more():
    line = stalled_claims.advice('spare-1', 'n-1', 'error', 'compute-1',
                                 True)
    assert 'ended ERROR: Masakari runs it once more' in line
    assert 'return' not in line


def test_an_empty_spare_of_a_failed_recovery_goes_back_first():
    line = stalled_claims.advice('spare-1', 'n-1', 'failed', 'compute-1',
                                 False)
    assert line.index('"masakari-blazar return spare-1"') < line.index(
        '"masakari-blazar recover compute-1"')


def test_a_spare_that_took_instances_returns_only_once_empty():
    line = stalled_claims.advice('spare-1', 'n-1', 'failed', 'compute-1',
                                 True)
    assert line.index('"masakari-blazar recover compute-1"') < line.index(
        'keeps the instances that reached it')
    assert line.endswith('"masakari-blazar return spare-1" makes it a '
                         'spare again once it is empty')


def test_an_unknown_failed_host_is_named_as_a_placeholder():
    line = stalled_claims.advice('spare-1', 'n-1', None, None, False)
    assert 'which Masakari no longer has' in line
    assert '"masakari-blazar recover HOST"' in line
