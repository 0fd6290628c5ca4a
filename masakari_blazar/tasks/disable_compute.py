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

"""blazar_disable_compute_service_task: stop the failed host's service.

It takes the place of Masakari's ``disable_compute_service_task``, which
sleeps ``wait_period_after_service_update`` (180 s) whatever Nova says;
this one goes on as soon as Nova reports the service down.  Being the first
task of the flow, it also takes up what an earlier attempt of the
notification left in ERROR (see :func:`attempts.take_up`), before
Masakari's ``prepare_HA_enabled_instances_task`` lists the instances.
"""

import contextlib

from oslo_config import cfg

import masakari.conf  # noqa: F401  (registers the options read below)
from masakari.engine.drivers.taskflow import base as masakari_base

from masakari_blazar.cloud import claim_lock
from masakari_blazar.cloud import compute_service
from masakari_blazar.cloud import nova_api
from masakari_blazar import conf as mb_conf
from masakari_blazar import exceptions
from masakari_blazar import log_context
from masakari_blazar.tasks import attempts
from masakari_blazar.tasks import base
from masakari_blazar.tasks import shared_clients

CONF = cfg.CONF
LOG = log_context.getLogger(__name__)


class BlazarDisableComputeServiceTask(base.CleanDetails,
                                      masakari_base.MasakariTask):
    """Masakari's disable task without its fixed sleep.

    See :mod:`masakari_blazar.cloud.compute_service` for why waiting for
    Nova's verdict is safe, and when forcing the service down is.
    """

    def __init__(self, context, novaclient, **kwargs):
        # The notification too, for the log (base.naming_the_recovery).
        kwargs['requires'] = ['host_name', 'notification_uuid']
        super().__init__(context, novaclient, **kwargs)

    @base.naming_the_recovery
    def execute(self, host_name, notification_uuid):
        opts = CONF[mb_conf.PLUGIN_GROUP]
        self.update_details("Disabling compute service on host: '%s'"
                            % host_name)
        with base.failing_clearly(self):
            # The first task: a bad option value or a lock backend out of
            # reach stops the recovery here, before the failed host's
            # service is touched.
            try:
                mb_conf.require_valid(CONF)
                claim_lock.probe(CONF)
            except exceptions.ConfigError as exc:
                raise exceptions.ConfigError('%s; nothing was changed' % exc)
            clients = shared_clients.for_notification(
                CONF, notification_uuid)
            shutdown = compute_service.ServiceShutdown(
                clients, opts.monitor_fences_hosts,
                opts.service_down_timeout, opts.poll_interval)
            shutdown.disable_until_down(
                host_name, CONF.host_failure.service_disable_reason,
                self._report)
        if attempts.attempted(self.context, notification_uuid):
            self._take_up(clients, host_name, notification_uuid)
        self.update_details("Disabled compute service on host: '%s'"
                            % host_name, 1.0)

    def _report(self, line):
        self.report([line], 0.5)

    def _take_up(self, clients, host_name, notification_uuid):
        # Under the guard: another engine's evacuation may be under way.
        with contextlib.ExitStack() as guard:
            base.hold_guard(self, guard, notification_uuid)
            with base.failing_clearly(self):
                nova = nova_api.NovaAPI(
                    clients.nova_at(nova_api.MICROVERSION), _unwatched)
                attempts.take_up(self.context, nova, notification_uuid,
                                 host_name, self._report)


def _unwatched(uuid):
    """No server watch polls these instances: nothing to tell it."""
