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

Masakari's evacuation reads an instance and at once reads it again, only
to see whether it is locked; the second read is answered with the first
one's server, which is then as fresh as Nova's second answer would have
been: no change of ours came between, and it is reused only once and
within :data:`REPEAT_WINDOW`.  That is one ``GET /servers/{id}`` less per
instance, on the way to its evacuation.
"""

import time

from masakari.compute import nova as masakari_nova

MICROVERSION = masakari_nova.NOVA_API_VERSION
translated = masakari_nova.translate_nova_exception
#: Seconds within which a repeated read is answered by the one before.
REPEAT_WINDOW = 1.0


class NovaAPI(object):
    """The methods of Masakari's Nova API that its evacuation code uses."""

    def __init__(self, nova, on_change, clock=time.monotonic):
        """:param nova: a novaclient at :data:`MICROVERSION`."""
        self._servers = nova.servers
        self._on_change = on_change
        self._clock = clock
        # uuid -> (when it was read, the server), until read again.
        self._read = {}

    def _change(self, uuid, action, *args, **kwargs):
        self._read.pop(uuid, None)
        try:
            return action(uuid, *args, **kwargs)
        finally:
            self._on_change(uuid)

    @translated
    def get_server(self, context, uuid):
        when, server = self._read.pop(uuid, (None, None))
        if server is not None and self._clock() - when < REPEAT_WINDOW:
            return server
        server = self._servers.get(uuid)
        self._read[uuid] = (self._clock(), server)
        return server

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
