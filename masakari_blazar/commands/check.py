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

"""``masakari-blazar check``: find a deployment's mistakes before a failure.

Masakari loads the tasks of a flow by name and silently skips a name it
cannot find, so a typo drops a step and the mistake shows only when a host
fails.  The checks here read the configuration as masakari-engine would,
Blazar, Nova and Placement as the plugin's tasks do, and Masakari through
its API, and say one line per finding.  The judgements are plain functions
of what was read, so each is tested with literals.
"""

import collections
import difflib
import os
import stat

from masakari.objects import fields

from masakari_blazar.cloud import claim_lock
from masakari_blazar.cloud import masakari_api
from masakari_blazar.cloud import masakari_credentials
from masakari_blazar.cloud import pool_reader
from masakari_blazar import conf as mb_conf
from masakari_blazar.decisions import replenishment
from masakari_blazar.decisions import spare_pool
from masakari_blazar import exceptions
from masakari_blazar.power import driver as power_driver
from masakari_blazar.power import loader as power_loader
from masakari_blazar.recovery import replenish
from masakari_blazar.recovery import spare_recovery
from masakari_blazar import safe_text

OK = 'OK'
WARNING = 'WARNING'
ERROR = 'ERROR'

Finding = collections.namedtuple('Finding', 'level text')

FLOW_GROUP = 'taskflow_driver_recovery_flows'
AUTO_FLOW = 'host_auto_failure_recovery_tasks'
RH_FLOW = 'host_rh_failure_recovery_tasks'
PHASES = ('pre', 'main', 'post')
CLAIM = 'blazar_claim_spare_task'
PREPARE = 'blazar_prepare_spare_task'
EVACUATE = 'blazar_evacuate_instances_task'
OURS = (CLAIM, PREPARE, EVACUATE)
MASAKARI_DISABLE = 'disable_compute_service_task'
FENCE = 'blazar_disable_compute_service_task'
MASAKARI_PREPARE = 'prepare_HA_enabled_instances_task'
MASAKARI_EVACUATE = 'evacuate_instances_task'
TASK_NAMESPACE = 'masakari.task_flow.tasks'
METHODS = fields.FailoverSegmentRecoveryMethod


class FlowFacts(object):
    """One host-failure flow, indexed the ways its rules look at it.

    A task listed twice counts where it first appears, which is where
    TaskFlow first runs it.
    """

    def __init__(self, option, flow, installed):
        self.option = option
        self.flow = flow
        self.installed = installed
        self.where = '[%s] %s' % (FLOW_GROUP, option)
        self.sequence = [(phase, name) for phase in PHASES
                         for name in flow.get(phase) or []]
        self.names = [name for _, name in self.sequence]
        self.position = {name: self.names.index(name) for name in self.names}
        self.phase_of = {name: phase
                         for phase, name in reversed(self.sequence)}


def unknown_tasks(facts):
    """Masakari skips a task name it cannot load without a word."""
    found = []
    for phase, name in facts.sequence:
        if name not in facts.installed:
            close = difflib.get_close_matches(name, sorted(facts.installed),
                                              1)
            found.append(Finding(ERROR, '%s %s: no installed task is named '
                                 '"%s", and Masakari skips it without a '
                                 'word%s' % (facts.where, phase, name,
                                             '; did you mean "%s"?' % close[0]
                                             if close else '')))
    return found


def unknown_phases(facts):
    """A phase other than pre, main and post is never run."""
    return [Finding(ERROR, '%s: Masakari runs only pre, main and post; "%s" '
                    'is ignored' % (facts.where, phase))
            for phase in facts.flow if phase not in PHASES]


def repeated_tasks(facts):
    """A task listed twice runs twice."""
    names = facts.names
    return [Finding(WARNING, '%s: %s is listed %d times' % (
        facts.where, name, names.count(name)))
        for name in sorted({n for n in names if names.count(n) > 1})]


def plugin_tasks(facts):
    """Without all three of the plugin's tasks, in order, no spare is used."""
    position = facts.position
    missing = [name for name in OURS if name not in position]
    if missing:
        return [Finding(ERROR, '%s lacks %s: this flow does not recover onto '
                        'Blazar spares (give the command the --config-file '
                        'and --config-dir options of masakari-engine)' % (
                            facts.where, ', '.join(missing)))]
    if [position[n] for n in OURS] != sorted(position[n] for n in OURS):
        return [Finding(ERROR, '%s: the plugin\'s tasks must run in the '
                        'order %s' % (facts.where, ', '.join(OURS)))]
    return []


def masakari_evacuation(facts):
    """Masakari's own evacuation would move the instances a second way."""
    if MASAKARI_EVACUATE not in facts.position:
        return []
    return [Finding(ERROR, '%s also runs Masakari\'s %s, which evacuates the '
                    'instances itself, ignoring the plugin\'s plan; remove '
                    'it' % (facts.where, MASAKARI_EVACUATE))]


def masakari_preparation(facts):
    """The VMoves Masakari's preparation writes say what the plugin moves."""
    position = facts.position
    if MASAKARI_PREPARE not in position:
        return [Finding(ERROR, '%s lacks %s: without its VMoves the plugin '
                        'has no instance to move' % (facts.where,
                                                     MASAKARI_PREPARE))]
    if CLAIM in position and position[MASAKARI_PREPARE] > position[CLAIM]:
        return [Finding(ERROR, '%s: %s must run before %s' % (
            facts.where, MASAKARI_PREPARE, CLAIM))]
    if facts.option == RH_FLOW and facts.phase_of[MASAKARI_PREPARE] == 'main':
        return [Finding(WARNING, '%s runs %s in main, which the reserved-host '
                        'flow repeats for each offered host, writing the '
                        'VMoves again; put it in pre' % (facts.where,
                                                         MASAKARI_PREPARE))]
    return []


def claim_phase(facts):
    """Masakari offers its reserved hosts to the main phase only."""
    phase = facts.phase_of.get(CLAIM, 'main')
    if facts.option != RH_FLOW or phase == 'main':
        return []
    return [Finding(WARNING, '%s runs %s in %s: only main is offered '
                    'Masakari\'s reserved hosts' % (
                        facts.where, CLAIM, phase))]


def disabling(facts):
    """The failed host must be disabled in Nova, once."""
    position = facts.position
    if MASAKARI_DISABLE not in position and FENCE not in position:
        return [Finding(WARNING, '%s lacks %s or %s: the failed host stays '
                        'enabled in Nova' % (facts.where, MASAKARI_DISABLE,
                                             FENCE))]
    if MASAKARI_DISABLE in position and FENCE in position:
        return [Finding(WARNING, '%s runs both %s and %s: Masakari\'s sleeps '
                        'wait_period_after_service_update for nothing; '
                        'remove %s' % (facts.where, MASAKARI_DISABLE, FENCE,
                                       MASAKARI_DISABLE))]
    return []


# In the order their findings are shown.
FLOW_RULES = (unknown_tasks, unknown_phases, repeated_tasks, plugin_tasks,
              masakari_evacuation, masakari_preparation, claim_phase,
              disabling)


def check_flow(option, flow, installed):
    """Findings about one host-failure flow: those of each rule, then OK.

    :param option: the option's name, to name in each finding.
    :param flow: its value, ``{'pre': [...], 'main': [...], 'post': [...]}``.
    :param installed: names of the installed ``masakari.task_flow.tasks``
        entry points.
    """
    facts = FlowFacts(option, flow, installed)
    found = [finding for rule in FLOW_RULES for finding in rule(facts)]
    if not any(f.level == ERROR for f in found):
        found.append(Finding(OK, '%s: %s' % (facts.where, '; '.join(
            '%s %s' % (phase, ', '.join(flow.get(phase) or []) or '-')
            for phase in PHASES))))
    return found


def check_options(opts, coordination_url):
    """Findings about the plugin's options (already type-checked)."""
    found = []
    if not opts.spare_lease_prefix and not opts.spare_lease_ids:
        found.append(Finding(ERROR, '[masakari_blazar] spare_lease_prefix '
                             'is empty and spare_lease_ids lists nothing: no '
                             'lease can hold a spare'))
    if not opts.lock_url and not coordination_url:
        found.append(Finding(WARNING, 'neither [masakari_blazar] lock_url '
                             'nor [coordination] backend_url is set: the '
                             'claim lock is a file lock, safe only while '
                             'every masakari-engine runs on one machine'))
    try:
        replenishment.parse_profile(opts.spare_host_properties)
    except exceptions.ConfigError as exc:
        found.append(Finding(ERROR, str(exc)))
    if opts.replenish_pool and not opts.pool_min_size:
        found.append(Finding(WARNING, '[masakari_blazar] replenish_pool is '
                             'on but pool_min_size is 0: nothing is ever '
                             'added'))
    if not any(f.level == ERROR for f in found):
        found.append(Finding(OK, 'the [masakari_blazar] options are valid'))
    return found


def check_leases(leases, spares, opts, spare_project):
    """Findings about the spare leases and the spares they hold.

    :param leases: Blazar's lease list.
    :param spares: the pool's rows (:func:`pool_reader.pool_rows`).
    :param spare_project: the project whose leases are spare leases.
    """
    found = []
    designated = [lease for lease in leases
                  if spare_pool.is_spare_lease(lease, opts.spare_lease_prefix,
                                               opts.spare_lease_ids,
                                               spare_project)]
    for lease in leases:
        if spare_pool.is_designated(lease, opts.spare_lease_prefix,
                                    opts.spare_lease_ids) and \
                lease.get('project_id') != spare_project and \
                lease.get('status') not in ('TERMINATED', 'DELETED'):
            # Often a spare lease created as another user: it is ignored,
            # and its host is no spare.
            found.append(Finding(WARNING, 'lease %s of project %s looks like '
                                 'a spare lease but is none: only the '
                                 'leases of project %s (the [blazar] '
                                 'credentials\' project, or '
                                 'spare_project_id) are' % (
                                     lease.get('name') or lease['id'],
                                     lease.get('project_id'),
                                     spare_project)))
    ids = {lease['id'] for lease in leases}
    for lease_id in opts.spare_lease_ids:
        if lease_id not in ids:
            found.append(Finding(ERROR, 'spare lease %s (spare_lease_ids) '
                                 'does not exist in Blazar' % lease_id))
    if not designated:
        found.append(Finding(ERROR, 'no Blazar lease is a spare lease (name '
                             'prefix "%s", ids %s): the pool is empty' % (
                                 opts.spare_lease_prefix,
                                 ', '.join(opts.spare_lease_ids) or '-')))
    held = collections.Counter(r.lease for r in spares)
    for lease in sorted(designated, key=lambda x: x.get('name') or ''):
        name = lease.get('name') or lease['id']
        status = lease.get('status')
        if status == spare_pool.ACTIVE:
            found.append(Finding(OK, 'spare lease %s is ACTIVE with %d '
                                 'spare(s)' % (name, held[name])))
        elif status in replenish.STARTING:
            found.append(Finding(WARNING, 'spare lease %s is %s: its hosts '
                                 'are spares once Blazar starts it' % (
                                     name, status)))
        elif status in ('TERMINATED', 'DELETED'):
            continue
        else:
            found.append(Finding(ERROR, 'spare lease %s is %s: its hosts '
                                 'are not spares' % (name, status)))
    for row in spares:
        if row.state.startswith('unhealthy'):
            found.append(Finding(WARNING, 'spare %s is %s' % (row.hostname,
                                                              row.state)))
    free = sum(1 for r in spares if r.state == pool_reader.FREE)
    if free < opts.pool_min_size:
        found.append(Finding(WARNING, 'only %d free spare(s), below '
                             'pool_min_size (%d)' % (free,
                                                     opts.pool_min_size)))
    return found


def check_segments(segments, free_spares, spare_hosts):
    """Findings about Masakari's segments and their recovery methods.

    :param segments: :class:`masakari_blazar.decisions.segments.Segment`
        objects.
    :param free_spares: names of the free spares.
    :param spare_hosts: names of every spare, free or claimed.
    """
    found = []
    if not segments:
        found.append(Finding(WARNING, 'Masakari has no failover segment: '
                             'no host failure will be recovered'))
    registered = set()
    for segment in segments:
        registered.update(segment.hosts)
        label = 'segment %s (%s)' % (segment.name, segment.recovery_method)
        if not segment.enabled:
            found.append(Finding(WARNING, '%s is disabled: Masakari ignores '
                                 'its notifications' % label))
        if segment.recovery_method in (METHODS.AUTO,
                                       METHODS.AUTO_PRIORITY):
            found.append(Finding(OK, '%s runs %s; the plugin picks the '
                                 'spares' % (label, AUTO_FLOW)))
            continue
        usable = [h for h in segment.reserved if h in free_spares]
        unusable = [h for h in segment.reserved if h not in free_spares]
        for host in unusable:
            found.append(Finding(WARNING, '%s: reserved host %s is not a free '
                                 'Blazar spare, so the plugin refuses it; run '
                                 '"masakari-blazar sync-reserved"' % (
                                     label, host)))
        for host in sorted(set(segment.hosts) & set(free_spares) -
                           set(segment.reserved)):
            if host not in segment.on_maintenance:
                found.append(Finding(WARNING, '%s: free spare %s is not '
                                     'flagged reserved, so Masakari never '
                                     'offers it; run "masakari-blazar '
                                     'sync-reserved"' % (label, host)))
        if usable:
            found.append(Finding(OK, '%s runs %s; Masakari offers %s' % (
                label, RH_FLOW, ', '.join(usable))))
        elif segment.recovery_method == METHODS.RESERVED_HOST:
            found.append(Finding(ERROR, '%s: no reserved host is a free '
                                 'Blazar spare, so a failure ends in ERROR '
                                 '(Masakari raises ReservedHostsUnavailable '
                                 'when it lists none)' % label))
        else:
            found.append(Finding(WARNING, '%s: no reserved host is a free '
                                 'Blazar spare; failures fall back to the '
                                 'auto flow' % label))
    for host in sorted(set(spare_hosts) - registered):
        found.append(Finding(WARNING, 'spare %s is in no Masakari segment: '
                             'the same_segment preference never picks it, '
                             'and once it carries evacuated instances '
                             'Masakari cannot recover them' % host))
    return found


def check_lock_backend(conf):
    """Join the claim lock's backend, which every recovery joins first.

    ``check_options`` only sees whether a backend is named; a named one
    that does not answer fails every recovery.  The check waits for it as
    long as a recovery would (``lock_timeout`` plus ``claim_lock.SLACK``).
    """
    try:
        url = claim_lock.backend_url(conf)
        claim_lock.probe(conf)
    except exceptions.ConfigError as exc:
        return [Finding(ERROR, safe_text.clean(exc))]
    return [Finding(OK, safe_text.clean('the claim lock\'s backend %s '
                                        'answers' % url))]


def check_masakari_account(conf):
    """Get a token with Masakari's own account, when the file names one."""
    if not masakari_credentials.configured(conf):
        return []
    problem = masakari_credentials.token_problem(conf)
    if problem:
        return [Finding(ERROR, safe_text.clean(problem))]
    return [Finding(OK, safe_text.clean(
        'Masakari\'s os_privileged_user_* account (%s, project %s) gets a '
        'token from Keystone' % (conf.os_privileged_user_name,
                                 conf.os_privileged_user_tenant)))]


def check_power(power, rows):
    """Whether each spare's node or BMC answers, and says it is on.

    A spare that is off while Blazar holds it is down in Nova, which
    Blazar's host monitor takes for a failure: it heals the spare lease,
    taking another free host or losing the lease.
    """
    if not power.manages_power:
        return []
    found = []
    for row in rows:
        try:
            state = power.power_state(row.hostname)
        except exceptions.RecoveryError as exc:
            found.append(Finding(ERROR, 'spare %s: %s' % (row.hostname,
                                                          exc)))
            continue
        where = power.target(row.hostname)
        off = state in (power_driver.OFF, power_driver.POWERING_OFF)
        if row.cold and off:
            found.append(Finding(OK, 'cold spare %s: %s answers; the host '
                                 'is %s' % (row.hostname, where, state)))
        elif row.cold:
            found.append(Finding(WARNING, 'cold spare %s is %s (%s): a '
                                 'warm-up may be under way, or someone '
                                 'powered it on; "masakari-blazar pool warm '
                                 '%s" finishes it' % (
                                     row.hostname, state or 'in an unknown '
                                     'state', where, row.hostname)))
        elif off:
            found.append(Finding(WARNING, 'spare %s is %s (%s) while it is '
                                 'a spare: Nova will call it down, and '
                                 'Blazar\'s host monitor heals its lease; '
                                 'power it on' % (row.hostname, state,
                                                  where)))
        else:
            found.append(Finding(OK, 'spare %s: %s answers; the host is '
                                 '%s' % (row.hostname, where,
                                         state or 'in an unknown state')))
    return found


def check_credentials_file(conf):
    """A BMC credentials file that others can read leaks every password."""
    path = conf[mb_conf.REDFISH_GROUP].credentials_file
    if conf[mb_conf.PLUGIN_GROUP].power_driver != 'redfish' or not path:
        return []
    try:
        mode = os.stat(path).st_mode
    except OSError:
        # Loading the driver says why it cannot be read.
        return []
    if mode & 0o077:
        return [Finding(WARNING, '[%s] credentials_file %s can be read by '
                        'users other than its owner (mode %s); it holds BMC '
                        'passwords: chmod 600 it' % (
                            mb_conf.REDFISH_GROUP, path,
                            oct(stat.S_IMODE(mode))))]
    return []


def _power_driver(found, conf, recovery):
    try:
        return power_loader.load(conf, recovery.clients)
    except exceptions.ConfigError as exc:
        found.append(Finding(ERROR, str(exc)))
        return None


def read_options(conf):
    """Read every plugin option; a value oslo.config refuses is an ERROR."""
    return [Finding(ERROR, problem)
            for problem in mb_conf.option_problems(conf)]


def installed_tasks():
    """Entry point names of ``masakari.task_flow.tasks``, and load errors."""
    from importlib import metadata
    names = set()
    found = []
    for point in metadata.entry_points(group=TASK_NAMESPACE):
        names.add(point.name)
        if point.name in OURS:
            try:
                point.load()
            except Exception as exc:  # any import failure is the finding
                found.append(Finding(ERROR, 'task %s (%s) cannot be loaded: '
                                     '%s' % (point.name, point.value, exc)))
    return names, found


def _api(found, what, fn):
    try:
        return fn()
    except exceptions.ConfigError as exc:
        found.append(Finding(ERROR, str(exc)))
        raise
    except exceptions.RecoveryError as exc:
        found.append(Finding(ERROR, '%s: %s' % (what, exc)))
        return None


def _check_apis(found, recovery):
    """Call Blazar, Nova and Placement, then read the pool.

    :returns: the pool's rows and Blazar's leases, or None, None when some
        service did not answer.
    """
    inv = recovery.inventory
    leases = _api(found, 'Blazar', inv.leases)
    if leases is not None:
        found.append(Finding(OK, 'Blazar answers with the [blazar] '
                             'credentials (%d lease(s))' % len(leases)))
    services = _api(found, 'Nova', inv.services)
    if services is not None:
        found.append(Finding(OK, 'Nova answers (%d nova-compute '
                             'service(s))' % len(services)))
    providers = _api(found, 'Placement', lambda: inv.placement_get(
        '/resource_providers'))
    if providers is not None:
        found.append(Finding(OK, 'Placement answers (%d resource '
                             'provider(s))' % len(
                                 providers.get('resource_providers', []))))
    if None in (leases, services, providers):
        return None, None
    rows = _api(found, 'the spare pool',
                lambda: pool_reader.pool_rows(recovery))
    return rows, leases


def run(conf):
    """Every check, in order; returns the findings."""
    found = []
    names, load_errors = installed_tasks()
    found.extend(load_errors)
    flows = conf[FLOW_GROUP]
    for option in (AUTO_FLOW, RH_FLOW):
        found.extend(check_flow(option, getattr(flows, option), names))
    option_errors = read_options(conf)
    found.extend(option_errors)
    if option_errors:
        return found
    opts = conf[mb_conf.PLUGIN_GROUP]
    found.extend(check_options(opts, conf.coordination.backend_url))
    found.extend(check_lock_backend(conf))
    found.extend(check_masakari_account(conf))
    try:
        # SpareRecovery reads the options: built once they are valid.
        recovery = spare_recovery.SpareRecovery(conf)
        rows, leases = _check_apis(found, recovery)
    except exceptions.ConfigError:
        # A configuration that cannot build a client fails every call.
        return found
    if rows is None:
        return found
    found.extend(check_leases(leases, rows, opts,
                              recovery.inventory.spare_project()))
    found.extend(check_credentials_file(conf))
    power = _power_driver(found, conf, recovery)
    if power is not None:
        found.extend(check_power(power, rows))
    segments, unread = masakari_api.MasakariApi(
        conf, recovery.clients).segments_or_reason()
    if unread:
        found.append(Finding(ERROR, unread))
        return found
    found.append(Finding(OK, 'Masakari answers with the [blazar] '
                         'credentials (%d segment(s))' % len(segments)))
    found.extend(check_segments(
        segments, {r.hostname for r in rows if r.state == pool_reader.FREE},
        {r.hostname for r in rows}))
    return found


def main(conf):
    """Print the findings; fails, in one line, on any ERROR."""
    findings = run(conf)
    for finding in findings:
        print('%s: %s' % finding)
    errors = sum(1 for f in findings if f.level == ERROR)
    if errors:
        raise exceptions.RecoveryError('the check found %d error(s)' %
                                       errors)
    return 0
