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

"""Injected failures and latency, per service, method and path.

A fault is checked before the handler runs, so a failed call changes
nothing, as when a proxy or the network fails in front of the service.
"""

import dataclasses
import re
import threading

KINDS = ('500', '503', 'timeout', 'drop')
SERVICES = ('keystone', 'nova', 'placement', 'blazar')


@dataclasses.dataclass
class Fault(object):
    """``count`` failures of ``kind`` (None: latency only, no failure)."""

    service: str
    method: str = None
    path: str = None
    kind: str = None
    count: int = 1
    latency: float = 0.0

    def matches(self, service, method, target):
        return (self.service == service
                and (self.method is None or self.method == method)
                and (self.path is None or re.search(self.path, target)))


class Faults(object):
    """The fault table of one cloud; thread-safe."""

    def __init__(self):
        self._faults = []
        self._lock = threading.Lock()

    def add(self, service, method=None, path=None, kind='500', count=1,
            latency=0.0):
        """Make the next ``count`` matching requests fail with ``kind``.

        ``path`` is a regular expression searched in the request's full
        path and query string (e.g. ``'/os-hosts'``, ``'servers/.*/action'``).
        ``kind`` None (or ``count`` 0) with a ``latency`` only slows the
        matching requests down, for as long as the fault stays.
        """
        if service not in SERVICES:
            raise ValueError('service must be one of %s' % (SERVICES,))
        if kind is not None and kind not in KINDS:
            raise ValueError('kind must be one of %s' % (KINDS,))
        fault = Fault(service=service, method=method and method.upper(),
                      path=path, kind=kind, count=count, latency=latency)
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self):
        with self._lock:
            self._faults = []

    def take(self, service, method, target):
        """(latency, kind) for this request; consumes one failure."""
        latency = 0.0
        kind = None
        with self._lock:
            for fault in list(self._faults):
                if not fault.matches(service, method, target):
                    continue
                latency += fault.latency
                if kind is None and fault.kind and fault.count > 0:
                    kind = fault.kind
                    fault.count -= 1
                    if fault.count == 0:
                        self._faults.remove(fault)
        return latency, kind
