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

"""What the plugin's tasks share: Masakari's records and one-line failures.

Masakari replaces an exception it does not know by a generic message, and
keeps a task's progress details with the notification, so every task
reports and fails the same way: through :func:`failing_clearly` and
:meth:`CleanDetails.report`.  Each task's ``execute`` and ``revert`` are
:func:`naming_the_recovery`, so that every log line written meanwhile
names the notification and the failed host.
"""

import contextlib
import functools
import traceback

from masakari.engine.drivers.taskflow import base
from masakari import exception
from masakari import objects
from oslo_config import cfg
from oslo_utils import timeutils
from taskflow.types import failure

from masakari_blazar.cloud import evacuation_guard
from masakari_blazar.decisions import vmoves
from masakari_blazar import exceptions
from masakari_blazar import log_context
from masakari_blazar.recovery import spare_recovery
from masakari_blazar import safe_text
from masakari_blazar.tasks import shared_clients

CONF = cfg.CONF
LOG = log_context.getLogger(__name__)


def naming_the_recovery(method):
    """Run a task's ``execute`` or ``revert`` with its recovery in the log.

    TaskFlow passes a task's arguments by name, and the host-failure flow's
    store holds ``notification_uuid`` and ``host_name``; see
    :mod:`masakari_blazar.log_context`.
    """
    @functools.wraps(method)
    def named(self, *args, **kwargs):
        with log_context.recovery(kwargs.get('notification_uuid'),
                                  kwargs.get('host_name')):
            return method(self, *args, **kwargs)
    return named


@contextlib.contextmanager
def failing_clearly(task):
    """Turn any failure into a one-line reason kept in the notification.

    Masakari replaces exceptions it does not know by a generic message, so
    the reason is written to the progress details and raised as the
    HostRecoveryFailureException that Masakari keeps.
    """
    try:
        yield
    except exception.MasakariException:
        raise
    except exceptions.RecoveryError as exc:
        message = str(exc)
        LOG.error(message)
        task.update_details(message, 1.0)
        raise exception.HostRecoveryFailureException(message=message)
    except Exception as exc:
        message = safe_text.clean('%s failed unexpectedly: %s' % (
            task.name, exc))
        LOG.error(message)
        LOG.debug(safe_text.mask(traceback.format_exc()))
        task.update_details(message, 1.0)
        raise exception.HostRecoveryFailureException(message=message)


def failure_reason(result=None, flow_failures=None):
    """What failed, from the arguments TaskFlow gives ``revert``, or None.

    ``result`` is the reverting task's own failure when it is the one that
    failed; otherwise the failures of the flow say which task did.
    """
    failures = [result] if isinstance(result, failure.Failure) else []
    failures.extend((flow_failures or {}).values())
    for failed in failures:
        text = ' '.join((failed.exception_str or '').split())
        if text:
            return text
    return None


class GuardHeldElsewhere(exception.HostRecoveryFailureException):
    """Another engine held the evacuation guard; no instance was touched.

    That engine may be evacuating the notification's instances to its
    claimed spares, so the claim's revert keeps them claimed.
    """


def hold_guard(task, stack, notification_uuid):
    """Enter the notification's evacuation guard into ``stack``.

    A lock backend that cannot be reached does not stop the recovery: the
    claim step, which no run passes without the backend, has just been
    passed, so an engine running this notification beside this one would
    have had to pass it in the same moments.  The instances are evacuated
    unguarded then, and the progress details say so.

    :raises GuardHeldElsewhere: with the reason, also kept in the progress
        details, when another engine held the guard for all of
        ``evacuation_guard_timeout``.
    """
    waiting = []

    def on_wait(url, seconds):
        waiting.append(url)
        task.update_details(
            'Another engine is evacuating the instances of this '
            'notification (it holds its evacuation guard at %s); waiting up '
            'to %d s for it to end' % (url, seconds), 0.1)

    try:
        waited = stack.enter_context(evacuation_guard.guarding(
            CONF, notification_uuid, on_wait))
    except evacuation_guard.GuardBusy as exc:
        message = str(exc)
        LOG.error(message)
        task.update_details(message, 1.0)
        raise GuardHeldElsewhere(message=message)
    except exceptions.RecoveryError as exc:
        message = '%s; going on without the evacuation guard' % exc
        LOG.warning(message)
        task.update_details(message, 0.1)
        return
    if waiting:
        task.update_details('The other engine let go of the evacuation '
                            'guard after %d s; reading where the instances '
                            'are now' % waited, 0.2)


def latest_vmoves(context, notification_uuid):
    """Each instance's newest VMove of the notification: its state."""
    return vmoves.newest(objects.VMoveList.get_all_vmoves(
        context, notification_uuid))


def segment_hosts(context, host_name):
    """Names of the hosts in the failed host's Masakari segment."""
    try:
        host = objects.Host.get_by_name(context, host_name)
    except exception.NotFound:
        return []
    return [h.name for h in objects.HostList.get_all(
        context, filters={'failover_segment_id': host.failover_segment.uuid})]


class CleanDetails(object):
    """Progress details written clean (see :mod:`masakari_blazar.safe_text`).

    Every Masakari API user with access to the notification reads them,
    and they carry tenant-set names, Masakari's own lines included (the
    evacuation task's code is Masakari's).
    """

    #: Lines kept for the next flush while :meth:`batching_details` runs.
    _batch = None

    def update_details(self, progress_data, progress=0.0):
        if self._batch is None:
            super().update_details(safe_text.clean(progress_data), progress)
            return
        self._batch.append({'timestamp': str(timeutils.utcnow()),
                            'progress': progress,
                            'message': safe_text.clean(progress_data)})
        if self._since_flush.elapsed() >= self._flush_interval:
            self._flush_details()

    @contextlib.contextmanager
    def batching_details(self, interval):
        """Write the progress details at most once per ``interval``.

        Masakari's ``update_details`` appends a line and notifies TaskFlow
        with the whole record, which TaskFlow stores again: a line per
        instance costs a rewrite of everything said before, quadratic in
        the instances.  Here a line that comes less than ``interval``
        after the last write waits, with its own timestamp and in order,
        for the next line that comes later than that, or for the end of
        the block, however it ends; a line after a quiet spell is written
        at once.  Only an engine that dies loses the lines still waiting.

        The lines are written by whoever says them, never by a
        greenthread of our own: TaskFlow's serial engine runs ``execute``
        holding its storage's write lock, so a progress notification from
        a thread TaskFlow does not take for the engine's waits for the task
        to end, and the task for it.
        """
        self._batch = []
        self._flush_interval = interval
        self._since_flush = timeutils.StopWatch().start()
        try:
            yield
        finally:
            self._flush_details()
            self._batch = None

    def _flush_details(self):
        """Masakari's ``update_details`` for every waiting line at once."""
        waiting, self._batch = self._batch, []
        self._since_flush.restart()
        if waiting:
            self.progress.extend(waiting)
            self._notifier.notify('update_progress', {
                'progress': waiting[-1]['progress'],
                'progress_details': self.progress})

    def report(self, lines, progress):
        """Progress details that masakari-engine's log shows too.

        For what an operator greps the log for: what changed in the cloud,
        the plan, where each instance landed.
        """
        for line in lines:
            line = safe_text.clean(line)
            LOG.info(line)
            self.update_details(line, progress)


class SpareTask(CleanDetails, base.MasakariTask):
    """A task that runs one step of :class:`SpareRecovery`."""

    def recovery(self, notification_uuid):
        return spare_recovery.SpareRecovery(
            CONF, shared_clients.for_notification(CONF, notification_uuid))
