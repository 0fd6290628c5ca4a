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

"""Masakari's per-instance Nova calls, over the plugin's one session.

The evacuation task reuses Masakari's ``_evacuate_and_confirm``, which calls
a ``masakari.compute.nova.API``.  That class builds a new Keystone session
for every call, so every lock, evacuate, poll and unlock first asks Keystone
for a token: about as many token requests as Nova calls.  This class offers
the same methods with the same behaviour -- Masakari's microversion 2.53
(evacuation through the scheduler; an evacuated instance keeps its power
state), no retries, Nova's errors turned into Masakari's exceptions by
Masakari's own decorator -- over the plugin's keystoneauth session, whose
token serves every call until it expires.

Each call that changes an instance is reported to ``on_change``, so that a
:class:`masakari_blazar.cloud.server_watch.ServerWatch` never answers a
poll with a state older than that change.
"""

from masakari.compute import nova as masakari_nova

MICROVERSION = masakari_nova.NOVA_API_VERSION
translated = masakari_nova.translate_nova_exception


class NovaAPI(object):
    """The methods of Masakari's Nova API that its evacuation code uses."""

    def __init__(self, nova, on_change):
        """:param nova: a novaclient at :data:`MICROVERSION`."""
        self._servers = nova.servers
        self._on_change = on_change

    def _change(self, uuid, action, *args, **kwargs):
        try:
            return action(uuid, *args, **kwargs)
        finally:
            self._on_change(uuid)

    @translated
    def get_server(self, context, uuid):
        return self._servers.get(uuid)

    @translated
    def lock_server(self, context, uuid):
        return self._change(uuid, self._servers.lock)

    @translated
    def unlock_server(self, context, uuid):
        return self._change(uuid, self._servers.unlock)

    @translated
    def stop_server(self, context, uuid):
        return self._change(uuid, self._servers.stop)

    @translated
    def reset_instance_state(self, context, uuid, status='error'):
        return self._change(uuid, self._servers.reset_state, status)

    @translated
    def evacuate_instance(self, context, uuid, target=None):
        return self._change(uuid, self._servers.evacuate, host=target)
