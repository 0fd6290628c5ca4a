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
import threading
import time
import uuid

import tenacity
from tooz import coordination

from masakari_blazar import exceptions
from masakari_blazar import log_context
from masakari_blazar import safe_text

LOG = log_context.getLogger(__name__)
LOCK_NAME = b'masakari-blazar-spare-pool'
# Seconds a lock backend call may take beyond lock_timeout (connecting and
# taking the lock), and for each of releasing it and leaving the backend.
SLACK = 10


def backend_url(conf):
    """The tooz URL the claim lock uses, per the precedence above."""
    url = conf.masakari_blazar.lock_url
    if not url and 'coordination' in conf:
        url = conf.coordination.backend_url
    if not url:
        path = conf.masakari_blazar.lock_path
        try:
            os.makedirs(path, exist_ok=True)
        except OSError as exc:
            raise exceptions.ConfigError(
                '[masakari_blazar] lock_path %s cannot hold the claim lock '
                '(%s); set it to a directory masakari-engine can write, or '
                'set lock_url' % (path, exc.strerror or exc))
        url = 'file://' + path
    return url


def _bounded(seconds, fn, *args, **kwargs):
    """``fn(*args, **kwargs)``, or :class:`_TimedOut` after ``seconds``.

    tooz's drivers keep retrying a backend that refuses or vanished (the
    redis driver makes fifteen attempts, each with redis-py's own backoff:
    about a minute for a refused port), and stopping a coordinator joins
    its heartbeat, which waits on the same dead backend.  So each call to
    the backend runs in a worker thread that is abandoned at its deadline;
    it ends on its own once the driver gives up.
    """
    outcome = {}

    def run():
        try:
            outcome['value'] = fn(*args, **kwargs)
        except Exception as exc:
            outcome['error'] = exc

    worker = threading.Thread(target=run, name='masakari-blazar-lock',
                              daemon=True)
    worker.start()
    worker.join(max(seconds, 0))
    if worker.is_alive():
        raise _TimedOut()
    if 'error' in outcome:
        raise outcome['error']
    return outcome.get('value')


class _TimedOut(Exception):
    """A call to the lock backend did not return in time."""


@contextlib.contextmanager
def spare_pool_lock(conf):
    """Hold the spare-pool lock, failing clearly if it cannot be had.

    Whatever the backend does, this returns or fails within
    ``lock_timeout`` plus :data:`SLACK` seconds to take the lock, and
    :data:`SLACK` seconds each to release it and to leave the backend; a
    lock that cannot be released is logged, since what was done under it is
    already recorded in the claim ledger.
    """
    url = backend_url(conf)
    timeout = conf.masakari_blazar.lock_timeout
    deadline = time.monotonic() + timeout + SLACK
    with connected(url, deadline, timeout + SLACK) as coordinator:
        lock = coordinator.get_lock(LOCK_NAME)
        wait = min(timeout, max(deadline - time.monotonic(), 0))
        if not acquire(lock, wait, url, 'the spare-pool lock',
                       'nothing was claimed', exceptions.ClaimError):
            raise exceptions.ClaimError(
                'Timed out after %ss waiting for the spare-pool lock at %s; '
                'another recovery holds it' % (timeout, url))
        try:
            yield
        finally:
            release(lock, url, 'the spare-pool lock', 'the claims made '
                    'under it are recorded in the claim ledger')


@contextlib.contextmanager
def connected(url, deadline, seconds):
    """A coordinator on the backend at ``url``, started by ``deadline``.

    Leaving the backend takes at most :data:`SLACK` seconds more; see
    :func:`_join` for a backend that does not answer in ``seconds``.
    """
    coordinator = _join(url, deadline, seconds)
    try:
        yield coordinator
    finally:
        _leave(coordinator, url)


def probe(conf):
    """Fail now, with the backend named, if the claim lock is out of reach.

    A recovery's first step disables the failed host's service; checking
    the backend before it means a lock backend that is down or
    misconfigured stops the recovery before it changes anything.
    """
    url = backend_url(conf)
    seconds = conf.masakari_blazar.lock_timeout + SLACK
    _leave(_join(url, time.monotonic() + seconds, seconds), url)


def _join(url, deadline, seconds):
    """A started coordinator for ``url``, within ``deadline``."""
    member = ('masakari-blazar-%s-%s' % (socket.gethostname(),
                                         uuid.uuid4().hex[:8])).encode()
    coordinator = None
    try:
        coordinator = coordination.get_coordinator(url, member)
        _bounded(deadline - time.monotonic(), coordinator.start,
                 start_heart=True)
    except _TimedOut:
        _leave(coordinator, url)
        raise exceptions.ConfigError(
            'The lock backend %s did not answer within %d s; check that it '
            'runs, and [masakari_blazar] lock_url or [coordination] '
            'backend_url' % (url, seconds))
    except Exception as exc:
        raise exceptions.ConfigError(
            'Cannot reach the lock backend %s: %s; check [masakari_blazar] '
            'lock_url or [coordination] backend_url' % (url, _reason(exc)))
    return coordinator


def acquire(lock, wait, url, what, unchanged, error):
    """Whether ``lock`` was taken within ``wait`` seconds (0: at once).

    A backend that stops answering, or fails, within :data:`SLACK`
    seconds more is an ``error`` saying that ``what`` was being taken and
    that the caller left things ``unchanged``.
    """
    try:
        return _bounded(wait + SLACK, lock.acquire, blocking=wait)
    except tenacity.RetryError:
        # tooz's etcd3gw lock gives up waiting by letting its retry loop's
        # RetryError out, where the other drivers answer False.
        return False
    except _TimedOut:
        raise error('The lock backend %s stopped answering while %s was '
                    'being taken; %s' % (url, what, unchanged))
    except coordination.ToozError as exc:
        raise error('The lock backend %s failed while taking %s: %s; %s' % (
            url, what, _reason(exc), unchanged))


def release(lock, url, what, recorded):
    """Release ``lock`` within :data:`SLACK` seconds, or log why not.

    :param recorded: where what was done under the lock is kept, which is
        why failing to release it only warrants a warning.
    """
    problem = _problem(SLACK, lock.release, failed='it was not confirmed')
    if problem:
        LOG.warning(safe_text.clean(
            'Could not release %s at %s (%s); %s, and the backend expires '
            'the lock' % (what, url, problem, recorded)))


def _leave(coordinator, url):
    if coordinator is None:
        return
    problem = _problem(SLACK, coordinator.stop)
    if problem:
        LOG.warning(safe_text.clean(
            'Could not leave the lock backend %s cleanly (%s)' % (
                url, problem)))


def _problem(seconds, fn, failed=None):
    """What went wrong calling the backend within ``seconds``, or None.

    :param failed: what to say when ``fn`` answers False (tooz's redis
        lock logs a failed release and returns False instead of raising).
    """
    try:
        answer = _bounded(seconds, fn)
    except _TimedOut:
        return 'no answer within %d s' % seconds
    except coordination.ToozError as exc:
        return _reason(exc)
    if answer is False and failed:
        return failed
    return None


def _reason(exc):
    """Why a backend call failed, in words, even when ``str(exc)`` is empty.

    etcd3gw's exceptions keep their text in ``detail_text`` and print as
    nothing, and tooz's etcd3gw driver re-raises them as its own errors with
    that empty text (the original as the cause), so a refused connection
    would otherwise be told as ``Cannot reach the lock backend ...: ;``.
    """
    for error in (exc, exc.__cause__):
        text = error is not None and (
            str(error) or getattr(error, 'detail_text', None))
        if text:
            return text
    return type(exc).__name__
