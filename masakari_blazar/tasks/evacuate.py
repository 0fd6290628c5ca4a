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

"""blazar_evacuate_instances_task: each instance to its planned host."""

import contextlib
import contextvars
import time

from eventlet import greenpool
from oslo_config import cfg

import masakari.conf  # noqa: F401  (registers the options read below)
from masakari.engine.drivers.taskflow import host_failure
from masakari import exception
from masakari import objects
from masakari.objects import fields

from masakari_blazar.cloud import nova_api
from masakari_blazar.cloud import server_watch
from masakari_blazar.decisions import planner
from masakari_blazar.decisions import replanning
from masakari_blazar.decisions import retries
from masakari_blazar.decisions import vmoves
from masakari_blazar import exceptions
from masakari_blazar import log_context
from masakari_blazar.recovery import spare_recovery
from masakari_blazar import safe_text
from masakari_blazar.tasks import attempts
from masakari_blazar.tasks import base
from masakari_blazar.tasks import evacuation_slots
from masakari_blazar.tasks import shared_clients

CONF = cfg.CONF
LOG = log_context.getLogger(__name__)
#: Seconds between writes of the progress details.  Each write stores the
#: whole record again, so a write per line, or per polling round while
#: evacuations start one by one as slots free, grows quadratic in the
#: instances; a reader of the notification sees a line at most this late.
PROGRESS_INTERVAL = 5.0
SUCCEEDED = fields.VMoveStatus.SUCCEEDED
FAILED = fields.VMoveStatus.FAILED


class EvacuateInstancesTask(base.CleanDetails,
                            host_failure.EvacuateInstancesTask):
    """Evacuate each instance to the host that the plan gave it.

    Masakari's own task sends every instance to one reserved host, adds
    that host to every aggregate of the failed host (taking any 409 for
    success), and calls ``update_host_method``, which is None in the auto
    flow.  Its per-instance ``_evacuate_and_confirm`` carries Masakari's
    semantics for locked, stopped, error and resized instances and keeps
    the VMoves, so it is reused as is, with a target per instance, up to
    ``evacuation_concurrency`` at a time.

    What it costs Nova and Keystone no longer grows with every poll of
    every instance: its Nova calls go through :class:`nova_api.NovaAPI`
    (one session, so no token per call), and its polls are served by a
    :class:`server_watch.ServerWatch` (one list call per round for all
    the instances).
    """

    def __init__(self, context, novaclient, **kwargs):
        kwargs.setdefault('update_host_method', None)
        super().__init__(context, novaclient, **kwargs)

    @base.naming_the_recovery
    def execute(self, host_name, notification_uuid, spare_plan):
        """Evacuate, holding the notification's evacuation guard.

        Everything about the instances is read once the guard is held: an
        engine that waited for another finds what that one did.
        """
        plan = planner.Plan.from_dict(spare_plan)
        clients = shared_clients.for_notification(CONF, notification_uuid)
        with contextlib.ExitStack() as guard:
            base.hold_guard(self, guard, notification_uuid)
            guard.enter_context(self.batching_details(PROGRESS_INTERVAL))
            self._evacuate(plan, clients, host_name, notification_uuid)

    def _evacuate(self, plan, clients, host_name, notification_uuid):
        with base.failing_clearly(self):
            unusable = spare_recovery.SpareRecovery(CONF, clients).unusable(
                sorted({t for t in plan.moves.values() if t}))
            nova = clients.nova_at(nova_api.MICROVERSION)
            self.watch = server_watch.ServerWatch(
                nova, clients.call, CONF.verify_interval,
                CONF.masakari_blazar.poll_interval)
            self.novaclient = nova_api.NovaAPI(nova, self.watch.changed)
            self.log_head = log_context.current()
            self.watch.seed(host_name)
            self.failure = _Failure(self.context, clients, host_name,
                                    notification_uuid, plan)
        for hostname, problem in sorted(unusable.items()):
            # Nova would refuse the evacuation and leave the instance in
            # ERROR; left PENDING, the notification's retry chooses again.
            self.update_details('Not evacuating to %s, which became '
                                'unusable (%s); its instances wait for the '
                                'retry of this notification' % (
                                    hostname, problem), 0.2)
        open_vmoves = self._open_vmoves(notification_uuid)
        # Every instance has its greenthread; the slots say when each may
        # evacuate.
        threads = greenpool.GreenPool(max(len(open_vmoves), 1))
        self.slots = evacuation_slots.EvacuationSlots(
            CONF.masakari_blazar.evacuation_concurrency,
            CONF.masakari_blazar.evacuations_per_spare)
        self.failure.take(open_vmoves)
        self.histories = attempts.histories(self.context, notification_uuid)
        for uuid in plan.in_order(open_vmoves):
            vmove = open_vmoves[uuid]
            target = plan.moves.get(uuid)
            if target in unusable:
                continue
            # A copy of this context: the greenthread's log lines name the
            # recovery too.
            threads.spawn_n(contextvars.copy_context().run, self._move,
                            vmove, target, host_name, plan.label(uuid))
        threads.waitall()
        self._settle_newer(notification_uuid, open_vmoves)
        self._summarise(notification_uuid, host_name, open_vmoves)

    def _open_vmoves(self, notification_uuid):
        """The VMove to act on for each instance not yet settled.

        The older open rows of an earlier run are closed, so that the
        records agree (see :func:`vmoves.resume`).
        """
        resumption = vmoves.resume(objects.VMoveList.get_all_vmoves(
            self.context, notification_uuid))
        for stale, current in resumption.superseded:
            stale.status = FAILED
            stale.message = ('superseded by VMove %s of a later run' %
                             current.uuid)
            stale.save()
        return resumption.current

    def _move(self, vmove, target, host_name, label):
        """Evacuate one instance, unless an earlier run already moved it.

        An evacuation that Nova accepted before the engine died goes on
        without it; evacuating that instance again would rebuild it twice.
        So an instance being rebuilt is waited for, and one that is no
        longer on the failed host is recorded where it is.
        """
        server = self._settled_server(vmove.instance_uuid)
        where = server and getattr(server,
                                   'OS-EXT-SRV-ATTR:hypervisor_hostname')
        if server is None:
            self._close(vmove, FAILED, message='the instance no longer '
                                               'exists')
        elif where != host_name:
            self._close(vmove, SUCCEEDED, dest_host=where,
                        message='already on %s' % where)
        else:
            was = getattr(server, 'OS-EXT-STS:vm_state')
            if attempts.action(server, self.histories[vmove.instance_uuid],
                               host_name) is retries.Action.EVACUATE_AGAIN:
                # Evacuated in ERROR, it would be left in ERROR again.
                if not self._reset(vmove, where, 'by an earlier attempt; '
                                   'reset it to ACTIVE, to evacuate it '
                                   'again', 0.4):
                    return
            self.failure.started.add(vmove.instance_uuid)
            try:
                self._evacuate_replanning(vmove, target, host_name, was,
                                          label)
            finally:
                self.failure.heading.pop(vmove.instance_uuid, None)

    def _evacuate_replanning(self, vmove, target, host_name, was, label):
        """Masakari's evacuation, then again elsewhere while Nova refuses.

        The first line is said once the evacuation has its slots, when it
        starts rather than when it was queued; a re-plan says its own.

        :param was: the instance's vm_state before its first evacuation.  A
            re-planned one evacuates it as ACTIVE (see :meth:`_replan`), so
            an instance that was stopped is stopped again, as Masakari's
            evacuation leaves it.
        """
        tried = [target]
        while True:
            with self.slots.evacuating(target):
                if len(tried) == 1:
                    self.report(['Evacuating instance %s to %s' % (
                        label, target or 'a host the scheduler chooses')],
                        0.3)
                self._evacuate_and_confirm(self.context, vmove, target)
            if vmove.status != FAILED:
                if len(tried) > 1 and was == 'stopped':
                    self._stop_again(vmove)
                return
            refusal = self._add_nova_fault(vmove, host_name)
            if refusal is None:
                return
            vmove, target = self._replan(vmove, tried, refusal, host_name)
            if vmove is None:
                return
            tried.append(target)

    def _stop_again(self, vmove):
        try:
            server = self.novaclient.get_server(self.context,
                                                vmove.instance_uuid)
            self._stop_after_evacuation(self.context, server)
        except Exception as exc:
            self._close(vmove, FAILED, message=safe_text.clean(
                'evacuated to %s, but stopping it again, as it was before '
                'its host failed, failed: %s' % (vmove.dest_host, exc)))
            return
        self.update_details('Instance %s (%s) was stopped before its host '
                            'failed; stopped it again on %s' % (
                                vmove.instance_name, vmove.instance_uuid,
                                vmove.dest_host), 0.6)

    def _add_nova_fault(self, vmove, host_name):
        """Say why Nova failed the evacuation, from the instance's fault.

        Masakari records only "Failed to evacuate instance <uuid>"; Nova
        keeps the reason (such as "No valid host was found...") in the
        ``fault`` of a server in ERROR, which is what the operator needs.

        :returns: the fault's message when it is the scheduler's refusal,
            with the instance still on ``host_name``: a re-plan may move it
            elsewhere (see :mod:`masakari_blazar.decisions.replanning`).
        """
        try:
            server = self.novaclient.get_server(self.context,
                                                vmove.instance_uuid)
        except Exception as exc:
            LOG.debug('Could not read the fault of %s: %s',
                      vmove.instance_uuid, exc)
            return None
        fault = getattr(server, 'fault', None) or {}
        reason = ' '.join(str(fault.get('message') or '').split())
        if not reason:
            return None
        code = fault.get('code')
        vmove.message = '%s: %s%s' % (
            (vmove.message or 'Failed to evacuate instance %s' %
             vmove.instance_uuid).rstrip('. '), reason,
            ' (Nova fault, code %s)' % code if code else '')
        vmove.save()
        where = getattr(server, 'OS-EXT-SRV-ATTR:hypervisor_hostname')
        state = getattr(server, 'OS-EXT-STS:vm_state')
        if where == host_name and state == retries.ERROR and \
                replanning.refused_by_scheduler(reason):
            return reason
        return None

    def _replan(self, vmove, tried, refusal, host_name):
        """Choose the next target of a refused instance, and get it ready.

        The refused VMove stays FAILED, saying what comes next; the next
        attempt gets a VMove of its own.  Each host is tried once per
        instance (``tried``), so the re-planning ends.

        :returns: the next attempt's VMove and target, or ``(None, None)``
            when there is none, which the progress line and the VMove say.
        """
        label = '%s (%s)' % (vmove.instance_name, vmove.instance_uuid)
        try:
            choice, refusing, report = self.failure.replan(
                vmove.instance_uuid, tried)
        except exceptions.RecoveryError as exc:
            choice = replanning.Choice(stop=str(exc))
            refusing, report = None, []
        why = replanning.why_refused(refusal, refusing)
        if tried[-1] is replanning.SCHEDULER:
            refused = 'Nova\'s scheduler found no host for %s (%s)' % (
                label, why)
        else:
            refused = 'Nova refused %s for %s (%s)' % (tried[-1], label, why)
        if choice.stop:
            line = '%s; %s: it stays in ERROR on %s' % (
                refused, choice.stop, host_name)
            self.report([line] + report, 0.5)
            self._close(vmove, FAILED,
                        message='%s; %s' % (vmove.message, line))
            return None, None
        target = choice.target or 'a host the scheduler chooses'
        self.report(['%s; evacuating to %s%s' % (
            refused, target,
            ' (%s)' % choice.reason if choice.reason else '')] + report, 0.5)
        if not self._reset(vmove, host_name, 'on %s by that refusal; reset '
                           'it to ACTIVE, to evacuate it to %s' % (
                               host_name, target), 0.5):
            return None, None
        again = objects.VMove(
            context=self.context, instance_uuid=vmove.instance_uuid,
            instance_name=vmove.instance_name,
            notification_uuid=vmove.notification_uuid,
            source_host=vmove.source_host, status=fields.VMoveStatus.PENDING,
            type=fields.VMoveType.EVACUATION)
        again.create()
        self._close(vmove, FAILED, message='%s; re-planned, as %s refused '
                    'it: evacuating to %s as VMove %s' % (
                        vmove.message, tried[-1] or 'the scheduler',
                        target, again.uuid))
        self.failure.acted[vmove.instance_uuid] = again
        self.failure.heading[vmove.instance_uuid] = choice.target
        return again, choice.target

    def _get_state_and_host_of_instance(self, context, instance):
        """Masakari's poll of an evacuating instance, from a shared round.

        Masakari reads the instance with a GET of its own on every poll;
        the watch answers from one list call per round for all instances,
        never with a state older than the previous poll or than the change
        being awaited (see :mod:`masakari_blazar.cloud.server_watch`).
        Masakari polls from a looping call's greenthread, where the
        recovery's log lines need naming again.
        """
        with log_context.resumed(self.log_head):
            new_instance = self.watch.server(instance.id)
        return (getattr(instance, 'OS-EXT-STS:vm_state'),
                getattr(new_instance, 'OS-EXT-STS:vm_state'),
                getattr(new_instance, 'OS-EXT-SRV-ATTR:hypervisor_hostname'))

    def _settled_server(self, uuid):
        """``uuid`` once no rebuild is under way; None if it is gone.

        Each look waits for a newer round of the watch, which paces this
        loop; at ``wait_period_after_evacuation`` it is taken as it is.
        """
        deadline = time.monotonic() + CONF.wait_period_after_evacuation
        while True:
            try:
                server = self.watch.server(uuid)
            except exception.NotFound:
                return None
            task_state = getattr(server, 'OS-EXT-STS:task_state', None)
            if not (task_state or '').startswith('rebuild') or (
                    time.monotonic() > deadline):
                return server

    def _left_in_error(self, results, notification_uuid, host_name):
        """Fail the evacuations that ended with the instance in ERROR.

        Masakari's code restores the vm_state it found, and calls that a
        success; an instance that was in ERROR before the failure may stay
        so, but one that this notification put in ERROR is not recovered.
        """
        histories = attempts.histories(self.context, notification_uuid)
        for uuid, vmove in results.items():
            if vmove.status != SUCCEEDED:
                continue
            try:
                server = self.watch.server(uuid)
            except exception.NotFound:
                continue
            todo = attempts.action(server, histories[uuid], host_name)
            if todo is retries.Action.LEAVE:
                continue
            where = getattr(server, 'OS-EXT-SRV-ATTR:hypervisor_hostname')
            if todo is not retries.Action.RECOVER_IN_PLACE:
                self._close(vmove, FAILED, message=safe_text.clean(
                    'it is in ERROR on %s, where its evacuation left it' %
                    where))
                continue
            self._reset(vmove, where, 'on %s by its evacuation; reset it to '
                        'ACTIVE there' % where, 0.8)

    def _reset(self, vmove, where, said, progress):
        """Reset the instance to ACTIVE on ``where``; whether it was.

        :param said: how the progress line goes on after "Instance <name>
            (<uuid>) was left in ERROR ".
        """
        try:
            attempts.reset_to_active(self.context, self.novaclient, vmove,
                                     where)
        except exceptions.RecoveryError as exc:
            self._close(vmove, FAILED, message=str(exc))
            return False
        self.update_details('Instance %s (%s) was left in ERROR %s' % (
            vmove.instance_name, vmove.instance_uuid, said), progress)
        return True

    @staticmethod
    def _close(vmove, status, dest_host=None, message=None):
        vmove.status = status
        vmove.dest_host = dest_host or vmove.dest_host
        vmove.message = message
        vmove.save()

    def _settle_newer(self, notification_uuid, acted):
        """Record the moves of this run in the rows written meanwhile.

        Another engine's ``prepare_HA_enabled_instances_task`` may have
        written newer, PENDING rows for the instances this run moved;
        settled, they tell that engine (and the notification's readers)
        where the instances are.  An instance whose evacuation failed
        keeps its newer row open, for that engine to try again.
        """
        for uuid, history in attempts.histories(
                self.context, notification_uuid).items():
            ours = acted.get(uuid)
            if ours is None or ours.status != SUCCEEDED:
                continue
            for newer in history:
                if newer.id > ours.id and newer.status in vmoves.OPEN:
                    self._close(newer, SUCCEEDED, dest_host=ours.dest_host,
                                message='moved by VMove %s of another run' %
                                ours.uuid)

    def _summarise(self, notification_uuid, host_name, acted):
        """Report each instance by the VMove this run acted on, if any.

        Another engine's ``prepare_HA_enabled_instances_task`` may have
        written newer, PENDING rows meanwhile, for the instances this run
        moved; that engine finds them moved once it holds the guard.
        """
        results = base.latest_vmoves(self.context, notification_uuid)
        results.update(acted)
        self._left_in_error(results, notification_uuid, host_name)
        for uuid, vmove in sorted(results.items()):
            if vmove.status == SUCCEEDED:
                line = 'Instance %s (%s) is on %s' % (
                    vmove.instance_name, uuid, vmove.dest_host)
            else:
                line = 'Instance %s (%s) was not evacuated: %s' % (
                    vmove.instance_name, uuid, vmove.message or vmove.status)
            self.report([line], 0.9)
        reasons = sorted('%s: %s' % (v.instance_name or uuid,
                                     v.message or v.status)
                         for uuid, v in results.items()
                         if v.status != SUCCEEDED)
        if reasons:
            message = safe_text.clean(
                'Failed to evacuate %d instance(s) from %s: %s; the claimed '
                'spares stay claimed' % (len(reasons), host_name,
                                         '; '.join(reasons)))
            LOG.error(message)
            self.update_details(message, 1.0)
            raise exception.HostRecoveryFailureException(message=message)
        self.report(['Evacuated %d instance(s) from %s' % (
            len(results), host_name)], 1.0)


class _Failure(object):
    """What re-planning needs of the failure this run recovers.

    The evacuations run in greenthreads of their own, and any of them may
    be refused: each re-plan reads the cloud afresh, through a recovery of
    its own, and holds back the room the plan keeps for the instances not
    started yet.
    """

    def __init__(self, context, clients, host_name, notification_uuid, plan):
        self.context = context
        self.clients = clients
        self.host_name = host_name
        self.notification_uuid = notification_uuid
        self.plan = plan
        #: The VMove each instance's evacuation acts on, by instance uuid.
        self.acted = {}
        #: Where each instance not settled yet is going: its planned host,
        #: or the one its re-plan chose.
        self.heading = {}
        #: The instances whose evacuation has started.
        self.started = set()
        self._segment_hosts = None

    def take(self, acted):
        """Start from the VMoves the run acts on, and the plan's targets."""
        self.acted = acted
        self.heading = {uuid: self.plan.moves.get(uuid) for uuid in acted}

    def replan(self, uuid, tried):
        """:meth:`SpareRecovery.replan` for one refused instance."""
        return spare_recovery.SpareRecovery(CONF, self.clients).replan(
            self.host_name, self.notification_uuid, uuid, tried,
            {other: host for other, host in self.heading.items()
             if other != uuid}, set(self.started), self.segment_hosts)

    @property
    def segment_hosts(self):
        if self._segment_hosts is None:
            self._segment_hosts = base.segment_hosts(self.context,
                                                     self.host_name)
        return self._segment_hosts
