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

import contextlib
import io
import logging
import sys
import warnings

from oslo_config import cfg

from masakari_blazar import conf as mb_conf
from masakari_blazar import exceptions
from masakari_blazar import safe_text

CONF = cfg.CONF
PROG = 'masakari-blazar'


def cmd_pool_status():
    """Show the spares, free or claimed, and how many failures they absorb."""
    from masakari_blazar.commands import pool_status
    return pool_status.main(CONF, CONF.command.format)


def cmd_pool_cool():
    """Power a free spare off, keeping it out of Blazar until warmed."""
    from masakari_blazar.commands import cold_spares
    return cold_spares.main(CONF, CONF.command.host_name, warm=False,
                            dry_run=CONF.command.dry_run)


def cmd_pool_warm():
    """Power a cold spare on and make it a free spare again."""
    from masakari_blazar.commands import cold_spares
    return cold_spares.main(CONF, CONF.command.host_name, warm=True,
                            dry_run=CONF.command.dry_run)


def cmd_pool_balance():
    """Cool or warm spares until warm_spares free spares are warm."""
    from masakari_blazar.commands import cold_spares
    return cold_spares.balance(CONF, dry_run=CONF.command.dry_run)


def cmd_plan():
    """Show what a failure of HOST would do now, changing nothing."""
    from masakari_blazar.commands import plan
    return plan.main(CONF, CONF.command.host_name, CONF.command.format)


def cmd_return():
    """Put a repaired, empty host (back) into the spare pool."""
    from masakari_blazar.commands import return_host
    return return_host.main(CONF, CONF.command.host_name,
                            dry_run=CONF.command.dry_run)


def cmd_recover():
    """Recover HOST now, as if masakari-hostmonitor had reported it failed."""
    from masakari_blazar.commands import recover
    args = CONF.command
    return recover.main(CONF, args.host_name, local=args.local,
                        unrecorded=args.unrecorded,
                        recovery_method=args.recovery_method,
                        workdir=args.workdir, timeout=args.timeout,
                        poll_interval=args.poll_interval)


def cmd_check():
    """Validate the deployment: flows, options, APIs, leases, segments."""
    from masakari_blazar.commands import check
    return check.main(CONF)


def cmd_replenish():
    """Top the spare pool up to pool_min_size from free Blazar hosts."""
    from masakari_blazar.commands import replenish
    return replenish.main(CONF, dry_run=CONF.command.dry_run)


def cmd_sync_reserved():
    """Set Masakari's reserved flag on exactly the free Blazar spares."""
    from masakari_blazar.commands import sync_reserved
    return sync_reserved.main(CONF, dry_run=CONF.command.dry_run)


def cmd_demo():
    """Recover a failed host end to end on the embedded simulated cloud."""
    from masakari_blazar.local import demo
    return demo.run(scenario=CONF.command.scenario,
                    host=CONF.command.failed_host,
                    recovery_method=CONF.command.recovery_method,
                    as_json=CONF.command.json)


# Each command's help is short; the guide says the rest, once.
GUIDE = 'doc/source/operator-guide.rst'


def _add(subparsers, name, func, description, section='Command reference'):
    """A command whose help points to its section of the operator guide."""
    return subparsers.add_parser(
        name, help=func.__doc__.splitlines()[0], description=description,
        epilog='More in the operator guide (%s), section "%s".' % (
            GUIDE, section))


def add_command_parsers(subparsers):
    # Imported only now that main() hides Masakari's eventlet warning.
    from masakari.objects import fields
    methods = fields.FailoverSegmentRecoveryMethod
    demo = _add(subparsers, 'demo', cmd_demo,
                'Fail a host of the simulated cloud and let the real '
                'Masakari engine recover it with this plugin.')
    demo.add_argument('--scenario', default='demo',
                      help='A shipped scenario name or a scenario file '
                           '(default: demo).')
    demo.add_argument('--host', dest='failed_host',
                      help='The host to fail (default: the scenario\'s '
                           'choice).')
    demo.add_argument('--recovery-method', default=methods.AUTO,
                      choices=methods.ALL,
                      help='The recovery_method of the Masakari segment.')
    demo.add_argument('--json', action='store_true',
                      help='Print one JSON document instead of text.')
    demo.set_defaults(func=cmd_demo)

    pool = subparsers.add_parser(
        'pool', help='The spare pool.').add_subparsers(
            dest='pool_command', title='pool commands')
    status = _add(pool, 'status', cmd_pool_status,
                  'The spares with their lease, state and free capacity, '
                  'and the headroom N+k.  Exits 3 below [masakari_blazar] '
                  'pool_min_size.', section='pool status')
    status.add_argument('--format', choices=['table', 'json', 'openmetrics'],
                        default='table',
                        help='Output format; openmetrics for monitoring.')
    status.set_defaults(func=cmd_pool_status)
    for name, func, text in (
            ('cool', cmd_pool_cool,
             'Record the free spare HOST as cold in the claim ledger, '
             'disable its nova-compute, take it out of its lease and of '
             'Blazar, and power it off through [masakari_blazar] '
             'power_driver.'),
            ('warm', cmd_pool_warm,
             'Power the cold spare HOST on, wait until its nova-compute is '
             'up, register it in Blazar, enable it, and give it a spare '
             'lease again.')):
        command = _add(pool, name, func, text, section='Cold spares')
        command.add_argument('host_name', metavar='HOST',
                             help='The spare to %s.' % name)
        command.add_argument('--dry-run', action='store_true',
                             help='Show the steps without making them.')
        command.set_defaults(func=func)
    balance = _add(pool, 'balance', cmd_pool_balance,
                   'Cool the free spares beyond [masakari_blazar] '
                   'warm_spares, or warm cold ones up to it, keeping the '
                   'warm ones spread over the zones.  Exits 1 if a spare '
                   'failed.', section='Cold spares')
    balance.add_argument('--dry-run', action='store_true',
                         help='Show which spares would be cooled or warmed.')
    balance.set_defaults(func=cmd_pool_balance)

    plan = _add(subparsers, 'plan', cmd_plan,
                'A dry run of the recovery of HOST as if it failed now.  '
                'Only reads the cloud.', section='plan HOST')
    plan.add_argument('host_name', metavar='HOST',
                      help='The compute host whose failure to plan.')
    plan.add_argument('--format', choices=['text', 'json'], default='text',
                      help='Output format.')
    plan.set_defaults(func=cmd_plan)

    give_back = _add(subparsers, 'return', cmd_return,
                     'Make HOST a free spare again.  HOST must be up, '
                     'enabled, empty and in no other Blazar lease.',
                     section='5. Return the repaired host')
    give_back.add_argument('host_name', metavar='HOST',
                           help='The host to put into the spare pool.')
    give_back.add_argument('--dry-run', action='store_true',
                           help='Show the steps without making them.')
    give_back.set_defaults(func=cmd_return)

    recover = _add(subparsers, 'recover', cmd_recover,
                   'Post the COMPUTE_HOST notification of a fenced HOST '
                   'through the Masakari API and follow it to its end.  '
                   'Exits 0 when it ends FINISHED.',
                   section='recover HOST: an operator-triggered recovery')
    recover.add_argument('host_name', metavar='HOST',
                         help='The failed, fenced compute host.')
    recover.add_argument('--local', action='store_true',
                         help='Run Masakari\'s engine in this process on a '
                              'scratch database instead; only on the '
                              'simulated cloud, unless --unrecorded.')
    recover.add_argument('--unrecorded', action='store_true',
                         help='With --local on any other cloud: run it '
                              'although Masakari never records it.')
    recover.add_argument('--recovery-method', default=methods.AUTO,
                         choices=methods.ALL,
                         help='With --local: the recovery_method of the '
                              'scratch segment (default auto).')
    recover.add_argument('--workdir',
                         help='With --local: where the scratch database, '
                              'logbooks and log go (default: a new '
                              'temporary directory).')
    recover.add_argument('--timeout', type=int, default=1800,
                         help='Through the API: seconds to follow the '
                              'notification (default 1800).')
    recover.add_argument('--poll-interval', type=float, default=2.0,
                         help='Through the API: seconds between two reads '
                              'of the notification (default 2).')
    recover.set_defaults(func=cmd_recover)

    check = _add(subparsers, 'check', cmd_check,
                 'Check the recovery flows (Masakari skips unknown task '
                 'names silently), the options, the services, the spare '
                 'leases and Masakari\'s segments.  Exits 1 on any ERROR.',
                 section='2. Check the deployment')
    check.set_defaults(func=cmd_check)

    top_up = _add(subparsers, 'replenish', cmd_replenish,
                  'Give free Blazar hosts that match [masakari_blazar] '
                  'spare_host_properties a spare lease each, until '
                  'pool_min_size spares are free.  Exits 1 when the pool '
                  'cannot reach it.')
    top_up.add_argument('--dry-run', action='store_true',
                        help='Show which hosts would become spares.')
    top_up.set_defaults(func=cmd_replenish)

    sync = _add(subparsers, 'sync-reserved', cmd_sync_reserved,
                'In reserved_host and rh_priority segments, flag exactly '
                'the free spares reserved, through the Masakari API.  Safe '
                'to repeat.')
    sync.add_argument('--dry-run', action='store_true',
                      help='Show the changes without making them.')
    sync.set_defaults(func=cmd_sync_reserved)


def _setup_logging():
    """Keep log records off the terminal unless --debug asks for them.

    Every failure the command foresees ends in one line on stderr; the
    plugin's and Masakari's log records would bury it.  The configuration
    file's log_file is masakari-engine's, so it is not used either; and
    whatever handler a library installed on the root logger while being
    imported (one writes to stderr) is taken off.
    """
    root = logging.getLogger()
    for installed in list(root.handlers):
        root.removeHandler(installed)
    if CONF.debug:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(
            '%(asctime)s %(levelname)s %(name)s %(message)s'))
        root.setLevel(logging.DEBUG)
    else:
        handler = logging.NullHandler()
    root.addHandler(handler)


def _parse(argv):
    """Parse the command line; an exit code if it cannot be, else None.

    argparse answers a bad command line with its usage and a line of its
    own on stderr; the command's promise is one line that names what to
    fix, so only argparse's reason is kept, with where to read more.
    """
    usage = io.StringIO()
    try:
        with contextlib.redirect_stderr(usage):
            mb_conf.parse_config(argv, prog=PROG)
    except SystemExit as exc:
        said = usage.getvalue().strip().splitlines()
        if not exc.code or not said:
            raise
        where, _, reason = said[-1].partition(': error: ')
        command = where.split(' ', 1)[1:]
        print('masakari-blazar: error: %s; see "%s --help"' % (
            ': '.join(command + [safe_text.printable(reason)]),
            ' '.join([PROG] + command)), file=sys.stderr)
        return 2
    return None


command_opt = cfg.SubCommandOpt('command', title='commands',
                                handler=add_command_parsers,
                                help='What to do.')


def main(argv=None):
    # Masakari imports eventlet, which warns about itself on every start.
    warnings.filterwarnings('ignore', message=r'\s*Eventlet is deprecated')
    CONF.register_cli_opt(command_opt)
    argv = sys.argv[1:] if argv is None else argv
    try:
        code = _parse(argv)
        if code is not None:
            return code
        _setup_logging()
        # oslo.config checks a value only when it is read: read them all
        # now, so that no command changes anything and then fails on one.
        # ``check`` reports every refused value among its findings.
        problems = mb_conf.option_problems(CONF)
        if problems and CONF.command.name != 'check':
            print('masakari-blazar: configuration error: %s' % problems[0],
                  file=sys.stderr)
            return 2
        func = getattr(CONF.command, 'func', None)
        if func is None:
            # Only "pool" has commands of its own.
            group = [CONF.command.name] if CONF.command.name else []
            print('masakari-blazar: error: choose a %scommand; see "%s '
                  '--help"' % (''.join(g + ' ' for g in group),
                               ' '.join([PROG] + group)), file=sys.stderr)
            return 2
        return func()
    except cfg.Error as exc:
        print('masakari-blazar: configuration error: %s' % exc,
              file=sys.stderr)
        return 2
    except exceptions.RecoveryError as exc:
        print('masakari-blazar: error: %s' % exc, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == '__main__':
    sys.exit(main())
