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

"""Real clients for either cloud, one keystoneauth session per project.

The fidelity cross-check drives and observes the simulated cloud and the
real services through exactly this code, so that any difference comes from
the clouds and not from the way they were asked.
"""

import datetime
import time

from blazarclient import client as blazar_client
from blazarclient import exception as blazar_exc
from keystoneauth1 import adapter
from keystoneauth1 import loading
from keystoneauth1 import session as ks_session
from novaclient import api_versions
from novaclient import client as nova_client

# 2.74: boot onto a named host through the scheduler; 2.37: no network.
NOVA_VERSION = '2.96'


class Api(object):
    """Nova, Blazar and Placement clients for ``credentials``' Keystone."""

    def __init__(self, credentials):
        self.credentials = dict(credentials)
        self._sessions = {}

    def session(self, project='admin'):
        if project not in self._sessions:
            options = dict(self.credentials, project_name=project)
            auth = loading.get_plugin_loader('password').load_from_options(
                **options)
            self._sessions[project] = ks_session.Session(auth=auth)
        return self._sessions[project]

    def nova(self, project='admin', version=NOVA_VERSION):
        return nova_client.Client(api_versions.APIVersion(version),
                                  session=self.session(project))

    def blazar(self, project='admin'):
        return blazar_client.Client(session=self.session(project),
                                    service_type='reservation')

    def placement(self):
        return adapter.Adapter(self.session(), service_type='placement',
                               default_microversion='1.29')

    # Actions both clouds take through their APIs ----------------------
    def force_down(self, host):
        """Fence ``host`` as a monitor does: forced_down through the API."""
        nova = self.nova()
        service = nova.services.list(host=host, binary='nova-compute')[0]
        nova.services.force_down(service.id, True)

    def end_all_leases(self, timeout=120):
        """End every ACTIVE lease, one at a time: ``end_date`` now.

        Blazar runs each end on its next event pass.  One lease at a time,
        because real Blazar on sqlite answers 500 "database is locked" to
        an update that races its own event thread.
        """
        blazar = self.blazar()
        leases = sorted(blazar.lease.list(), key=lambda item: item['name'])
        for lease in leases:
            if lease['status'] != 'ACTIVE':
                continue
            self._end_now(blazar, lease['id'])
            wait_for(lambda: blazar.lease.get(lease['id'])['status'] in (
                'TERMINATED', 'ERROR'), timeout,
                'lease %s to end' % lease['name'])

    def settle(self, timeout=60):
        """Wait until every lease that is due has started or ended.

        Blazar runs lease events on its own period, so a lease the plugin
        created "now" is PENDING for a moment on either cloud; outcomes
        are compared once nothing is left in flight.
        """
        blazar = self.blazar()

        def settled():
            now = datetime.datetime.utcnow().strftime('%Y-%m-%dT%H:%M')
            return not any(
                lease['status'] not in ('ACTIVE', 'TERMINATED', 'ERROR')
                and lease['start_date'][:16] <= now
                for lease in blazar.lease.list())
        wait_for(settled, timeout, 'due lease events to run')

    @staticmethod
    def quiesce(read, period=1.5, timeout=30):
        """Wait until ``read()`` gives the same answer twice in a row.

        For what a service does on its own period with nothing to wait
        for, such as Blazar's monitor healing after it marked a host down.
        """
        deadline = time.monotonic() + timeout
        last = read()
        while time.monotonic() < deadline:
            time.sleep(period)
            current = read()
            if current == last:
                return current
            last = current
        raise AssertionError('Still changing after %ss: %s' % (timeout,
                                                               read))

    @staticmethod
    def _end_now(blazar, lease_id):
        """Set ``end_date`` to this minute (Blazar's dates have minutes).

        python-blazarclient does not pass 'now' through; a minute that
        turns between client and server is refused, and tried again.
        """
        for attempt in range(2):
            minute = datetime.datetime.utcnow().strftime('%Y-%m-%d %H:%M')
            try:
                return blazar.lease.update(lease_id, end_date=minute)
            except blazar_exc.BlazarClientException as exc:
                if attempt or 'End date must be later' not in str(exc):
                    raise


def wait_for(predicate, timeout, what, interval=0.25):
    """Poll ``predicate`` until true; fail naming ``what`` otherwise."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError('Timed out after %ss waiting for %s'
                                 % (timeout, what))
        time.sleep(interval)
