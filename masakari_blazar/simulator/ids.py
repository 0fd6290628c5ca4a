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

"""Stable identifiers, so that two runs of a scenario give equal snapshots.

Objects named in a scenario get a uuid5 of their kind and name.  Objects
created later through an API get a uuid5 of their kind and a per-kind
sequence number, so the same sequence of calls yields the same ids.
"""

import itertools
import threading
import uuid

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, 'masakari-blazar.simulator')


def stable_uuid(kind, name):
    """The uuid of the ``kind`` object called ``name``."""
    return str(uuid.uuid5(NAMESPACE, '%s:%s' % (kind, name)))


class IdGenerator(object):
    """Sequence-based uuids and integer ids, one counter per kind."""

    def __init__(self):
        self._counters = {}
        self._lock = threading.Lock()

    def _next(self, kind):
        with self._lock:
            counter = self._counters.setdefault(kind, itertools.count(1))
            return next(counter)

    def uuid(self, kind):
        return stable_uuid(kind, '#%d' % self._next(kind))

    def integer(self, kind):
        return self._next(kind)
