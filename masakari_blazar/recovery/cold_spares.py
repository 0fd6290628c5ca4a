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
"""Cooling a free spare down, and warming a cold one up again.

The steps are decided by :mod:`masakari_blazar.decisions.cold_spares`
from the state read afresh, and made here.  What touches the pool (the
ledger, Blazar's leases and hosts) runs under the claim lock, as a claim
does; the waits for a host to boot run outside it, so that a warm-up
never holds up a recovery.
"""

import collections
import itertools
import time

from masakari_blazar.cloud import claim_lock
from masakari_blazar.cloud import compute_service
from masakari_blazar.cloud import host_state
from masakari_blazar.cloud import notifications
from masakari_blazar.cloud import pool_reader
from masakari_blazar.decisions import cold_spares as decide
from masakari_blazar.decisions import spare_pool
from masakari_blazar import exceptions

# Steps made without the claim lock: powering, and waiting for the host
# or for Blazar.  The host stays recorded cold in the ledger meanwhile,
# so no recovery claims it.
UNLOCKED = (decide.POWER_OFF, decide.POWER_ON, decide.WAIT_UP,
            decide.WAIT_RESERVABLE)

#: What a cooling or a warm-up was decided from, and its steps.
Plan = collections.namedtuple('Plan', 'state facts steps')


class ColdSpares(object):
    """Cools and warms the spares of ``recovery`` through ``power``.

    :param recovery: a
        :class:`masakari_blazar.recovery.spare_recovery.SpareRecovery`.
    :param power: the configured
        :class:`masakari_blazar.power.driver.PowerDriver`.
    """

    def __init__(self, recovery, power, sleep=time.sleep,
                 clock=time.monotonic):
        self.recovery = recovery
        self.power = power
        self.opts = recovery.opts
        self.sleep = sleep
        self.clock = clock
        # Host -> Nova's last heartbeat of it before this powered it on.
        self._powered_on = {}

    def read(self, hostname):
        """The host's :class:`HostState` and :class:`PowerFacts`."""
        state = host_state.read_state(self.recovery, hostname)
        service = self.recovery.inventory.services().get(hostname) or {}
        facts = decide.PowerFacts(
            power=(self.power.power_state(hostname)
                   if self.power.manages_power and state.known else None),
            service_enabled=service.get('status') == 'enabled',
            service_up=_up(service),
            heartbeat=service.get('updated_at'))
        return state, facts

    def cool_plan(self, hostname):
        """The :class:`Plan` that would cool ``hostname``, or a refusal."""
        state, facts = self.read(hostname)
        refusal = decide.cool_refusal(state, facts, self.power.manages_power)
        if refusal:
            raise exceptions.RecoveryError(refusal)
        return Plan(state, facts, decide.cool_steps(
            state, facts, self.opts.claim_aggregate))

    def warm_plan(self, hostname):
        """The :class:`Plan` that would warm ``hostname``, or a refusal."""
        state, facts = self.read(hostname)
        refusal = decide.warm_refusal(state) or (
            None if self.power.manages_power else
            'cannot warm %s: [masakari_blazar] power_driver is none; set it '
            'to the driver that cooled it' % hostname)
        if refusal:
            raise exceptions.RecoveryError(refusal)
        return Plan(state, facts, decide.warm_steps(
            state, facts, self.recovery.return_steps(state)))

    def cool(self, hostname, report):
        """Make a free spare cold; ``report`` gets a line per step done."""
        state, _, steps = self.cool_plan(hostname)
        self._run(steps, lambda step: self._cool_step(state, step, report))
        if steps:
            self.recovery.notifier.spare(notifications.COOLED, hostname,
                                         lease=state.spare_lease,
                                         power_state=decide.OFF)

    def warm(self, hostname, report):
        """Make a cold spare a free spare again, waiting for it to boot.

        A spare that does not come up within ``power_on_timeout`` stays
        cold (recorded in the ledger, outside Blazar), and the error says
        so; warming it again carries on where this stopped.
        """
        plan = self.warm_plan(hostname)
        self._run(plan.steps, lambda step: self._warm_step(plan, step,
                                                           report))
        if plan.steps:
            self.recovery.notifier.spare(
                notifications.WARMED, hostname, power_state=decide.ON,
                lease=spare_pool.spare_lease_name(
                    self.opts.spare_lease_prefix, hostname))

    def take(self, hostnames, notification_uuid, report):
        """Claim cold spares for a recovery, and warm them for it.

        A cold spare is already outside Blazar, as a claimed spare is, so
        it only changes hands in the ledger (:meth:`Ledger.take_over`),
        then is powered on and enabled once nova-compute runs again; Blazar
        never sees it.  The spares boot together.  One that does not come
        up within ``power_on_timeout`` stays claimed, disabled, and the
        recovery plans without it.

        :returns: the spares that came up, ready for instances.
        """
        recovery = self.recovery
        won = []
        with claim_lock.spare_pool_lock(recovery.conf):
            claims = recovery.ledger.read()
            for hostname in hostnames:
                claim = claims.get(hostname)
                if not (claim and claim.cold and
                        recovery.ledger.take_over(hostname)):
                    report('Cold spare %s was taken by another recovery '
                           'meanwhile' % hostname)
                    continue
                recovery.ledger.record(hostname, notification_uuid,
                                       lease=claim.lease)
                won.append(hostname)
        services = recovery.inventory.services()
        booting = []
        for hostname in won:
            self._powered_on[hostname] = (
                services.get(hostname) or {}).get('updated_at')
            try:
                self.power.power_on(hostname)
            except exceptions.RecoveryError as exc:
                report('Claimed cold spare %s, but it cannot be powered on: '
                       '%s' % (hostname, exc))
                continue
            recovery.notifier.spare(notifications.CLAIMED, hostname,
                                    notification_uuid=notification_uuid)
            report('Claimed cold spare %s; asked %s to power it on' % (
                hostname, self.power.target(hostname)))
            booting.append(hostname)
        deadline = self.clock() + self.opts.power_on_timeout
        ready = []
        for hostname in booting:
            if not self._ready_by(deadline, lambda: self._booted(hostname)):
                report('Cold spare %s did not come up within %d s '
                       '([masakari_blazar] power_on_timeout); planning '
                       'without it' % (hostname, self.opts.power_on_timeout))
                continue
            compute_service.set_enabled(recovery.clients, hostname, True)
            report('Cold spare %s is up; enabled nova-compute on it' %
                   hostname)
            ready.append(hostname)
        return ready

    def balance_plan(self):
        """``(to_cool, to_warm)`` to keep ``warm_spares`` free spares warm.

        Only free, healthy spares count as warm: a claimed one is at work,
        and an unhealthy one would not take instances anyway.
        """
        rows = pool_reader.pool_rows(self.recovery)
        warm = [(r.hostname, r.az) for r in rows
                if r.state == pool_reader.FREE and not r.cold]
        cold = [(r.hostname, r.az) for r in rows if r.cold]
        count = self.opts.warm_spares
        if count is not None and len(warm) < count:
            self.recovery.notifier.warm_below(len(warm), len(cold), count)
        return decide.balance(warm, cold, count)

    def balance(self, to_cool, to_warm, report):
        """Cool and warm the spares :meth:`balance_plan` chose.

        The spares to warm are all powered on first, so that they boot
        together; each is then finished as it comes up.  A spare that
        fails does not stop the others.

        :returns: the one-line failures, by host name.
        """
        failed = {}
        for hostname in to_warm:
            self._attempt(failed, hostname, self._power_on, hostname, report)
        for hostname in to_cool:
            self._attempt(failed, hostname, self.cool, hostname, report)
        for hostname in to_warm:
            if hostname not in failed:
                self._attempt(failed, hostname, self.warm, hostname, report)
        return failed

    def _power_on(self, hostname, report):
        plan = self.warm_plan(hostname)
        for step in plan.steps:
            if step.action == decide.POWER_ON:
                self._warm_step(plan, step, report)

    @staticmethod
    def _attempt(failed, hostname, fn, *args):
        try:
            fn(*args)
        except exceptions.RecoveryError as exc:
            failed[hostname] = str(exc)

    def _run(self, steps, make):
        """Make ``steps`` in order, each run of locked ones under one lock."""
        for unlocked, run in itertools.groupby(
                steps, lambda step: step.action in UNLOCKED):
            if unlocked:
                for step in run:
                    make(step)
                continue
            with claim_lock.spare_pool_lock(self.recovery.conf):
                for step in run:
                    make(step)

    def _cool_step(self, state, step, report):
        recovery = self.recovery
        hostname = state.hostname
        if step.action == decide.RECORD:
            # The anchor decides, as for a claim: a recovery that claimed
            # the spare since it was read holds it now.
            if not recovery.ledger.anchor(hostname):
                raise exceptions.RecoveryError(
                    '%s was claimed meanwhile: it stays warm' % hostname)
            try:
                recovery.ledger.record(hostname, None,
                                       lease=state.spare_lease, cold=True)
            except exceptions.RecoveryError:
                # An anchor without a record holds the spare for nobody.
                recovery.ledger.unanchor(hostname)
                raise
            report('Recorded %s as cold in aggregate %s' % (
                hostname, self.opts.claim_aggregate))
        elif step.action == decide.DISABLE:
            compute_service.set_enabled(recovery.clients, hostname, False,
                                        decide.DISABLED_REASON)
            report('Disabled nova-compute on %s' % hostname)
        elif step.action == decide.DETACH:
            self._detach(state, report)
        elif step.action == decide.UNREGISTER:
            self._unregister(hostname, report)
        elif step.action == decide.POWER_OFF:
            # Disabled while still in its spare lease, the spare can have
            # been given no instance; powering off one that holds any
            # would lose it, so that is checked last of all.
            servers = recovery.inventory.servers_on(hostname)
            if servers:
                raise exceptions.RecoveryError(
                    '%s holds %d server(s) (%s): it stays on, disabled and '
                    'recorded cold; move them, then cool it again' % (
                        hostname, len(servers), ', '.join(sorted(
                            s.get('name') or s['id'] for s in servers))))
            self.power.power_off(hostname)
            report('Asked %s to power %s off' % (
                self.power.target(hostname), hostname))

    def _detach(self, state, report):
        """Take the spare out of its lease and of Blazar.

        Blazar's host monitor, if it is on, may have seen the spare
        disabled and healed its lease onto a free host meanwhile: that
        lease, holding only that host, is deleted too, which gives the
        host back to ``freepool`` instead of to the spare pool.
        """
        recovery = self.recovery
        hostname = state.hostname
        inv = recovery.inventory
        leases = inv.leases()
        spares = inv.spares(leases, inv.blazar_hosts(), inv.allocations())
        mine = [s for s in spares if s.hostname == hostname]
        if mine:
            held = set(recovery.ledger.read()) - {hostname}
            report('Spare %s: %s' % (hostname, recovery.leases.detach(
                mine[0], held)))
            return
        holders = [s.hostname for s in spares
                   if s.lease_name == state.spare_lease]
        for lease in leases:
            if (lease.get('name') or lease['id']) == state.spare_lease and \
                    len(holders) <= 1:
                recovery.leases.delete_lease(lease['id'])
                report('Deleted lease %s, which Blazar\'s host monitor had '
                       'healed %s while %s was disabled' % (
                           state.spare_lease, 'onto %s' % holders[0]
                           if holders else 'into holding nothing',
                           hostname))
        self._unregister(hostname, report)

    def _unregister(self, hostname, report):
        found = self.recovery.leases.find_host(hostname)
        if found is not None:
            self.recovery.leases.delete_host(found['id'], hostname)
        report('Removed %s from Blazar' % hostname)

    def _warm_step(self, plan, step, report):
        hostname = plan.state.hostname
        if step.action == decide.POWER_ON:
            self._powered_on[hostname] = plan.facts.heartbeat
            self.power.power_on(hostname)
            report('Asked %s to power %s on' % (self.power.target(hostname),
                                                hostname))
        elif step.action == decide.WAIT_UP:
            self._wait(hostname, lambda: self._booted(hostname),
                       'nova-compute to report up')
            report('nova-compute on %s reports up' % hostname)
        elif step.action == decide.ENABLE:
            compute_service.set_enabled(self.recovery.clients, hostname,
                                        True)
            report('Enabled nova-compute on %s' % hostname)
        elif step.action == decide.WAIT_RESERVABLE:
            self._wait(hostname, lambda: self._reservable(hostname),
                       'Blazar to hold it reservable')
        else:
            for line in self.recovery.return_step(plan.state, step):
                report(line)

    def _booted(self, hostname):
        """Whether nova-compute runs on the host again.

        Nova calls a host that lost power up until ``service_down_time``
        has passed without a heartbeat, so a spare warmed soon after it
        was cooled looks up at once: for a host this powered on, only a
        heartbeat newer than the last one before is proof that it booted.
        """
        service = self.recovery.inventory.services().get(hostname) or {}
        if hostname in self._powered_on and \
                service.get('updated_at') == self._powered_on[hostname]:
            return False
        return _up(service)

    def _reservable(self, hostname):
        found = self.recovery.leases.find_host(hostname)
        return found is not None and found.get('reservable', True) is True

    def _wait(self, hostname, ready, what):
        if not self._ready_by(self.clock() + self.opts.power_on_timeout,
                              ready):
            raise exceptions.RecoveryError(
                '%s is still cold: waited %d s for %s ([masakari_blazar] '
                'power_on_timeout); check its console, then warm it '
                'again' % (hostname, self.opts.power_on_timeout, what))

    def _ready_by(self, deadline, ready):
        """Poll ``ready`` until it holds (True) or ``deadline`` (False)."""
        while not ready():
            if self.clock() >= deadline:
                return False
            self.sleep(self.opts.poll_interval)
        return True


def _up(service):
    """Whether Nova reports the service up (disabled or not)."""
    return service.get('state') == 'up' and not service.get('forced_down')
