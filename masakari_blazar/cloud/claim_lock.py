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

"""The lock that makes choosing and claiming a spare one step.

Two engines that read the pool at the same time would choose the same
spare, so reading, choosing and recording a claim happen under one tooz
lock.  Its backend is the one Masakari uses for its own coordination
(``[coordination] backend_url``) unless ``[masakari_blazar] lock_url`` says
otherwise; with neither, a file lock serves engines on one machine.
"""

import contextlib
import os
import socket
import uuid

from oslo_log import log as logging
from tooz import coordination

from masakari_blazar import exceptions

LOG = logging.getLogger(__name__)
LOCK_NAME = b'masakari-blazar-spare-pool'


def backend_url(conf):
    """The tooz URL the claim lock uses, per the precedence above."""
    url = conf.masakari_blazar.lock_url
    if not url and 'coordination' in conf:
        url = conf.coordination.backend_url
    if not url:
        path = conf.masakari_blazar.lock_path
        os.makedirs(path, exist_ok=True)
        url = 'file://' + path
    return url


@contextlib.contextmanager
def spare_pool_lock(conf):
    """Hold the spare-pool lock, failing clearly if it cannot be had."""
    url = backend_url(conf)
    member = ('masakari-blazar-%s-%s' % (socket.gethostname(),
                                         uuid.uuid4().hex[:8])).encode()
    try:
        coordinator = coordination.get_coordinator(url, member)
        coordinator.start(start_heart=True)
    except Exception as exc:
        raise exceptions.ConfigError(
            'Cannot reach the lock backend %s: %s; check [masakari_blazar] '
            'lock_url or [coordination] backend_url' % (url, exc))
    try:
        lock = coordinator.get_lock(LOCK_NAME)
        timeout = conf.masakari_blazar.lock_timeout
        try:
            acquired = lock.acquire(blocking=timeout)
        except coordination.ToozError as exc:
            raise exceptions.ClaimError(
                'The lock backend %s failed while taking the spare-pool '
                'lock: %s' % (url, exc))
        if not acquired:
            raise exceptions.ClaimError(
                'Timed out after %ss waiting for the spare-pool lock at %s; '
                'another recovery holds it' % (timeout, url))
        try:
            yield
        finally:
            lock.release()
    finally:
        coordinator.stop()
