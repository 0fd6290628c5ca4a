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

"""The real masakari-engine, run in this process on sqlite.

The demo, ``masakari-blazar recover --local`` and the end-to-end tests need
Masakari itself to run the recovery: its notification handling, its
TaskFlow driver with persistence, its VMoves and its progress details.
This module sets Masakari up the way ``masakari-engine`` would be, with
its database and TaskFlow logbooks in a work directory, and drives it
through :class:`masakari.engine.manager.MasakariManager`.

Masakari's configuration is process-global, so there is one engine per
process; :meth:`LocalEngine.use_cloud` points it at another cloud.
"""

import contextlib
import os
import sqlite3
import sys

from oslo_config import cfg
from oslo_utils import timeutils
from oslo_utils import uuidutils

from masakari_blazar import conf as mb_conf
from masakari_blazar import exceptions

CONF = cfg.CONF

FLOW_GROUP = 'taskflow_driver_recovery_flows'
AUTO_FLOW = 'host_auto_failure_recovery_tasks'
RH_FLOW = 'host_rh_failure_recovery_tasks'
FLOWS_FILE = 'masakari-custom-recovery-methods.conf'
# Where FLOWS_FILE is found, in this order: etc/masakari beside the
# package, in a checkout and in an editable install; then where the wheel
# installs it (setup.cfg data_files).
FLOWS_DIRS = (
    os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__)))), 'etc', 'masakari'),
    os.path.join(sys.prefix, 'etc', 'masakari-blazar'),
)

# Masakari's evacuation waits and polls; a simulated cloud answers at once.
# verify_interval is an integer: 1 s is its shortest pause, and the
# plugin's watch answers Masakari's polls as soon as an evacuation ends.
FAST_ENGINE = {
    'wait_period_after_service_update': 0,
    'verify_interval': 1,
    'wait_period_after_evacuation': 60,
    'wait_period_after_power_off': 60,
}

_ENGINE = None


def flows_file():
    """The path of the shipped recovery flows, refused if it is missing."""
    paths = [os.path.join(directory, FLOWS_FILE) for directory in FLOWS_DIRS]
    for path in paths:
        if os.path.isfile(path):
            return path
    raise exceptions.ConfigError(
        'the recommended recovery flows are read from %s, which does not '
        'exist' % ' or '.join(paths))


def recommended_flows():
    """Both host-failure flows, read from the shipped file.

    The demo, ``recover --local`` and the tests run exactly what operators
    are told to install, as masakari-engine parses it: Masakari's own
    option types read the file.

    :returns: ``{AUTO_FLOW: {'pre': [...], 'main': [...], 'post': [...]},
        RH_FLOW: {...}}``.
    """
    from masakari.conf import engine_driver
    flows = cfg.ConfigOpts()
    flows.register_opts(engine_driver.taskflow_driver_recovery_flows,
                        group=FLOW_GROUP)
    flows([], default_config_files=[flows_file()], default_config_dirs=[])
    return {name: flows[FLOW_GROUP][name] for name in (AUTO_FLOW, RH_FLOW)}


def get_engine(workdir):
    """The process's engine, set up in ``workdir`` the first time."""
    global _ENGINE
    if _ENGINE is None:
        mb_conf.parse_config_once()
        _ENGINE = LocalEngine(workdir)
    return _ENGINE


def set_credentials(conf, credentials):
    """Give the plugin's ``[blazar]`` section a cloud's password login."""
    from keystoneauth1 import loading as ks_loading
    group = mb_conf.BLAZAR_GROUP
    conf.set_override('auth_type', 'password', group=group)
    # The auth plugin's options exist once its type is known.
    ks_loading.register_auth_conf_options(conf, group)
    for opt in ks_loading.get_auth_plugin_conf_options('password'):
        if opt.dest not in conf[group]:
            conf.register_opt(opt, group=group)
    for name in ('auth_url', 'username', 'password', 'project_name',
                 'user_domain_name', 'project_domain_name'):
        conf.set_override(name, credentials[name], group=group)


class LocalEngine(object):
    """Masakari's engine manager with the plugin's tasks configured."""

    def __init__(self, workdir):
        os.makedirs(workdir, exist_ok=True)
        self.workdir = workdir
        self._configure()
        from masakari import context
        from masakari.engine import manager
        self.context = context.get_admin_context()
        self.manager = manager.MasakariManager()

    def _configure(self):
        from masakari.compute import nova  # noqa: F401  (keystone opts)
        from masakari.db.sqlalchemy import api as db_api
        from masakari.db.sqlalchemy import migration
        from masakari import objects
        from masakari import rpc

        # Several engine processes may share these files; a writer waits
        # for another's lock up to the timeout instead of failing at once.
        files = [os.path.join(self.workdir, name)
                 for name in ('masakari.sqlite', 'taskflow.sqlite')]
        db, flows = ('sqlite:///%s?timeout=60' % path for path in files)
        CONF.set_override('connection', db, group='database')
        CONF.set_override('connection', flows, group='taskflow')
        import oslo_messaging.opts
        for group, opts in oslo_messaging.opts.list_opts():
            if group is None:
                CONF.register_opts(opts)
        CONF.set_override('transport_url', 'fake:/')
        for name, value in FAST_ENGINE.items():
            CONF.set_override(name, value)
        self.set_tasks()
        # Masakari reads [taskflow] connection into a module global when
        # its TaskFlow base module is imported.  Importing it only now makes
        # it see the value above, as masakari-engine does after parsing its
        # configuration; a module imported earlier (by a test) is corrected.
        from masakari.engine.drivers.taskflow import base
        base.PERSISTENCE_BACKEND = flows
        db_api.configure(CONF)
        objects.register_all()
        rpc.init(CONF)
        migration.db_sync()
        self._upgrade_logbooks(flows)
        for path in files:
            _write_ahead(path)

    @staticmethod
    def _upgrade_logbooks(url):
        from taskflow.persistence import backends
        backend = backends.fetch(url)
        with contextlib.closing(backend.get_connection()) as conn:
            conn.upgrade()

    @staticmethod
    def set_tasks(tasks=None, rh_tasks=None):
        """Name the tasks of both host-failure flows, as masakari.conf does.

        Without ``tasks``, both flows are the recommended ones; with only
        ``tasks``, both flows run them.
        """
        flows = ({AUTO_FLOW: tasks, RH_FLOW: rh_tasks or tasks} if tasks
                 else recommended_flows())
        for name, value in flows.items():
            CONF.set_override(name, value, group=FLOW_GROUP)

    def use_cloud(self, credentials, **plugin_options):
        """Point Masakari and the plugin at a cloud's Keystone.

        The plugin's options start from their defaults each time, with the
        claim lock in the work directory and Nova read as often as
        ``poll_interval`` allows (these clouds answer at once), then take
        ``plugin_options``.
        """
        CONF.set_override('os_privileged_user_auth_url',
                          credentials['auth_url'])
        CONF.set_override('os_privileged_user_name', credentials['username'])
        CONF.set_override('os_privileged_user_password',
                          credentials['password'])
        CONF.set_override('os_privileged_user_tenant',
                          credentials['project_name'])
        CONF.set_override('auth_type', 'password', group='keystone_authtoken')
        set_credentials(CONF, credentials)
        for opt in mb_conf.ALL_PLUGIN_OPTS:
            CONF.clear_override(opt.dest, group=mb_conf.PLUGIN_GROUP)
        CONF.set_override('lock_path', os.path.join(self.workdir, 'locks'),
                          group=mb_conf.PLUGIN_GROUP)
        CONF.set_override('poll_interval', mb_conf.POLL_INTERVAL_MIN,
                          group=mb_conf.PLUGIN_GROUP)
        for name, value in plugin_options.items():
            CONF.set_override(name, value, group=mb_conf.PLUGIN_GROUP)

    # Masakari's records ---------------------------------------------------
    @staticmethod
    def reset():
        """Forget every segment, host, notification and VMove.

        Masakari host names are unique, so each scenario run in the same
        process starts from an empty database.
        """
        from masakari.db.sqlalchemy import api
        import sqlalchemy
        with api.get_engine().begin() as conn:
            for table in ('vmoves', 'notifications', 'hosts',
                          'failover_segments'):
                conn.execute(sqlalchemy.text('DELETE FROM %s' % table))

    def add_segment(self, name, recovery_method, hosts, reserved=()):
        """A failover segment with its hosts, as an operator registers it."""
        from masakari import objects
        segment = objects.FailoverSegment(
            context=self.context, name=name, service_type='compute',
            recovery_method=recovery_method, enabled=True)
        segment.create()
        for host_name in hosts:
            host = objects.Host(
                context=self.context, name=host_name, type='COMPUTE',
                control_attributes='SSH', reserved=host_name in reserved,
                on_maintenance=False, failover_segment=segment)
            host.create()
        return segment

    def host(self, name):
        from masakari import objects
        return objects.Host.get_by_name(self.context, name)

    def create_notification(self, host_name):
        """Record a COMPUTE_HOST failure of a fenced host.

        This is what masakari-hostmonitor reports once IPMI confirms the
        power is off.  Returns the notification uuid.
        """
        from masakari import objects
        from masakari.objects import fields
        host = self.host(host_name)
        notification = objects.Notification(
            context=self.context, type=fields.NotificationType.COMPUTE_HOST,
            status=fields.NotificationStatus.NEW,
            source_host_uuid=host.uuid,
            notification_uuid=uuidutils.generate_uuid(),
            generated_time=timeutils.utcnow(),
            payload={'event': 'STOPPED', 'host_status': 'NORMAL',
                     'cluster_status': 'OFFLINE'})
        notification.create()
        return notification.notification_uuid

    def process(self, notification_uuid):
        """Let the engine process a new notification to its end."""
        from masakari import objects
        notification = objects.Notification.get_by_uuid(self.context,
                                                        notification_uuid)
        self.manager.process_notification(self.context,
                                          notification=notification)

    def notify_host_failure(self, host_name):
        """Report ``host_name`` failed and recover it; returns the uuid."""
        notification_uuid = self.create_notification(host_name)
        self.process(notification_uuid)
        return notification_uuid

    def retry(self, notification_uuid):
        """Process a notification again, as the periodic retry does."""
        from masakari import objects
        notification = objects.Notification.get_by_uuid(self.context,
                                                        notification_uuid)
        self.manager._process_notification(self.context, notification)

    def notification(self, notification_uuid):
        """Status, progress details and VMoves of one notification."""
        from masakari import objects
        notification = objects.Notification.get_by_uuid(self.context,
                                                        notification_uuid)
        details = self.manager.get_notification_recovery_workflow_details(
            self.context, notification)['recovery_workflow_details']
        vmoves = objects.VMoveList.get_all_vmoves(self.context,
                                                  notification_uuid)
        return {
            'status': notification.status,
            'progress': [{'task': d.name, 'state': d.state,
                          'details': list(d.progress_details)}
                         for d in details],
            'vmoves': [{'instance': v.instance_uuid,
                        'name': v.instance_name, 'status': v.status,
                        'source': v.source_host, 'dest': v.dest_host,
                        'message': v.message}
                       for v in sorted(vmoves, key=lambda v: v.id)],
        }


def _write_ahead(path):
    """Put ``path`` in sqlite's write-ahead-log mode, which the file keeps.

    In the default mode a reader blocks a writer, and a transaction that
    read and then writes while another process writes fails at once with
    "database is locked", whatever the timeout; with a write-ahead log,
    readers and the writer no longer block each other.
    """
    with contextlib.closing(sqlite3.connect(path, timeout=60)) as conn:
        conn.execute('PRAGMA journal_mode=WAL')
