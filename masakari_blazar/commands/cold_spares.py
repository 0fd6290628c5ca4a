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
"""``masakari-blazar pool cool|warm HOST`` and ``pool balance``.

An operator who keeps part of the pool powered off cools the spares it
can spare and warms them when the pool needs them; the steps and why they
come in that order are in :mod:`masakari_blazar.decisions.cold_spares`.
Both commands can be repeated: a run interrupted anywhere is finished by
the next.
"""

from masakari_blazar import conf as mb_conf
from masakari_blazar import exceptions
from masakari_blazar.power import loader as power_loader
from masakari_blazar.recovery import cold_spares
from masakari_blazar.recovery import spare_recovery


def _cold_spares(conf):
    recovery = spare_recovery.SpareRecovery(conf)
    return recovery, cold_spares.ColdSpares(
        recovery, power_loader.load(conf, recovery.clients))


def main(conf, hostname, warm, dry_run=False):
    """Cool (or with ``warm``, warm) ``hostname``; ``dry_run`` says how."""
    recovery, spares = _cold_spares(conf)
    plan = spares.warm_plan if warm else spares.cool_plan
    if dry_run:
        steps = plan(hostname).steps
        print('Would, for %s:' % hostname)
        for number, step in enumerate(steps, 1):
            print('  %d. %s' % (number, step.text))
        if not steps:
            print('  nothing: it is %s already' % (
                'warm' if warm else 'cold'))
        return 0
    (spares.warm if warm else spares.cool)(hostname, print)
    if warm:
        print('%s is warm again: Blazar starts its spare lease at once ("'
              'masakari-blazar pool status").' % hostname)
    else:
        print('%s is cold: powered off, disabled in Nova, outside Blazar, '
              'and held in aggregate %s; "masakari-blazar pool warm %s" '
              'warms it.' % (hostname, recovery.opts.claim_aggregate,
                             hostname))
    return 0


def balance(conf, dry_run=False):
    """Cool or warm spares until ``warm_spares`` free spares are warm."""
    recovery, spares = _cold_spares(conf)
    count = recovery.opts.warm_spares
    if count is None:
        print('[%s] warm_spares is not set: every spare stays as it is.' %
              mb_conf.PLUGIN_GROUP)
        return 0
    if not spares.power.manages_power:
        raise exceptions.ConfigError(
            '[%s] warm_spares is %d but power_driver is none: set it to '
            'ironic or redfish' % (mb_conf.PLUGIN_GROUP, count))
    to_cool, to_warm = spares.balance_plan()
    if not to_cool and not to_warm:
        print('The pool keeps %d free spare(s) warm: nothing to do.' % count)
        return 0
    print('To keep %d free spare(s) warm: cool %s; warm %s.' % (
        count, ', '.join(to_cool) or 'none', ', '.join(to_warm) or 'none'))
    if dry_run:
        return 0
    failed = spares.balance(to_cool, to_warm, print)
    for hostname, reason in sorted(failed.items()):
        print('FAILED: %s' % reason)
    if failed:
        raise exceptions.RecoveryError(
            'balancing the pool failed for %s' % ', '.join(sorted(failed)))
    return 0
