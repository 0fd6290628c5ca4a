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

"""Start a recovery as soon as Nova lets the failed host's instances go.

Nova refuses to evacuate from a host while its nova-compute service is up.
Masakari's ``disable_compute_service_task`` therefore disables the service
and then sleeps ``wait_period_after_service_update`` (180 s) whatever Nova
says, so every recovery starts three minutes late.  The task here disables
the service too, then waits only until Nova reports it down:

* when the monitor fences a host before reporting it
  (``monitor_fences_hosts``; masakari-hostmonitor reports a host only once
  IPMI confirms its power is off), it marks the service ``forced_down`` at
  once, and Nova reports it down in the same answer;
* otherwise it reads the service every ``poll_interval`` until Nova's own
  heartbeat check (``service_down_time``) says down, and gives up after
  ``service_down_timeout`` with one line that says why.

Forcing a service down that still runs would let two copies of an instance
run at once, so it is only done when the operator states the monitor fences.
"""

import time

import eventlet

from masakari_blazar import conf as mb_conf
from masakari_blazar import exceptions


def find_service(clients, host_name, advice):
    """The nova-compute service of ``host_name``; ``advice`` if none."""
    services = clients.call(
        'Nova', 'GET /os-services?host=%s&binary=nova-compute' % host_name,
        clients.nova.services.list, host=host_name, binary='nova-compute')
    if not services:
        raise exceptions.RecoveryError(
            'Nova has no nova-compute service on %s: %s' % (host_name,
                                                            advice))
    return services[0]


def set_enabled(clients, host_name, enabled, reason=None):
    """Enable, or disable with ``reason``, a host's nova-compute.

    A spare that is about to be powered off is disabled first, so that
    the scheduler never sees it as a plain enabled host; Nova keeps a
    service disabled across reboots, so it is enabled again only once
    it is back.
    """
    service = find_service(clients, host_name,
                           'is it a compute host?')
    services = clients.nova.services
    if enabled and service.status != 'enabled':
        clients.call('Nova', 'PUT /os-services/%s (enable)' % service.id,
                     services.enable, service.id)
    elif not enabled and service.status != 'disabled':
        clients.call('Nova', 'PUT /os-services/%s (disable)' % service.id,
                     services.disable_log_reason, service.id, reason)


class ServiceStillUp(exceptions.RecoveryError):
    """Nova still reports the failed host's service up after the timeout."""


class ServiceShutdown(object):
    """Disables a failed host's nova-compute and sees it reported down."""

    def __init__(self, clients, fenced, timeout, interval,
                 sleep=eventlet.sleep, clock=time.monotonic):
        self.clients = clients
        self.fenced = fenced
        self.timeout = timeout
        self.interval = interval
        self.sleep = sleep
        self.clock = clock

    def _service(self, host_name):
        return find_service(self.clients, host_name,
                            'check the host name that the monitor reported')

    def _update(self, call, fn, *args):
        return self.clients.call('Nova', call, fn, *args)

    def disable_until_down(self, host_name, reason, report):
        """Disable, maybe force down, and wait until Nova says down.

        :param report: called with a one-line account of each step.
        """
        service = self._service(host_name)
        change = {}
        if service.status != 'disabled':
            change.update(status='disabled', disabled_reason=reason)
        if self.fenced and not service.forced_down:
            change['forced_down'] = True
        if change:
            # One PUT for both: since 2.53 Nova takes the status and
            # forced_down in one body, and the failed host's instances wait
            # for every call made here.  python-novaclient has a call for
            # each field alone only.
            services = self.clients.nova.services
            service = self._update(
                'PUT /os-services/%s (%s)' % (service.id, ', '.join(
                    key for key in ('status', 'forced_down')
                    if key in change)),
                services._update, '/os-services/%s' % service.id, change,
                'service')
        if 'status' in change:
            report('Disabled nova-compute on %s' % host_name)
        if 'forced_down' in change:
            report('Marked nova-compute on %s forced down: the monitor '
                   'fenced the host before reporting it' % host_name)
        deadline = self.clock() + self.timeout
        while service.state != 'down':
            if self.clock() >= deadline:
                raise ServiceStillUp(
                    'Nova still reports nova-compute on %s up after %d s, '
                    'and refuses to evacuate from a host it reports up: make '
                    'sure the host is powered off, or set [%s] '
                    'monitor_fences_hosts if its monitor fences hosts before '
                    'reporting them' % (
                        host_name, self.timeout, mb_conf.PLUGIN_GROUP))
            self.sleep(self.interval)
            service = self._service(host_name)
        report('Nova reports nova-compute on %s down; evacuation can start'
               % host_name)
