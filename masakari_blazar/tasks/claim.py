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

"""blazar_claim_spare_task: choose and claim the spares of one failure."""

from oslo_config import cfg

from masakari import exception
from masakari import objects
from masakari.objects import fields

from masakari_blazar.decisions import reserved_flags
from masakari_blazar import exceptions
from masakari_blazar import log_context
from masakari_blazar.tasks import base

CONF = cfg.CONF
LOG = log_context.getLogger(__name__)
PENDING = fields.VMoveStatus.PENDING


class ClaimSpareTask(base.SpareTask):
    """Choose the spares for the failed host's instances and claim them.

    Runs after Masakari's ``prepare_HA_enabled_instances_task``, whose
    PENDING VMoves say which instances move.  In the reserved-host flow the
    host that Masakari's retry offers is used only if Blazar agrees it is a
    free, healthy spare; otherwise the task fails and the retry moves on.
    """

    def __init__(self, context, novaclient, **kwargs):
        kwargs['requires'] = ['host_name', 'notification_uuid']
        kwargs['provides'] = 'spare_plan'
        super().__init__(context, novaclient, **kwargs)

    @base.naming_the_recovery
    def execute(self, host_name, notification_uuid, reserved_host=None):
        self.update_details('Choosing spare hosts from the Blazar spare '
                            'pool for the instances of %s' % host_name)
        with base.failing_clearly(self):
            pending = [uuid for uuid, vmove in base.latest_vmoves(
                self.context, notification_uuid).items()
                if vmove.status == PENDING]
            plan, report = self.recovery(notification_uuid).claim(
                host_name, notification_uuid, pending, offered=reserved_host,
                segment_hosts=base.segment_hosts(self.context, host_name))
        self.report(report, 0.5)
        self._set_masakari_reserved(plan.spares, False)
        self.report(['Plan: %s' % (', '.join(
            '%s -> %s' % (plan.names.get(uuid, uuid), target or 'scheduler')
            for uuid, target in sorted(plan.moves.items())) or
            'nothing to move')], 1.0)
        return plan.to_dict()

    def _set_masakari_reserved(self, hostnames, reserved):
        """Keep reserved-host segments in step with the claims.

        Masakari's own reserved-host flow clears the flag of the host it
        uses; a claim does the same, and a spare given back to the pool
        gets its flag again where its segment's flow offers flagged hosts.
        """
        if not CONF.masakari_blazar.sync_masakari_reserved:
            return
        for hostname in hostnames:
            try:
                host = objects.Host.get_by_name(self.context, hostname)
            except exception.NotFound:
                continue
            if host.reserved == reserved or (
                    reserved and host.failover_segment.recovery_method
                    not in reserved_flags.RESERVED_METHODS):
                continue
            host.reserved = reserved
            host.save()
            self.update_details('%s the Masakari reserved flag of %s' % (
                'Set' if reserved else 'Cleared', hostname), 0.9)

    @base.naming_the_recovery
    def revert(self, notification_uuid, *args, **kwargs):
        """Give the spares back unless instances started moving to them.

        The last progress line is what an operator reads first (``recover``
        prints it as the outcome), so it says what failed, then what was
        undone or is still held.
        """
        cause = base.failure_reason(kwargs.get('result'),
                                    kwargs.get('flow_failures'))
        if any(f.check(base.GuardHeldElsewhere)
               for f in (kwargs.get('flow_failures') or {}).values()):
            # The VMoves cannot tell: those this engine made are PENDING
            # while another engine may be evacuating to the spares.
            self.update_details(_after(
                cause, 'keeping the claimed spares: another engine may be '
                'evacuating instances to them'), 1.0)
            return
        vmoves = base.latest_vmoves(self.context, notification_uuid)
        if any(v.status != PENDING for v in vmoves.values()):
            self.update_details(_after(
                cause, 'keeping the claimed spares: instances have started '
                'moving to them'), 1.0)
            return
        recovery = self.recovery(notification_uuid)
        try:
            held = recovery.claimed_by(notification_uuid)
            report = recovery.release(notification_uuid)
            returned = held - recovery.claimed_by(notification_uuid)
        except exceptions.RecoveryError as exc:
            message = _after(cause, 'could not give the claimed spares of '
                             '%s back to the pool: %s' % (
                                 notification_uuid, exc))
            LOG.error(message)
            self.update_details(message, 1.0)
            return
        self.report(report, 0.9)
        self._set_masakari_reserved(sorted(returned), True)
        self.update_details(_after(cause, '; '.join(
            line[0].lower() + line[1:] for line in report) or
            'nothing was claimed'), 1.0)


def _after(cause, undone):
    """``cause; undone``, or ``undone`` alone when the cause is unknown."""
    if not cause:
        return undone[0].upper() + undone[1:]
    return '%s; %s' % (cause, undone)
