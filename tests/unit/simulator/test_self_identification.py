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

"""What the simulator says of itself, as the plugin reads it."""

from masakari_blazar.cloud import clients
from masakari_blazar.simulator.keystone import api as keystone


def test_the_plugin_looks_for_the_service_the_simulator_lists():
    # The simulator imports nothing of the plugin, so each side names the
    # service type on its own.
    assert clients.SIMULATOR_SERVICE_TYPE == keystone.SIMULATOR_SERVICE_TYPE
    assert keystone.SIMULATOR_SERVICE_TYPE in [
        service_type for service_type, _, _ in keystone.SERVICES]
