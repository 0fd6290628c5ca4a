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
import logging
import sys
import warnings

from oslo_config import cfg

from masakari_blazar.cloud import host_state
from masakari_blazar.cloud import pool_reader
from masakari_blazar.commands import tables
from masakari_blazar import conf as mb_conf
from masakari_blazar import exceptions

CONF = cfg.CONF


class _Done(Exception):
    """Nothing to do: the message goes to stdout and the exit status is 0."""


def _recovery():
    from masakari_blazar.recovery import spare_recovery
    return spare_recovery.SpareRecovery(CONF)


def _records(required=True):
    """Masakari's records; None when not ``required`` and unreadable."""
    from masakari_blazar.cloud import masakari_records
    try:
        return masakari_records.Records(CONF)
    except exceptions.ConfigError:
        if required:
            raise
        return None


def _peers(records):
    if records is None:
        return None
    try:
        return records.peers()
    except exceptions.ConfigError:
        return None


def _segment(records, host):
    """``host``'s Masakari segment or None, and whether it could be read."""
    if records is None:
        return None, False
    try:
        return records.segment_of(host), True
    except exceptions.ConfigError:
        return None, False


def cmd_pool_status():
    """Show the spares, free or claimed, and how many failures they absorb.

    Exits with status 3 when the pool is below pool_min_size, so that
    monitoring can act on it; the output is complete then too.
    """
    from masakari_blazar.commands import pool_status
    from masakari_blazar.decisions import evacuees
    from masakari_blazar.decisions import headroom
    result = pool_status.report(_recovery(), evacuees.selector(CONF),
                                _peers(_records(required=False)))
    if CONF.command.format == 'json':
        print(json.dumps(pool_status.as_json(result), indent=2,
                         sort_keys=True))
    else:
        if result['spares']:
            print(tables.pool_table(result['spares']))
        else:
            print('The spare pool is empty: no ACTIVE lease matches '
                  '[masakari_blazar] spare_lease_prefix / spare_lease_ids.')
        print()
        print(headroom.summary(result['headroom']))
        for warning in result['warnings']:
            print('WARNING: %s' % warning)
    return 3 if result['warnings'] else 0


def cmd_plan():
    """Show what a failure of HOST would do now, changing nothing."""
    from masakari_blazar.commands import plan as plan_command
    from masakari_blazar.decisions import evacuees
    host = CONF.command.host_name
    segment, read = _segment(_records(required=False), host)
    report = plan_command.plan_failure(
        _recovery(), host, evacuees.selector(CONF), segment=segment,
        peers=segment.hosts if segment else (), segment_known=read)
    if not read:
        report['notes'].append(
            'Masakari\'s database was not read ([database] connection): '
            'the segment, its recovery_method and reserved hosts are '
            'unknown')
    if CONF.command.format == 'json':
        print(json.dumps(report, indent=2, sort_keys=True))
    else:
        print(plan_command.as_text(report))
    return 0


def cmd_return():
    """Put a repaired, empty host (back) into the spare pool."""
    from masakari_blazar.cloud import claim_lock
    from masakari_blazar.decisions import host_return
    from masakari_blazar.decisions import reserved_flags
    host = CONF.command.host_name
    recovery = _recovery()
    records = _records(required=False)
    if CONF.command.dry_run:
        state = _return_state(recovery, host, records)
        print('Would, for %s:' % host)
        for number, step in enumerate(recovery.return_steps(state), 1):
            print('  %d. %s' % (number, step.text))
        return 0
    with claim_lock.spare_pool_lock(CONF):
        state = _return_state(recovery, host, records)
        leased = any(step.action == host_return.LEASE
                     for step in recovery.return_steps(state))
        report = recovery.return_to_pool(state)
    for line in report:
        print(line)
    if leased:
        print('Blazar starts the lease at once; %s is a free spare when the '
              'lease is ACTIVE ("masakari-blazar pool status").' % host)
    segment, _ = _segment(records, host)
    if segment and host in segment.on_maintenance:
        print('Masakari still has %s on maintenance in segment %s; clear it '
              'once the host should be monitored again: openstack segment '
              'host update --on_maintenance False %s %s' % (
                  host, segment.name, segment.name, host))
    if segment and (segment.recovery_method in
                    reserved_flags.RESERVED_METHODS):
        print('Segment %s uses %s: run "masakari-blazar sync-reserved" once '
              'the new lease is ACTIVE' % (
                  segment.name, segment.recovery_method))
    return 0


def _return_state(recovery, host, records):
    """The host's state, refused with one line when it cannot return."""
    from masakari_blazar.decisions import host_return
    state = host_state.read_state(
        recovery, host, records.notification_status if records else None)
    if state.claim and records is None:
        raise exceptions.RecoveryError(
            '%s is claimed by notification %s and Masakari\'s database '
            'cannot be read to tell whether that recovery has ended; set '
            '[database] connection' % (host, state.claim.notification))
    reason = host_return.refusal(state)
    if reason:
        raise exceptions.RecoveryError(reason)
    if not recovery.return_steps(state):
        raise _Done('%s is already a spare (lease %s, %s); nothing to do' % (
            host, state.spare_lease, state.spare_lease_status))
    return state


def _say(text=''):
    print(text, flush=True)


def cmd_recover():
    """Recover HOST now, as if masakari-hostmonitor had reported it failed."""
    from masakari_blazar.commands import recover
    args = CONF.command
    host = args.host_name
    if args.local:
        uuid, status, last = recover.run_local(
            _recovery(), host, args.recovery_method, _say,
            workdir=args.workdir)
    else:
        uuid, status, last = recover.run_api(
            CONF, _recovery(), host, _say, args.timeout, args.poll_interval)
    _say('Notification %s ended %s.' % (uuid, status.upper()))
    code, reason = recover.outcome(uuid, status, last)
    if reason:
        print('masakari-blazar: error: %s' % reason, file=sys.stderr)
    return code


def cmd_check():
    """Validate the deployment: flows, options, APIs, leases, segments."""
    from masakari_blazar.commands import check
    findings = check.run(CONF, _recovery, _records)
    for finding in findings:
        print('%s: %s' % finding)
    errors_found = sum(1 for f in findings
                       if f.level == check.ERROR)
    if errors_found:
        print('masakari-blazar: error: the check found %d error(s)' %
              errors_found, file=sys.stderr)
        return 1
    return 0


def cmd_replenish():
    """Top the spare pool up to pool_min_size from free Blazar hosts."""
    from masakari_blazar.cloud import claim_lock
    from masakari_blazar.recovery import replenish
    recovery = _recovery()
    if CONF.command.dry_run:
        lines, missing = replenish.replenish(recovery, dry_run=True)
    else:
        with claim_lock.spare_pool_lock(CONF):
            lines, missing = replenish.replenish(recovery)
    for line in lines[:-1] if missing else lines:
        print(line)
    if missing:
        print('masakari-blazar: error: %s' % lines[-1], file=sys.stderr)
        return 1
    return 0


def cmd_sync_reserved():
    """Set Masakari's reserved flag on exactly the free Blazar spares."""
    from masakari import rpc
    from masakari_blazar.commands import sync_reserved
    from masakari_blazar.decisions import reserved_flags
    ctx = _records().context
    # Masakari announces host updates on its message bus, as its API does.
    rpc.init(CONF)
    free = {r.hostname for r in pool_reader.pool_rows(_recovery())
            if r.state == 'free'}
    todo = reserved_flags.changes(sync_reserved.masakari_hosts(ctx), free)
    for name, reserved in todo:
        print('%s %s: reserved=%s' % (
            'Would set' if CONF.command.dry_run else 'Set', name, reserved))
    if not CONF.command.dry_run:
        sync_reserved.apply(ctx, todo)
    if not todo:
        print('Masakari\'s reserved flags already match the spare pool.')
    return 0


def cmd_demo():
    """Recover a failed host end to end on the embedded simulated cloud."""
    from masakari_blazar.local import demo
    return demo.run(scenario=CONF.command.scenario,
                    host=CONF.command.failed_host,
                    recovery_method=CONF.command.recovery_method,
                    as_json=CONF.command.json)


def add_command_parsers(subparsers):
    # Imported only now that main() hides Masakari's eventlet warning.
    from masakari.objects import fields
    methods = fields.FailoverSegmentRecoveryMethod
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
    demo.add_argument('--recovery-method', default=methods.AUTO,
                      choices=methods.ALL,
                      help='The recovery_method of the Masakari segment.')
    demo.add_argument('--json', action='store_true',
                      help='Print one JSON document instead of text.')
    demo.set_defaults(func=cmd_demo)

    pool = subparsers.add_parser(
        'pool', help='The spare pool.').add_subparsers(
            dest='pool_command', title='pool commands')
    status = pool.add_parser(
        'status', help=cmd_pool_status.__doc__.splitlines()[0],
        description='Every spare of the Blazar spare leases and of the '
                    'claim ledger, with its lease, state (free, claimed by '
                    'a notification since when, or unhealthy and why), '
                    'free capacity and availability zone; then the '
                    'headroom: how many failures of the most loaded '
                    'compute hosts, one after another, the free spares '
                    'hold entirely (N+k), planned with the recovery\'s own '
                    'planner.  Warns, and exits with status 3, when fewer '
                    'spares are free than [masakari_blazar] pool_min_size.')
    status.add_argument('--format', choices=['table', 'json'],
                        default='table', help='Output format.')
    status.set_defaults(func=cmd_pool_status)

    plan = subparsers.add_parser(
        'plan', help=cmd_plan.__doc__,
        description='A dry run of the recovery of HOST as if it failed now: '
                    'the instances Masakari would move ([host_failure] '
                    'options), the spare each would go to and why, how the '
                    'spare would leave its lease, the aggregate and '
                    'Placement changes that admit reserved instances, and '
                    'what no spare holds (no_spare_action).  For '
                    'reserved_host and rh_priority segments, the reserved '
                    'hosts Masakari would offer, in its order.  Only reads '
                    'the cloud.')
    plan.add_argument('host_name', metavar='HOST',
                      help='The compute host whose failure to plan.')
    plan.add_argument('--format', choices=['text', 'json'], default='text',
                      help='Output format.')
    plan.set_defaults(func=cmd_plan)

    give_back = subparsers.add_parser(
        'return', help=cmd_return.__doc__,
        description='Make HOST a free spare again: a spare claimed by a '
                    'recovery once its instances are gone, or any repaired '
                    'host (such as a failed host, once fixed) that should '
                    'become a spare.  HOST must be up, enabled, empty, in '
                    'no other Blazar lease and in no availability-zone '
                    'aggregate, and its claim\'s notification must have '
                    'ended.  The command takes HOST out of the reservation '
                    'aggregates the claim joined, deletes the Placement '
                    'provider the plugin added, registers HOST in Blazar if '
                    'needed, creates a one-host spare lease and drops the '
                    'claim.')
    give_back.add_argument('host_name', metavar='HOST',
                           help='The host to put into the spare pool.')
    give_back.add_argument('--dry-run', action='store_true',
                           help='Show the steps without making them.')
    give_back.set_defaults(func=cmd_return)

    recover = subparsers.add_parser(
        'recover', help=cmd_recover.__doc__,
        description='Create the COMPUTE_HOST notification that '
                    'masakari-hostmonitor posts for a fenced host, through '
                    'the Masakari API (openstacksdk, with the [blazar] '
                    'credentials and the [masakari] endpoint options), and '
                    'follow it to its end, printing each progress detail as '
                    'it arrives.  HOST must be down in Nova (powered off '
                    'and marked down): Nova refuses to evacuate from a '
                    'running host.  Exits 0 when the notification ends '
                    'FINISHED.')
    recover.add_argument('host_name', metavar='HOST',
                         help='The failed, fenced compute host.')
    recover.add_argument('--local', action='store_true',
                         help='Run Masakari\'s engine in this process '
                              'instead, with its own records (one segment '
                              'of every nova-compute host) in a scratch '
                              'directory; needs no Masakari service.')
    recover.add_argument('--recovery-method', default=methods.AUTO,
                         choices=methods.ALL,
                         help='With --local: the recovery_method of the '
                              'scratch segment (default auto).')
    recover.add_argument('--workdir',
                         help='With --local: where Masakari\'s scratch '
                              'database and TaskFlow logbooks go (default: '
                              'a new temporary directory).')
    recover.add_argument('--timeout', type=int, default=1800,
                         help='Through the API: seconds to follow the '
                              'notification before giving up (default '
                              '1800).')
    recover.add_argument('--poll-interval', type=float, default=2.0,
                         help='Through the API: seconds between two reads '
                              'of the notification (default 2).')
    recover.set_defaults(func=cmd_recover)

    check = subparsers.add_parser(
        'check', help=cmd_check.__doc__,
        description='Check the deployment before a failure does: every '
                    'task named in [taskflow_driver_recovery_flows] '
                    'host_auto_failure_recovery_tasks and '
                    'host_rh_failure_recovery_tasks is installed (Masakari '
                    'skips unknown names silently), the plugin\'s three '
                    'tasks are there in order and Masakari\'s '
                    'evacuate_instances_task is not, the [masakari_blazar] '
                    'options are valid, Blazar, Nova and Placement answer '
                    'with the [blazar] credentials, the spare leases exist '
                    'and are ACTIVE, and each Masakari segment\'s '
                    'recovery_method can work (reserved_host segments need '
                    'reserved hosts that are free spares).  One line per '
                    'finding (OK, WARNING, ERROR); exits 1 on any ERROR.')
    check.set_defaults(func=cmd_check)

    top_up = subparsers.add_parser(
        'replenish', help=cmd_replenish.__doc__,
        description='Give free Blazar hosts (registered, in freepool, '
                    'healthy, with no allocation) that match '
                    '[masakari_blazar] spare_host_properties a one-host '
                    'spare lease each, largest first, until pool_min_size '
                    'spares are free or starting.  Works whether or not '
                    'replenish_pool (the same step after each claim) is on.  '
                    'Exits 1 when the pool cannot reach pool_min_size.')
    top_up.add_argument('--dry-run', action='store_true',
                        help='Show which hosts would become spares.')
    top_up.set_defaults(func=cmd_replenish)

    sync = subparsers.add_parser(
        'sync-reserved', help=cmd_sync_reserved.__doc__,
        description='For segments whose recovery_method is reserved_host '
                    'or rh_priority, set Masakari\'s reserved flag on the '
                    'hosts that are free Blazar spares and clear it on the '
                    'others.  Safe to run repeatedly, e.g. from cron.')
    sync.add_argument('--dry-run', action='store_true',
                      help='Show the changes without making them.')
    sync.set_defaults(func=cmd_sync_reserved)


def _setup_logging():
    """Keep log records off the terminal unless --debug asks for them.

    Every failure the command foresees ends in one line on stderr; the
    plugin's and Masakari's log records would bury it.  The configuration
    file's log_file is masakari-engine's, so it is not used either.
    """
    root = logging.getLogger()
    if CONF.debug:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(
            '%(asctime)s %(levelname)s %(name)s %(message)s'))
        root.setLevel(logging.DEBUG)
    else:
        handler = logging.NullHandler()
    root.addHandler(handler)


command_opt = cfg.SubCommandOpt('command', title='commands',
                                handler=add_command_parsers,
                                help='What to do.')


def main(argv=None):
    # Masakari imports eventlet, which warns about itself on every start.
    warnings.filterwarnings('ignore', message=r'\s*Eventlet is deprecated')
    CONF.register_cli_opt(command_opt)
    argv = sys.argv[1:] if argv is None else argv
    try:
        mb_conf.parse_config(argv)
        _setup_logging()
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
    except _Done as done:
        print(done)
        return 0
    except exceptions.RecoveryError as exc:
        print('masakari-blazar: error: %s' % exc, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == '__main__':
    sys.exit(main())
