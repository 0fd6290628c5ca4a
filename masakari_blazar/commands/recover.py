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

"""``masakari-blazar recover HOST``: an operator-triggered host recovery.

By default it does what an operator does with ``openstack notification
create COMPUTE_HOST``: it posts the notification that masakari-hostmonitor
would post for a fenced host to the Masakari API
(:mod:`masakari_blazar.cloud.masakari_api`), then reads the notification
back until it ends, printing each progress detail once.  masakari-engine
runs the recovery.

With ``--local`` no Masakari service is needed: Masakari's own engine runs
in this process (:mod:`masakari_blazar.local.engine`), with its records in
a scratch directory, against the configured cloud.  Masakari never records
such a recovery, and its claims name a notification only that scratch
database knows, so it runs on the simulated cloud only, unless the
operator says ``--unrecorded``.

Either way the host must already be down in Nova: Nova refuses to
evacuate from a host whose nova-compute is up, and a recovery that fails
there would leave its spares claimed.
"""

import logging
import os
import tempfile
import threading
import time

from masakari_blazar.cloud import masakari_api
from masakari_blazar.cloud import pool_reader
from masakari_blazar.commands import progress
from masakari_blazar.decisions import reserved_flags
from masakari_blazar import exceptions
from masakari_blazar.recovery import spare_recovery

# What masakari-hostmonitor reports once IPMI confirms the power is off;
# the engine recovers only host_status NORMAL.
PAYLOAD = {'event': 'STOPPED', 'host_status': 'NORMAL',
           'cluster_status': 'OFFLINE'}
ENDED = ('finished', 'error', 'failed', 'ignored')
LOCAL_SEGMENT = 'masakari-blazar-local'


def require_down(recovery, hostname):
    """Refuse, in one line, a host that Nova does not hold as down."""
    services = recovery.inventory.services()
    service = services.get(hostname)
    if service is None:
        raise exceptions.RecoveryError(
            'unknown host %s: Nova has no nova-compute service of that '
            'name' % hostname)
    if service.get('state') == 'up' and not service.get('forced_down'):
        raise exceptions.RecoveryError(
            'nova-compute on %s is up, and Nova refuses to evacuate from a '
            'host whose service is up: fence the host (power it off), then '
            'mark it down: openstack compute service set --down %s '
            'nova-compute' % (hostname, hostname))
    return service


def outcome(notification_uuid, status, last_message, local=False):
    """The exit status and, on failure, the one-line reason.

    The reason ends with what happens next, as Masakari 22 does it: an
    ERROR notification is run once more, then set FAILED for good; a
    ``--local`` engine runs nothing again.
    """
    if status == 'finished':
        return 0, None
    reason = 'notification %s ended %s' % (
        notification_uuid, status.upper())
    if last_message:
        reason += ': %s' % last_message
    if status == 'error' and local:
        reason += '; the local engine does not run it again'
    elif status == 'error':
        reason += ('; masakari-engine runs it once more at its next '
                   'process_unfinished_notifications_interval, and marks '
                   'it FAILED if that run fails too')
    elif status == 'failed':
        reason += ('; Masakari never runs it again: "masakari-blazar pool '
                   'status" says what finishes it')
    return 1, reason


# In-process -----------------------------------------------------------------

def refuse_unrecorded(recovery, hostname, unrecorded):
    """Refuse, in one line, a local recovery of any but the simulated cloud.

    :returns: True when the operator asked for it anyway (``unrecorded``),
        so that the output says that Masakari never records it.
    """
    if recovery.clients.simulated():
        return False
    if not unrecorded:
        raise exceptions.RecoveryError(
            '--local would recover %s with Masakari\'s engine on a scratch '
            'database that Masakari never reads, and this cloud is not the '
            'simulated one: drop --local to recover through the Masakari '
            'API, or add --unrecorded to run it anyway' % hostname)
    return True


def run_local(recovery, hostname, recovery_method, say, workdir):
    """Recover ``hostname`` with Masakari's engine in this process.

    Masakari's records live in ``workdir``: one segment holding every
    nova-compute host, with ``recovery_method``; for reserved-host methods
    the free spares are its reserved hosts, as "sync-reserved" would flag
    them.

    :returns: ``(notification uuid, status, last progress message)``.
    """
    from masakari_blazar.local import engine as local_engine
    require_down(recovery, hostname)
    hosts = sorted(recovery.inventory.services())
    free = [r.hostname for r in pool_reader.pool_rows(recovery)
            if r.state == pool_reader.FREE]
    engine = local_engine.get_engine(workdir)
    log_path = _log_to(os.path.join(workdir, 'masakari-engine.log'))
    say('Masakari\'s engine runs in this process; its log: %s' % log_path)
    engine.reset()
    reserved = recovery_method in reserved_flags.RESERVED_METHODS
    engine.add_segment(LOCAL_SEGMENT, recovery_method, hosts,
                       reserved=free if reserved else ())
    notification_uuid = engine.create_notification(hostname)
    say('Masakari notification %s for %s, processed in this process '
        '(segment recovery_method %s):' % (notification_uuid, hostname,
                                           recovery_method))
    printer = progress.ProgressPrinter(say)
    worker = threading.Thread(target=engine.process,
                              args=(notification_uuid,), daemon=True)
    worker.start()
    progress.follow_local(engine, notification_uuid, worker, printer)
    status = engine.notification(notification_uuid)['status']
    return notification_uuid, status, printer.last


def _log_to(path):
    """Send the in-process engine's log records to a file, as its own.

    Masakari's database migration configures logging from alembic's file,
    which sends records to stderr and disables the loggers that existed;
    both are undone, so the terminal shows only progress and one line on
    failure.
    """
    handler = logging.FileHandler(path)
    handler.setFormatter(logging.Formatter(
        '%(asctime)s %(process)d %(levelname)s %(name)s %(message)s'))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    for logger in list(logging.root.manager.loggerDict.values()):
        if isinstance(logger, logging.Logger):
            logger.disabled = False
            for old in list(logger.handlers):
                if isinstance(old, logging.StreamHandler) and \
                        not isinstance(old, logging.FileHandler):
                    logger.removeHandler(old)
    return path


# Through the Masakari API ---------------------------------------------------

def run_api(conf, recovery, hostname, say, timeout, interval):
    """Recover ``hostname`` through the Masakari API and follow it.

    A read that fails while following (Masakari restarting, a database
    busy) is tried again until ``timeout``; only creating the notification
    must succeed at once.

    :returns: ``(notification uuid, status, last progress message)``.
    """
    require_down(recovery, hostname)
    api = masakari_api.MasakariApi(conf, recovery.clients)
    notification_uuid = api.create_notification(hostname, PAYLOAD)
    say('Masakari notification %s created for %s; masakari-engine '
        'recovers it:' % (notification_uuid, hostname))
    printer = progress.ProgressPrinter(say)
    deadline = time.monotonic() + timeout
    status = 'new'
    while True:
        try:
            status, details = api.notification(notification_uuid)
            printer.update(progress.from_api(details))
        except exceptions.ApiError as exc:
            if exc.status is not None and exc.status < 500:
                raise
        if status in ENDED:
            return notification_uuid, status, printer.last
        if time.monotonic() > deadline:
            raise exceptions.RecoveryError(
                'notification %s is still %s after %d s; follow it with '
                '"openstack notification show %s"' % (
                    notification_uuid, status, timeout, notification_uuid))
        time.sleep(interval)


def _say(text=''):
    print(text, flush=True)


def _workdir(path):
    """The local engine's directory, made and checked before it is used."""
    if path is None:
        return tempfile.mkdtemp(prefix='masakari-blazar-recover-')
    try:
        os.makedirs(path, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=path)
        probe.close()
    except OSError as exc:
        raise exceptions.ConfigError(
            '--workdir %s cannot hold the local engine\'s database (%s); '
            'give a directory you can write' % (path, exc.strerror or exc))
    return path


def main(conf, hostname, local=False, unrecorded=False,
         recovery_method='auto', workdir=None, timeout=1800,
         poll_interval=2.0):
    """Recover ``hostname``; one line on why unless it ends FINISHED."""
    recovery = spare_recovery.SpareRecovery(conf)
    note = None
    if local:
        unrecorded = refuse_unrecorded(recovery, hostname, unrecorded)
        workdir = _workdir(workdir)
        if unrecorded:
            note = ('Masakari does not record this recovery: its '
                    'notification, and the claims naming it, exist only in '
                    '%s.' % workdir)
            _say(note)
        uuid, status, last = run_local(recovery, hostname, recovery_method,
                                       _say, workdir)
    else:
        uuid, status, last = run_api(conf, recovery, hostname, _say, timeout,
                                     poll_interval)
    _say('Notification %s ended %s.' % (uuid, status.upper()))
    if note:
        _say(note)
    code, reason = outcome(uuid, status, last, local=local)
    if reason:
        raise exceptions.RecoveryError(reason)
    return code
