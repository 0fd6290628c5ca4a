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

"""One list call per polling round for all the instances of a recovery.

Masakari confirms each evacuation by reading its instance with its own
``GET /servers/{id}`` every ``verify_interval``: with N evacuations in
flight, N calls a second.  Nova's server list filtered by ``changes-since``
returns every server updated since a time -- deleted ones too -- so one
call a round refreshes every instance a recovery waits for, and a server
that did not change since keeps its last state, which is still current.
The first round lists the failed host's servers, which is where every
instance of the recovery starts.

A look at an instance is always served by a round that began after its
previous look ended and after the last change the recovery made to it (a
lock, an evacuation, a stop): a poll never sees a state older than its
previous poll, nor one from before the change whose outcome it awaits,
and Masakari's semantics hold.  Rounds are shared and begin at most every
``pace`` seconds (``[masakari_blazar] poll_interval``).

Masakari polls every ``verify_interval``, a whole number of seconds, so an
evacuation that ends just after a poll would be seen up to a second late.
A look at an instance that Nova is still changing (its task state is set:
rebuilding, powering off) therefore waits for the rounds that follow, up
to half ``verify_interval``, and is answered by the first one that shows
the instance settled: the end of an evacuation is seen within one pace.
A poll waits at most half an interval plus one round, so Masakari's
polling loop, which warns when a poll outlasts its interval, keeps its
pace.

Nova stamps ``updated_at`` on its control plane, in whole seconds;
``changes-since`` therefore reaches :data:`CLOCK_MARGIN` seconds before the
previous round began, which covers the truncation and a clock skew between
this engine and Nova's hosts that NTP keeps far smaller.
"""

import datetime
import time
import urllib.parse

import eventlet
from eventlet import semaphore
from novaclient import exceptions as nova_exc
from novaclient.v2 import servers as nova_servers

from masakari import exception

CLOCK_MARGIN = 10


def _utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


class ServerWatch(object):
    """Shared, round-based views of the servers a recovery evacuates."""

    def __init__(self, nova, call, interval, pace, clock=time.monotonic,
                 wall=_utcnow, sleep=eventlet.sleep):
        """:param nova: a novaclient at Masakari's microversion.

        :param call: the plugin's API caller (retries, one-line errors).
        :param interval: Masakari's ``verify_interval``.
        :param pace: the least time between the start of two rounds.
        """
        self._nova = nova
        self._call = call
        self.patience = interval / 2.0
        self.pace = pace
        self._clock = clock
        self._wall = wall
        self._sleep = sleep
        self._servers = {}
        self._round_began = None
        self._since = None
        self._looked = {}
        self._changed = {}
        self._lock = semaphore.Semaphore()

    def seed(self, host_name):
        """The first round: the failed host's servers, as they are now.

        It must come before any :meth:`server`.
        """
        with self._lock:
            self._run_round({'all_tenants': 1, 'host': host_name},
                            'GET /servers/detail?host=%s' % host_name,
                            keep_all=True)

    def changed(self, uuid):
        """The recovery just changed ``uuid``: later looks must show it."""
        self._changed[uuid] = self._clock()

    def server(self, uuid):
        """``uuid`` as a GET now would show it (within one round).

        While Nova is changing it, the first round within half an interval
        that shows it settled answers instead.

        :raises masakari.exception.NotFound: if Nova no longer has it, as
            Masakari's ``get_server`` would.
        """
        give_up = self._clock() + self.patience
        self._round_after(max(self._looked.get(uuid, float('-inf')),
                              self._changed.get(uuid, float('-inf'))))
        server = self._latest(uuid)
        while (getattr(server, 'OS-EXT-STS:task_state', None) and
               max(self._clock(), self._round_began + self.pace) <= give_up):
            self._round_after(self._round_began)
            server = self._latest(uuid)
        self._looked[uuid] = self._clock()
        if server.status == 'DELETED':
            raise exception.NotFound(
                reason='Instance %s could not be found.' % uuid)
        return server

    def _round_after(self, moment):
        """Wait for, or run, a round that began after ``moment``."""
        while self._round_began <= moment:
            with self._lock:
                if self._round_began <= moment:
                    self._next_round()

    def _latest(self, uuid):
        server = self._servers.get(uuid)
        if server is None:
            # Not on the failed host at the start and unchanged since: only
            # a re-run meets instances that an earlier run moved.
            server = self._servers[uuid] = self._call(
                'Nova', 'GET /servers/%s' % uuid, self._get, uuid)
        return server

    def _get(self, uuid):
        try:
            return self._nova.servers.get(uuid)
        except nova_exc.NotFound as exc:
            raise exception.NotFound(reason=str(exc))

    def _next_round(self):
        wait = self._round_began + self.pace - self._clock()
        if wait > 0:
            self._sleep(wait)
        since = self._since - datetime.timedelta(seconds=CLOCK_MARGIN)
        self._run_round(
            {'all_tenants': 1,
             'changes-since': since.strftime('%Y-%m-%dT%H:%M:%SZ')},
            'GET /servers/detail?changes-since')

    def _run_round(self, query, label, keep_all=False):
        began, since = self._clock(), self._wall()
        for server in self._call('Nova', label, self._list, query):
            if keep_all or server.id in self._servers:
                self._servers[server.id] = server
        self._round_began = began
        self._since = since

    def _list(self, query):
        """Every page of ``GET /servers/detail?<query>``."""
        found = []
        url = '/servers/detail?' + urllib.parse.urlencode(query)
        while url:
            _, body = self._nova.client.get(url)
            found.extend(nova_servers.Server(self._nova.servers, info,
                                             loaded=True)
                         for info in body.get('servers', []))
            url = None
            for link in body.get('servers_links', []):
                if link.get('rel') == 'next':
                    url = '/servers/detail?' + urllib.parse.urlsplit(
                        link['href']).query
        return found
