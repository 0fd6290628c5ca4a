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

"""Masakari's choice of the instances a host failure moves."""

import pytest

from masakari_blazar.decisions import evacuees

HA = {'metadata': {'HA_Enabled': 'True'}, 'OS-EXT-STS:vm_state': 'active'}
PLAIN = {'metadata': {}, 'OS-EXT-STS:vm_state': 'active'}
HA_ERROR = {'metadata': {'HA_Enabled': 'yes'}, 'OS-EXT-STS:vm_state': 'error'}


@pytest.mark.parametrize('server,evacuate_all,ignore_error,expected', [
    (HA, False, False, True),
    (PLAIN, False, False, False),
    (PLAIN, True, False, True),
    (HA_ERROR, False, False, True),
    (HA_ERROR, True, True, False),
])
def test_would_move(server, evacuate_all, ignore_error, expected):
    assert evacuees.would_move(server, 'HA_Enabled', evacuate_all,
                               ignore_error) is expected
