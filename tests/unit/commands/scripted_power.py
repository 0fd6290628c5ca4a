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
"""A power driver whose BMCs answer what a test scripts.

For the commands' judgements of what a driver read; the drivers
themselves are tested against a real Redfish emulator and the simulated
cloud's Ironic.
"""


class ScriptedPower(object):
    """``states`` maps each host to its state, or to the error it raises."""

    manages_power = True

    def __init__(self, states):
        self.states = states

    def power_state(self, host):
        state = self.states[host]
        if isinstance(state, Exception):
            raise state
        return state

    def target(self, host):
        return 'BMC of %s' % host
