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

"""The ``masakari-blazar`` command.

It reads the same configuration files as masakari-engine
(``--config-file /etc/masakari/masakari.conf``), so that what it shows and
changes is what the engine's recovery will see.  Every failure it can
foresee ends in one line on stderr and a non-zero exit.
"""

import json
import sys
import warnings

from oslo_config import cfg

from masakari_blazar import errors
from masakari_blazar import local_engine
from masakari_blazar import tables

CONF = cfg.CONF


def _recovery():
    from masakari_blazar import recovery
    return recovery.SpareRecovery(CONF)


def cmd_pool_status():
    """Show every spare, free or claimed, with its health and capacity."""
    from masakari_blazar import pool_status
    rows = pool_status.pool_rows(_recovery())
    if CONF.command.format == 'json':
        print(json.dumps([r.__dict__ for r in rows], indent=2,
                         sort_keys=True))
    elif not rows:
        print('The spare pool is empty: no ACTIVE lease matches '
              '[masakari_blazar] spare_lease_prefix / spare_lease_ids.')
    else:
        print(tables.pool_table(rows))
    return 0


def cmd_sync_reserved():
    """Set Masakari's reserved flag on exactly the free Blazar spares."""
    from masakari import context
    from masakari.db.sqlalchemy import api as db_api
    from masakari import objects
    from masakari import rpc
    from masakari_blazar import pool_status
    from masakari_blazar import reserved_sync
    db_api.configure(CONF)
    objects.register_all()
    # Masakari announces host updates on its message bus, as its API does.
    rpc.init(CONF)
    ctx = context.get_admin_context()
    free = {r.hostname for r in pool_status.pool_rows(_recovery())
            if r.state == 'free'}
    todo = reserved_sync.changes(reserved_sync.masakari_hosts(ctx), free)
    for name, reserved in todo:
        print('%s %s: reserved=%s' % (
            'Would set' if CONF.command.dry_run else 'Set', name, reserved))
    if not CONF.command.dry_run:
        reserved_sync.apply(ctx, todo)
    if not todo:
        print('Masakari\'s reserved flags already match the spare pool.')
    return 0


def cmd_demo():
    """Recover a failed host end to end on the embedded simulated cloud."""
    from masakari_blazar import demo
    return demo.run(scenario=CONF.command.scenario,
                    host=CONF.command.failed_host,
                    recovery_method=CONF.command.recovery_method,
                    as_json=CONF.command.json)


def add_command_parsers(subparsers):
    demo = subparsers.add_parser(
        'demo', help=cmd_demo.__doc__,
        description='Start the simulated cloud of a scenario, show the spare '
                    'pool, fail a host, let the real Masakari engine recover '
                    'it with this plugin, and print what happened.')
    demo.add_argument('--scenario', default='demo',
                      help='A shipped scenario name or a scenario file '
                           '(default: demo).')
    demo.add_argument('--host', dest='failed_host',
                      help='The host to fail (default: the scenario\'s '
                           'choice).')
    demo.add_argument('--recovery-method', default='auto',
                      choices=['auto', 'reserved_host', 'auto_priority',
                               'rh_priority'],
                      help='The recovery_method of the Masakari segment.')
    demo.add_argument('--json', action='store_true',
                      help='Print one JSON document instead of text.')
    demo.set_defaults(func=cmd_demo)

    pool = subparsers.add_parser(
        'pool', help='The spare pool.').add_subparsers(
            dest='pool_command', title='pool commands')
    status = pool.add_parser('status', help=cmd_pool_status.__doc__)
    status.add_argument('--format', choices=['table', 'json'],
                        default='table')
    status.set_defaults(func=cmd_pool_status)

    sync = subparsers.add_parser(
        'sync-reserved', help=cmd_sync_reserved.__doc__,
        description='For segments whose recovery_method is reserved_host '
                    'or rh_priority, set Masakari\'s reserved flag on the '
                    'hosts that are free Blazar spares and clear it on the '
                    'others.  Safe to run repeatedly, e.g. from cron.')
    sync.add_argument('--dry-run', action='store_true',
                      help='Show the changes without making them.')
    sync.set_defaults(func=cmd_sync_reserved)


command_opt = cfg.SubCommandOpt('command', title='commands',
                                handler=add_command_parsers,
                                help='What to do.')


def main(argv=None):
    # Masakari imports eventlet, which warns about itself on every start.
    warnings.filterwarnings('ignore', message=r'\s*Eventlet is deprecated')
    CONF.register_cli_opt(command_opt)
    argv = sys.argv[1:] if argv is None else argv
    try:
        local_engine.parse_config(argv)
        func = getattr(CONF.command, 'func', None)
        if func is None:
            print('masakari-blazar: error: choose a command; see '
                  '"masakari-blazar --help"', file=sys.stderr)
            return 2
        return func()
    except cfg.Error as exc:
        print('masakari-blazar: configuration error: %s' % exc,
              file=sys.stderr)
        return 2
    except errors.RecoveryError as exc:
        print('masakari-blazar: error: %s' % exc, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == '__main__':
    sys.exit(main())
