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

"""The guard that lets one engine at a time evacuate a notification.

Every masakari-engine's periodic task retries the same ERROR notifications,
and Masakari's own lock on a notification is held in one process only, so
two engines can run the evacuation of one notification at once: both would
evacuate every instance (on Nova, a second rebuild while the first runs),
and both would write the same VMoves.  The guard is a tooz lock named after
the notification, on the backend of the claim lock
(:func:`claim_lock.backend_url`), so that engines which share claims share
it too.
"""

import contextlib
import time

from masakari_blazar.cloud import claim_lock
from masakari_blazar import exceptions

PREFIX = 'masakari-blazar-evacuation-'


class GuardBusy(exceptions.RecoveryError):
    """Another engine held the guard for all of the time waited."""


@contextlib.contextmanager
def guarding(conf, notification_uuid, on_wait):
    """Hold the notification's guard; yields the seconds waited for it.

    ``on_wait(url, seconds)`` is called first if another engine holds it;
    the wait then lasts at most ``evacuation_guard_timeout`` plus
    :data:`claim_lock.SLACK` seconds, after reaching the backend within
    ``lock_timeout`` plus the slack (as the claim lock does).  Whatever
    fails before the guard is held raises a RecoveryError, and nothing has
    been changed by then.
    """
    url = claim_lock.backend_url(conf)
    what = 'the evacuation guard of notification %s' % notification_uuid
    unchanged = 'no instance was touched'
    seconds = conf.masakari_blazar.lock_timeout + claim_lock.SLACK
    with claim_lock.connected(url, time.monotonic() + seconds,
                              seconds) as coordinator:
        lock = coordinator.get_lock((PREFIX + notification_uuid).encode())
        started = time.monotonic()
        if not claim_lock.acquire(lock, 0, url, what, unchanged,
                                  exceptions.RecoveryError):
            timeout = conf.masakari_blazar.evacuation_guard_timeout
            on_wait(url, timeout)
            if not claim_lock.acquire(lock, timeout, url, what, unchanged,
                                      exceptions.RecoveryError):
                raise GuardBusy(
                    'Timed out after %d s waiting for %s at %s; another '
                    'engine is still evacuating its instances, and %s' % (
                        timeout, what, url, unchanged))
        try:
            yield time.monotonic() - started
        finally:
            claim_lock.release(lock, url, what, 'the evacuations done under '
                               'it are recorded in its VMoves')
