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
"""The ``none`` power driver: every spare stays powered on, as before.

It is the default so that a deployment that never configured power
behaves exactly as one that predates power drivers.
"""

from masakari_blazar import exceptions
from masakari_blazar.power import driver


class Unmanaged(driver.PowerDriver):
    manages_power = False

    def target(self, host):
        return 'no power driver ([masakari_blazar] power_driver = none)'

    def power_state(self, host):
        return None

    def power_on(self, host):
        raise self._refusal(host)

    def power_off(self, host):
        raise self._refusal(host)

    @staticmethod
    def _refusal(host):
        return exceptions.PowerError(
            'cannot switch the power of %s: [masakari_blazar] power_driver '
            'is none; set it to ironic or redfish' % host)
