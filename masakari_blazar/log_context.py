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

"""Log lines that say which recovery they belong to.

masakari-engine runs the flows of several notifications in one process,
and its log interleaves their lines; an operator looks for one failure by
its notification or its host.  So every plugin module logs through
:func:`getLogger`, and while a task of a recovery runs (:func:`recovery`)
each line starts with ``[notification <uuid> host <name>]``, whichever
module writes it.  The recovery is a context variable: each greenthread
(and thread) has its own, so concurrent recoveries do not mix.  A
greenthread the plugin starts for the recovery is given a copy
(``contextvars.copy_context().run``); code that Masakari runs in a
greenthread of its own (its evacuation's looping call) calls back into the
plugin, which goes on with the recovery there (:func:`resumed`).
"""

import contextlib
import contextvars
import logging

from oslo_log import log as oslo_logging

_HEAD = contextvars.ContextVar('masakari_blazar_recovery', default='')


def head(notification_uuid, host_name):
    """What each log line of the recovery starts with."""
    return '[notification %s host %s] ' % (notification_uuid, host_name)


def current():
    """The running recovery's :func:`head`, or '' outside any."""
    return _HEAD.get()


@contextlib.contextmanager
def resumed(text):
    """Go on, in this greenthread, with the recovery whose head is ``text``.

    :param text: what :func:`current` said where the recovery runs.
    """
    token = _HEAD.set(text)
    try:
        yield
    finally:
        _HEAD.reset(token)


def recovery(notification_uuid, host_name):
    """Name the recovery in every log line written inside the block."""
    return resumed(head(notification_uuid, host_name))


class RecoveryLogger(logging.LoggerAdapter):
    """oslo.log's logger, with the current recovery ahead of each line."""

    def log(self, level, msg, *args, **kwargs):
        text = _HEAD.get()
        if text:
            # With arguments the line is %-formatted, the head included.
            msg = (text.replace('%', '%%') if args else text) + str(msg)
        self.logger.log(level, msg, *args, **kwargs)


def getLogger(name):
    """The logger of module ``name``; see the module's documentation."""
    return RecoveryLogger(oslo_logging.getLogger(name), {})
