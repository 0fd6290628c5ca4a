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

"""Real Blazar 18 (API and manager) in one process of the Blazar virtualenv.

The API and ``ManagerService`` share oslo.messaging's ``fake://``
transport, which works within one process only, so both run here.  The
pitfalls this works around (see ``real-services.md``):

* ``blazar-db-manage upgrade head`` fails on sqlite, so the schema comes
  from ``blazar.db.sqlalchemy.api.setup_db()``, as Blazar's unit tests do;
* the ``blazar-api`` console script returns at once, so the WSGI app
  ``blazar.wsgi.api:application`` is served here, with
  ``OS_BLAZAR_CONFIG_DIR`` pointing at the generated configuration;
* the API's threads and the manager's event thread write the one sqlite
  file at once.  In sqlite's default rollback journal a commit waits for
  every reader, and a statement that meets such a waiting commit is
  refused at once, without the busy wait (``database is locked``): a
  lease's ``start_lease`` event that met the plugin's next ``POST
  /leases`` was marked ERROR and the lease never started.  The file is
  switched to WAL, where a commit does not wait for readers.

The manager's event period (``EVENT_INTERVAL``, 10 s) is shortened to
``--event-interval`` seconds: lease starts and ends then take about a
second instead of up to fifteen.  What each event does is unchanged.
"""

import argparse
import contextlib
import logging
import os
import socketserver
import sqlite3
import sys
import threading
import wsgiref.simple_server

LOG = logging.getLogger('blazar_service')

CONFIG = """[DEFAULT]
host = 127.0.0.1
transport_url = fake://
os_auth_protocol = http
os_auth_host = 127.0.0.1
os_auth_port = {keystone_port}
os_auth_prefix = identity
os_auth_version = v3
os_admin_username = {username}
os_admin_password = {password}
os_admin_project_name = {project_name}
os_region_name = RegionOne
debug = {debug}

[manager]
plugins = physical.host.plugin,virtual.instance.plugin

[database]
# The event thread and the API write concurrently; wait for the lock.
connection = sqlite:///{workdir}/blazar.sqlite?timeout=60

[keystone_authtoken]
auth_type = password
www_authenticate_uri = http://127.0.0.1:{keystone_port}/identity/v3
auth_url = http://127.0.0.1:{keystone_port}/identity
username = {username}
password = {password}
project_name = {project_name}
user_domain_name = Default
project_domain_name = Default

[oslo_concurrency]
lock_path = {workdir}/locks
"""

# Blazar's host monitor: polls Nova and heals reservations of failed hosts.
MONITOR = """
[physical:host]
enable_polling_monitor = true
polling_interval = {interval}
"""


class _ThreadingWSGIServer(socketserver.ThreadingMixIn,
                           wsgiref.simple_server.WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _Handler(wsgiref.simple_server.WSGIRequestHandler):
    def log_message(self, fmt, *args):
        LOG.info('%s %s', self.address_string(), fmt % args)


def write_config(options):
    os.makedirs(os.path.join(options.workdir, 'locks'), exist_ok=True)
    path = os.path.join(options.workdir, 'blazar.conf')
    with open(path, 'w') as stream:
        stream.write(CONFIG.format(
            keystone_port=options.keystone_port, username=options.username,
            password=options.password, project_name=options.project_name,
            workdir=options.workdir, debug=str(options.debug).lower()))
        if options.polling_monitor:
            stream.write(MONITOR.format(interval=options.polling_monitor))
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--port', type=int, required=True)
    parser.add_argument('--keystone-port', type=int, required=True)
    parser.add_argument('--workdir', required=True)
    parser.add_argument('--username', default='admin')
    parser.add_argument('--password', default='secret')
    parser.add_argument('--project-name', default='service')
    parser.add_argument('--event-interval', type=float, default=1.0)
    parser.add_argument('--polling-monitor', type=int, metavar='SECONDS',
                        help='enable the host monitor, polling this often')
    parser.add_argument('--debug', action='store_true')
    options = parser.parse_args(argv)
    options.workdir = os.path.abspath(options.workdir)
    write_config(options)
    os.environ['OS_BLAZAR_CONFIG_DIR'] = options.workdir

    import blazar.cmd  # noqa: F401  (selects oslo.service's threading)
    from blazar.wsgi import api  # noqa: H306  (parses the configuration)
    from blazar.db.sqlalchemy import api as db_api  # noqa: H306
    from blazar.manager import service as manager_service
    from blazar.notification import notifier

    db_api.setup_db()
    with contextlib.closing(sqlite3.connect(
            os.path.join(options.workdir, 'blazar.sqlite'))) as db:
        db.execute('PRAGMA journal_mode=WAL')
    notifier.init()
    manager_service.EVENT_INTERVAL = options.event_interval
    manager = manager_service.ManagerService()
    manager.start()
    server = wsgiref.simple_server.make_server(
        '127.0.0.1', options.port, api.application,
        server_class=_ThreadingWSGIServer, handler_class=_Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    LOG.info('Blazar API on %d (manager in this process, events every '
             '%.1f s)', options.port, options.event_interval)
    sys.stderr.flush()
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        manager.stop()


if __name__ == '__main__':
    main()
