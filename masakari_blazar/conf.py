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

"""Every option of masakari-blazar, registered in one place.

The plugin runs inside masakari-engine, so its options live in the engine's
own configuration files beside Masakari's.  ``list_opts`` feeds
oslo-config-generator through the ``oslo.config.opts`` entry point, which
is how ``etc/masakari/masakari-blazar.conf.sample`` is produced.
"""

import copy
import sys

from keystoneauth1 import loading as ks_loading
from oslo_config import cfg

from masakari_blazar import exceptions

PLUGIN_GROUP = 'masakari_blazar'
BLAZAR_GROUP = 'blazar'
NOVA_GROUP = 'nova'
PLACEMENT_GROUP = 'placement'
# The masakari-blazar command reaches the Masakari API (service type
# instance-ha) with the [blazar] credentials; this group only chooses the
# endpoint, as [nova] and [placement] do.  Its name is the project's, as
# openstacksdk expects of oslo.config sections.
MASAKARI_GROUP = 'masakari'
# The power drivers' own sections: [ironic] chooses the bare-metal endpoint
# as [nova] does Nova's, [redfish] names each spare's BMC.
IRONIC_GROUP = 'ironic'
REDFISH_GROUP = 'redfish'

# The preference criteria that can order spare candidates.  The host name is
# always the last tie-break so that every engine ranks spares identically.
PREFERENCES = ('same_az', 'same_segment', 'best_fit')
# Nova 34's default [filter_scheduler] enabled_filters (nova/conf/
# scheduler.py), and the BlazarFilter that Blazar's installation adds.
SCHEDULER_FILTERS = ('ComputeFilter', 'ComputeCapabilitiesFilter',
                     'ImagePropertiesFilter', 'ServerGroupAntiAffinityFilter',
                     'ServerGroupAffinityFilter', 'BlazarFilter')

pool_opts = [
    cfg.StrOpt('spare_lease_prefix',
               default='masakari-spare',
               help='Blazar leases whose name starts with this prefix hold '
                    'the spare hosts.  A lease may hold one spare (the '
                    'recommended shape) or several.  Set it to an empty '
                    'string to use only spare_lease_ids.'),
    cfg.ListOpt('spare_lease_ids',
                default=[],
                help='Ids of further Blazar leases whose hosts are spares, '
                     'whatever their name.'),
    cfg.StrOpt('spare_project_id',
               help='The project whose leases are spare leases; a lease '
                    'of any other project is never a spare, whatever its '
                    'name or id.  Unset means the project of the [blazar] '
                    'credentials.  The plugin creates spare leases with '
                    'those credentials, so a project other than theirs is '
                    'refused.'),
    cfg.IntOpt('spare_lease_days',
               default=3650,
               min=1,
               max=36500,
               help='Length, in days, of the spare leases that the plugin '
                    'creates itself: when it splits a lease holding several '
                    'spares, and when a claim is rolled back or a repaired '
                    'host is returned to the pool.'),
    cfg.IntOpt('pool_min_size',
               default=1,
               min=0,
               help='How many free spares the pool should hold.  '
                    '"masakari-blazar pool status" warns, and exits with '
                    'status 3, when fewer are free; replenishing tops the '
                    'pool up to this size.  0 turns the warning off.'),
    cfg.BoolOpt('replenish_pool',
                default=False,
                help='After claiming spares for a failure, top the pool back '
                     'up to pool_min_size with free Blazar hosts (registered '
                     'in Blazar, in freepool, healthy, with no allocation) '
                     'that match spare_host_properties, each given a spare '
                     'lease of its own, so that a second failure still finds '
                     'a spare.  Blazar also heals reservations and starts '
                     'new leases with such hosts, so only enable this when '
                     'freepool holds hosts meant to become spares.'),
    cfg.StrOpt('spare_host_properties',
               default='',
               help='Which free Blazar hosts may become spares when the pool '
                    'is replenished: a query in the syntax of a Blazar '
                    'reservation\'s hypervisor_properties: comparisons (=, '
                    '!=, <, <=, >, >=) of host fields or extra capabilities, '
                    'joined by "and"; values that are numbers compare as '
                    'numbers.  In a configuration file, write "$" twice, '
                    'since oslo.config reads "$name" as another option: '
                    '[">=", "$$memory_mb", "65536"] or ["and", [">=", '
                    '"$$vcpus", "32"], ["=", "$$spare", "yes"]].  Empty '
                    'means any free host.'),
]

# Blazar and blazar-nova's BlazarFilter each read these names from options
# of their own, which masakari-engine cannot see; the plugin needs the same
# values, under blazar-nova's option names and defaults
# (blazarnova/scheduler/filters/blazar_filter.py).  They sit in the plugin's
# group, like every option the plugin reads: a [blazar:physical:host] group
# in masakari.conf would look like a setting of Nova's filter, which only
# nova.conf can change.
_SAME_AS = ('Set it in this group, to the value that the other services '
            'use: the plugin cannot read their files.')
blazar_names_opts = [
    cfg.StrOpt('aggregate_freepool_name',
               default='freepool',
               help='Name of the Nova aggregate that holds the hosts '
                    'registered in Blazar that no host reservation holds.  '
                    'It must equal Blazar\'s [nova] aggregate_freepool_name '
                    '(blazar.conf) and the BlazarFilter\'s '
                    '[blazar:physical:host] aggregate_freepool_name '
                    '(nova.conf, blazar-nova).  ' + _SAME_AS),
    cfg.StrOpt('blazar_az_prefix',
               default='blazar_',
               help='How the availability zone of a host reservation\'s '
                    'aggregate starts.  It must equal Blazar\'s '
                    '[physical:host] blazar_az_prefix (blazar.conf) and the '
                    'BlazarFilter\'s [blazar:physical:host] blazar_az_prefix '
                    '(nova.conf, blazar-nova).  ' + _SAME_AS),
]

placement_opts = [
    cfg.ListOpt('spare_preference',
                default=list(PREFERENCES),
                item_type=cfg.types.String(choices=PREFERENCES),
                help='Order in which spares that fit are preferred.  '
                     'same_az: the spare is in the failed host\'s home '
                     'availability zone.  same_segment: the spare is '
                     'registered in the failed host\'s Masakari segment.  '
                     'best_fit: the spare with the least free capacity that '
                     'still holds the instances.  The host name breaks the '
                     'remaining ties, so every engine decides alike.'),
    cfg.IntOpt('max_spares_per_failure',
               default=3,
               min=1,
               help='How many spares one host failure may consume when a '
                    'single spare cannot hold all of its instances.'),
    cfg.StrOpt('no_spare_action',
               default='scheduler',
               choices=[('scheduler', 'Evacuate the instances that no '
                                      'spare holds without a target host, '
                                      'so that the Nova scheduler picks '
                                      'one, as Masakari\'s auto flow does.'),
                        ('fail', 'End the recovery in ERROR without moving '
                                 'anything when some instance fits on no '
                                 'spare.')],
               help='What to do when the spares cannot hold every instance '
                    'of the failed host.'),
    cfg.ListOpt('scheduler_filters',
                default=list(SCHEDULER_FILTERS),
                help='The filters of Nova\'s [filter_scheduler] '
                     'enabled_filters (nova.conf), which every evacuation to '
                     'a planned spare meets.  The plan honours '
                     'AggregateInstanceExtraSpecsFilter and '
                     'AggregateMultiTenancyIsolation only when they are '
                     'listed, against the aggregates a spare is in when it '
                     'is evacuated to (not its spare lease\'s nor freepool; '
                     'with the reservations it joins).  The default is Nova '
                     '34\'s default with the BlazarFilter.  ' + _SAME_AS),
    cfg.BoolOpt('join_zones',
                default=True,
                help='When no spare of the availability zone an instance is '
                     'pinned to (Nova\'s pinned_availability_zone) has room, '
                     'a claimed spare outside every zone joins that zone\'s '
                     'Nova aggregate before the evacuation, so that the '
                     'scheduler\'s zone request filter passes it; "return" '
                     'takes it out again.  A spare serves one zone only: '
                     'Nova refuses a host in two.  False leaves such '
                     'instances to no_spare_action.'),
    cfg.StrOpt('reallocate_api',
               default='auto',
               choices=[('auto', 'Use PUT /v1/os-hosts/{id}/allocation to '
                                 'swap a spare out of a lease holding '
                                 'several spares when the Blazar endpoint '
                                 'offers it, and fall back to splitting the '
                                 'lease when it answers 404 or 405.'),
                        ('disabled', 'Never call the reallocate API.')],
               help='Whether to use the reallocate API, which only some '
                    'Blazar distributions have.'),
]

claim_opts = [
    cfg.StrOpt('claim_aggregate',
               default='masakari-blazar-claims',
               regex=r'\S',
               help='Name of the Nova aggregate that records which spare is '
                    'claimed by which notification.  It has no availability '
                    'zone and so does not affect scheduling; operators can '
                    'read it with "openstack aggregate show".'),
    cfg.StrOpt('lock_url',
               help='tooz backend URL for the lock that serialises claims.  '
                    'Unset means [coordination] backend_url, as Masakari '
                    'uses it, and when that is unset too, a file lock in '
                    'lock_path, which is only safe while every '
                    'masakari-engine runs on one machine.'),
    cfg.StrOpt('lock_path',
               default='$state_path/masakari_blazar/locks',
               help='Directory of the file lock used when neither lock_url '
                    'nor [coordination] backend_url is set.'),
    cfg.IntOpt('lock_timeout',
               default=120,
               min=1,
               help='Seconds to wait for the claim lock before the recovery '
                    'fails with a message naming the lock backend.'),
    cfg.IntOpt('evacuation_guard_timeout',
               default=600,
               min=1,
               help='Seconds an engine waits for another engine that is '
                    'evacuating the instances of the same notification '
                    '(every engine retries the same ERROR notifications).  '
                    'It then re-reads where the instances are and evacuates '
                    'only what is left; after this long it gives up '
                    'without touching any instance, the claimed spares stay '
                    'claimed, and the notification ends in ERROR.  Make it '
                    'longer than an evacuation of a full host takes.'),
    cfg.BoolOpt('sync_masakari_reserved',
                default=True,
                help='After claiming a spare that is also registered as a '
                     'Masakari host, set its reserved flag to False, as '
                     'Masakari\'s own reserved-host flow does; "return", '
                     'and a claim given back before anything moved, set it '
                     'to True again on a host of a reserved_host or '
                     'rh_priority segment.'),
]

fencing_opts = [
    cfg.BoolOpt('monitor_fences_hosts',
                default=False,
                help='The host monitor reports a host failure only once the '
                     'host is fenced (masakari-hostmonitor does, once IPMI '
                     'confirms its power is off).  blazar_disable_compute_'
                     'service_task then marks the failed host\'s '
                     'nova-compute forced down at once, so that evacuation '
                     'starts without waiting for Nova to miss its '
                     'heartbeats.  Only set it when the monitor really '
                     'fences: forcing down a host that still runs lets two '
                     'copies of its instances run.'),
    cfg.IntOpt('service_down_timeout',
               default=180,
               min=0,
               help='Seconds blazar_disable_compute_service_task waits for '
                    'Nova to report the failed host\'s nova-compute down '
                    '(after service_down_time, 60 s by default, without a '
                    'heartbeat), reading it every poll_interval, '
                    'before the recovery fails with a message saying so.  '
                    'Masakari\'s own disable task always sleeps '
                    '[DEFAULT] wait_period_after_service_update (180 s) '
                    'instead.'),
]

# The demo and the tests poll their local clouds as often as allowed.
POLL_INTERVAL_MIN = 0.05

polling_opts = [
    cfg.FloatOpt('poll_interval',
                 default=0.5,
                 min=POLL_INTERVAL_MIN,
                 help='Seconds between two reads of Nova while the plugin '
                      'waits for it: for the failed host\'s nova-compute '
                      'to be reported down, and between the server-list '
                      'rounds that answer the polls of the evacuating '
                      'instances (one list call a round for all of them).  '
                      'Masakari polls each evacuation every [DEFAULT] '
                      'verify_interval, in whole seconds; a poll of an '
                      'instance that Nova is still rebuilding or stopping '
                      'waits for further rounds, up to half of '
                      'verify_interval, and is answered by the first that '
                      'shows it settled.  A shorter poll_interval sees an '
                      'evacuation end sooner, at one list call a round.  '
                      'Keep it at most half of verify_interval, or '
                      'Masakari\'s polls outlast their interval.'),
]

evacuation_opts = [
    cfg.IntOpt('evacuation_concurrency',
               default=50,
               min=1,
               help='How many instances of one failed host are evacuated '
                    'at the same time.  A recovery lasts about as long as '
                    'its slowest evacuation only when every instance starts '
                    'at once, so the default covers a typical host in one '
                    'wave; polling costs one list call per round whatever '
                    'the value.  Lower it if the spares or Nova suffer from '
                    'many rebuilds at once (Masakari\'s own task uses 3).'),
    cfg.IntOpt('evacuations_per_spare',
               default=10,
               min=1,
               help='How many of those evacuations run onto one spare at '
                    'the same time; the others wait for their spare, in '
                    'the plan\'s order, without taking a slot of '
                    'evacuation_concurrency.  A spare shares its disks, '
                    'network and image downloads among its rebuilds, so '
                    'many at once each take longer without ending sooner '
                    'in all, and one that outlasts Masakari\'s '
                    'wait_period_after_evacuation (90 s) fails its '
                    'instance\'s VMove although Nova goes on.  10 is '
                    'Nova\'s max_concurrent_builds for new builds; Nova '
                    'does not limit rebuilds.  Raise it for spares that '
                    'rebuild fast in parallel (local images, shared '
                    'storage).'),
]

api_opts = [
    cfg.IntOpt('api_retries',
               default=4,
               min=0,
               help='How many times a Blazar, Nova or Placement call that '
                    'failed transiently (5xx, timeout, connection refused) '
                    'is retried before the recovery fails.  Each attempt '
                    'first runs keystoneauth\'s own retries of the request, '
                    'which the connect_retries and status_code_retries '
                    'options of [blazar], [nova] and [placement] set (none '
                    'by default): a call whose connection keeps failing is '
                    'tried (api_retries + 1) x (connect_retries + 1) times.  '
                    'The calls of Masakari\'s evacuation code (lock, '
                    'evacuate, unlock, stop), which Masakari makes once, get '
                    'only keystoneauth\'s retries.'),
    cfg.FloatOpt('api_retry_delay',
                 default=1.0,
                 min=0,
                 help='Seconds before the first retry of a failed API call; '
                      'the delay doubles after each attempt.'),
    cfg.FloatOpt('api_retry_max_delay',
                 default=10.0,
                 min=0,
                 help='Upper bound of the delay between two retries.'),
]

power_opts = [
    cfg.StrOpt('power_driver',
               default='none',
               help='How the plugin reaches the power of its spares: the '
                    'name of a masakari_blazar.power_drivers entry point.  '
                    '"none" leaves power alone; "ironic" drives the Ironic '
                    'node of each spare (the [ironic] section); "redfish" '
                    'drives each spare\'s BMC directly (the [redfish] '
                    'section).  "masakari-blazar check" says whether each '
                    'spare\'s node or BMC answers, and "pool status" shows '
                    'its power state.'),
    cfg.IntOpt('warm_spares',
               min=0,
               help='How many free spares "masakari-blazar pool balance" '
                    'keeps powered on; the other free spares it cools: '
                    'powered off, disabled in Nova and outside Blazar, '
                    'recorded in the claim ledger.  A recovery warms cold '
                    'spares only for what the warm ones cannot hold, and '
                    'waits for them to boot, so keep as many warm as the '
                    'failures you must absorb without that wait.  Unset '
                    '(the default): every spare stays as it is, warm unless '
                    'an operator cooled it.  Needs a power_driver.'),
    cfg.IntOpt('power_on_timeout',
               default=900,
               min=1,
               help='Seconds a cold spare may take from being powered on '
                    'until its nova-compute reports up, and then until '
                    'Blazar holds it reservable.  Servers often take 5 to '
                    '10 minutes to pass their firmware\'s checks and '
                    'boot; a spare that takes longer stays cold, and the '
                    'warm-up says so.'),
]

ALL_PLUGIN_OPTS = (pool_opts + blazar_names_opts + placement_opts +
                   claim_opts + fencing_opts + polling_opts +
                   evacuation_opts + api_opts + power_opts)

ironic_opts = [
    cfg.DictOpt('node_names',
                default={},
                help='The Ironic node of each spare that is not named as '
                     'its Nova compute host, as host:node pairs, where node '
                     'is a name or a UUID.  A spare not listed is the node '
                     'named as its host.'),
]

redfish_opts = [
    cfg.DictOpt('systems',
                default={},
                help='The Redfish system of each spare, as host:URL pairs, '
                     'the URL that of the system resource on its BMC, such '
                     'as compute-7:https://10.0.0.17/redfish/v1/Systems/1.  '
                     'They are reached with the username and password '
                     'below; give hosts that need credentials of their own '
                     'in credentials_file instead.'),
    cfg.StrOpt('username',
               help='The BMC user of the hosts listed in systems.'),
    cfg.StrOpt('password',
               secret=True,
               help='The BMC password of the hosts listed in systems.'),
    cfg.StrOpt('credentials_file',
               help='A JSON file that maps each host to its BMC: '
                    '{"compute-7": {"system": "https://10.0.0.17/redfish/v1/'
                    'Systems/1", "username": "...", "password": "...", '
                    '"verify": true}}.  "verify" is optional and may name a '
                    'CA bundle.  Keep the file readable by the engine\'s '
                    'user only.  A host may be in systems or here, not '
                    'both.'),
    cfg.StrOpt('verify',
               default='true',
               help='Whether the hosts listed in systems are reached over '
                    'TLS with their certificates verified: "true", '
                    '"false", or the path of a CA bundle.'),
]

_ADAPTER_DEFAULTS = {
    BLAZAR_GROUP: 'reservation',
    NOVA_GROUP: 'compute',
    PLACEMENT_GROUP: 'placement',
    MASAKARI_GROUP: 'instance-ha',
    IRONIC_GROUP: 'baremetal',
}


def register_opts(conf):
    """Register every option on ``conf``; safe to call more than once."""
    conf.register_opts(ALL_PLUGIN_OPTS, group=PLUGIN_GROUP)
    conf.register_opts(_session_opts(), group=BLAZAR_GROUP)
    ks_loading.register_auth_conf_options(conf, BLAZAR_GROUP)
    for group, service_type in _ADAPTER_DEFAULTS.items():
        ks_loading.register_adapter_conf_options(
            conf, group, include_deprecated=False)
        conf.set_default('service_type', service_type, group=group)
    conf.register_opts(ironic_opts, group=IRONIC_GROUP)
    conf.register_opts(redfish_opts, group=REDFISH_GROUP)


# An API that stops answering must not hang a recovery forever: with a
# timeout its calls fail, are retried, and end in a clear error.
SESSION_TIMEOUT = 60


def _session_opts():
    opts = copy.deepcopy(ks_loading.get_session_conf_options())
    for opt in opts:
        if opt.dest == 'timeout':
            opt.default = SESSION_TIMEOUT
    return opts


def _adapter_opts(service_type):
    opts = copy.deepcopy(
        ks_loading.get_adapter_conf_options(include_deprecated=False))
    for opt in opts:
        if opt.dest == 'service_type':
            opt.default = service_type
    return opts


def list_opts():
    """Options for oslo-config-generator, grouped as in a config file."""
    blazar_opts = (
        _session_opts() +
        ks_loading.get_auth_common_conf_options() +
        ks_loading.get_auth_plugin_conf_options('password') +
        _adapter_opts('reservation'))
    return [
        (PLUGIN_GROUP, copy.deepcopy(ALL_PLUGIN_OPTS)),
        (BLAZAR_GROUP, blazar_opts),
        (NOVA_GROUP, _adapter_opts('compute')),
        (PLACEMENT_GROUP, _adapter_opts('placement')),
        (MASAKARI_GROUP, _adapter_opts('instance-ha')),
        (IRONIC_GROUP, _adapter_opts('baremetal') + ironic_opts),
        (REDFISH_GROUP, redfish_opts),
    ]


register_opts(cfg.CONF)


_PARSED = False


def parse_config(argv, prog='masakari-blazar'):
    """Parse the command line and config files as masakari-engine does.

    Masakari's own options (its database, [taskflow], the recovery flows)
    and the plugin's are read from the same files, so a tool that is given
    ``--config-file /etc/masakari/masakari.conf`` sees what the engine sees.
    """
    global _PARSED
    from masakari import config
    # oslo.config names the program after sys.argv[0] in usage and error
    # lines, and Masakari passes it no name: ``python -m`` would show
    # "cli".
    argv0, sys.argv[0] = sys.argv[0], prog
    try:
        config.parse_args([prog] + list(argv), configure_db=False,
                          init_rpc=False)
    finally:
        sys.argv[0] = argv0
    _PARSED = True


def parse_config_once():
    """Parse no arguments, unless a command line was parsed already."""
    if not _PARSED:
        parse_config([])


def option_problems(conf):
    """One line per plugin option whose value oslo.config refuses.

    oslo.config checks a value (its type, ``min``, ``max``, ``choices``)
    only when the option is read, so an option that a recovery reads late
    would fail it after the cloud was changed; reading them all first
    refuses a bad value before anything happens.
    """
    problems = []
    for name, opt in _checked_opts():
        try:
            getattr(conf[name], opt.dest)
        except (cfg.TemplateSubstitutionError, cfg.NoSuchOptError):
            # A default naming another service's option ($state_path),
            # which masakari-engine has; not a value the operator set.
            continue
        except (ValueError, cfg.Error) as exc:
            # oslo.config says where the value came from, at length; the
            # file is the operator's, the reason is what to fix.
            reason = str(exc).split(' is not valid: ', 1)[-1]
            problems.append('[%s] %s: %s' % (name, opt.dest, reason))
    return problems


def _checked_opts():
    """(group, option) for every option of the plugin's own sections."""
    for group, opts in ((PLUGIN_GROUP, ALL_PLUGIN_OPTS),
                        (IRONIC_GROUP, ironic_opts),
                        (REDFISH_GROUP, redfish_opts)):
        for opt in opts:
            yield group, opt


def require_valid(conf):
    """Raise a one-line ConfigError for the first refused option value."""
    problems = option_problems(conf)
    if problems:
        raise exceptions.ConfigError(problems[0])
