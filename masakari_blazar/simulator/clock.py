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

"""The simulated clock: real UTC time plus an offset tests can advance.

Blazar lease events and Nova's "service is down" verdict both depend on the
time.  Tests cannot wait 60 s for a service to be declared down or a year
for a lease to end, so everything that asks "what time is it" asks this
clock, and ``advance`` moves it forward without sleeping.
"""

import datetime
import threading


class SimClock(object):
    """Naive UTC datetimes, as Nova and Blazar store them."""

    def __init__(self):
        self._offset = datetime.timedelta()
        self._lock = threading.Lock()

    def now(self):
        with self._lock:
            offset = self._offset
        return datetime.datetime.utcnow() + offset

    def advance(self, seconds):
        """Move the clock forward by ``seconds`` (may be fractional)."""
        with self._lock:
            self._offset += datetime.timedelta(seconds=seconds)


def isotime(value):
    """Nova's timestamp format: second precision, ``Z`` suffix."""
    return value.strftime('%Y-%m-%dT%H:%M:%SZ')


def blazar_time(value):
    """How Blazar's JSON serialiser renders a datetime."""
    return value.strftime('%Y-%m-%dT%H:%M:%S.%f')
