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

"""Taking a spare out of Blazar, and putting it back.

Upstream Blazar has no call that removes one chosen host from an ACTIVE
reservation: lowering ``min``/``max`` fails with NotEnoughHostsAvailable.
So a spare leaves the pool like this:

* a lease holding only this spare is deleted.  Blazar's end-of-lease
  clean-up deletes the servers on the host, and there are none on a spare;
  it then puts the host back into freepool;
* a lease holding several spares is swapped with the reallocate API where
  the endpoint offers it (only some Blazar distributions do), and otherwise
  replaced by one lease per remaining spare;
* the host is then deleted from Blazar.  A host in freepool would be fenced
  from unreserved instances by the BlazarFilter and could be handed to the
  next user lease, whose start deletes every server on it; once deleted from
  Blazar it is a plain Nova host, and Blazar's view stays truthful.

Returning a host reverses this: it is registered in Blazar again and gets a
lease of its own, named with the spare prefix.
"""

import datetime

from oslo_utils import timeutils

from masakari_blazar.cloud import calls
from masakari_blazar import conf as mb_conf
from masakari_blazar.decisions import spare_pool
from masakari_blazar import exceptions
from masakari_blazar import log_context

LOG = log_context.getLogger(__name__)
NOT_OFFERED = (404, 405, 501)


class SpareLeases(object):
    """Blazar operations on spare hosts."""

    def __init__(self, clients, conf, ledger):
        self.clients = clients
        self.opts = conf[mb_conf.PLUGIN_GROUP]
        self.call = clients.call
        self.ledger = ledger

    @property
    def _blazar(self):
        return self.clients.blazar

    def detach(self, spare, held_elsewhere=()):
        """Take ``spare`` out of its lease and out of Blazar.

        :param held_elsewhere: host names claimed by other recoveries, which
            must never be put into a new spare lease.
        :returns: a one-line account of what was done.
        """
        if spare.lease_size <= 1:
            self.delete_lease(spare.lease_id)
            how = 'deleted its spare lease %s' % spare.lease_name
        elif self._reallocate(spare):
            how = ('swapped it out of lease %s with the reallocate API' %
                   spare.lease_name)
        else:
            others = self._split(spare, held_elsewhere)
            how = ('replaced lease %s by one lease per remaining spare (%s)'
                   % (spare.lease_name, ', '.join(others) or 'none'))
        self.delete_host(spare.blazar_host_id, spare.hostname)
        return '%s; removed it from Blazar' % how

    def delete_lease(self, lease_id):
        try:
            self.call('Blazar', 'DELETE /leases/%s' % lease_id,
                      self._blazar.lease.delete, lease_id)
        except exceptions.ApiError as exc:
            if exc.status != 404:
                raise

    def _reallocate(self, spare):
        """Swap ``spare`` out of its reservation with the fork's API.

        ``force`` drops the allocation even when Blazar finds no
        replacement: the spare must leave either way, and the lease then
        holds one spare less, as after a split.  Whether the host really
        left is read back rather than assumed.
        """
        if self.opts.reallocate_api == 'disabled':
            return False
        path = '/os-hosts/%s/allocation' % spare.blazar_host_id
        try:
            self.call('Blazar', 'PUT %s' % path,
                      self._blazar.host.request_manager.put, path,
                      body={'lease_id': spare.lease_id,
                            'reservation_id': spare.reservation_id,
                            'force': True})
        except exceptions.ApiError as exc:
            if exc.status in NOT_OFFERED:
                LOG.info('Blazar has no reallocate API (%s); splitting spare '
                         'leases instead', exc)
                return False
            raise
        allocation = self.call(
            'Blazar', 'GET %s' % path, self._blazar.allocation.get,
            'os-hosts', spare.blazar_host_id)
        return not any(r['id'] == spare.reservation_id
                       for r in allocation.get('reservations', []))

    def _split(self, spare, held_elsewhere):
        if not self.opts.spare_lease_prefix:
            raise exceptions.ConfigError(
                'Lease %s holds several spares and Blazar cannot remove one '
                'of them; set [masakari_blazar] spare_lease_prefix so that '
                'the plugin can replace it by one lease per spare' %
                spare.lease_name)
        allocation = self.call(
            'Blazar', 'GET /os-hosts/allocations',
            self._blazar.allocation.list, 'os-hosts')
        names = {str(h['id']): h['hypervisor_hostname'] for h in self.call(
            'Blazar', 'GET /os-hosts', self._blazar.host.list)}
        # Read again just before: without the lock's protection (lost, or
        # never shared) another recovery may have claimed one since.
        held_elsewhere = set(held_elsewhere) | set(self.ledger.read())
        others = sorted(
            names[str(a['resource_id'])] for a in allocation
            if str(a['resource_id']) in names
            if any(r['id'] == spare.reservation_id or
                   r.get('lease_id') == spare.lease_id
                   for r in a.get('reservations', [])) and
            str(a['resource_id']) != str(spare.blazar_host_id) and
            names.get(str(a['resource_id'])) not in held_elsewhere)
        self.ledger.mark_pending(others, spare.lease_name)
        self.delete_lease(spare.lease_id)
        for hostname in others:
            self.create_lease(hostname)
            self.ledger.clear_pending(hostname)
        return others

    def finish_pending(self, pending):
        """Give a lease to each spare an interrupted split left without.

        :param pending: the ledger's pending spares, just read.
        :returns: one-line accounts, for the progress details.
        """
        done = []
        if not pending:
            return done
        allocated = {str(a['resource_id']) for a in self.call(
            'Blazar', 'GET /os-hosts/allocations',
            self._blazar.allocation.list, 'os-hosts')
            if a.get('reservations')}
        for hostname, lease_name in sorted(pending.items()):
            host = self.find_host(hostname)
            if host is not None and str(host['id']) not in allocated:
                self.create_lease(hostname)
                done.append('Gave spare %s, left without a lease when %s '
                            'was replaced, a lease of its own' % (
                                hostname, lease_name))
            self.ledger.clear_pending(hostname)
        return done

    def create_lease(self, hostname):
        """A new lease holding just ``hostname`` as a spare."""
        now = timeutils.utcnow()
        end = now + datetime.timedelta(days=self.opts.spare_lease_days)
        if not self.opts.spare_lease_prefix:
            raise exceptions.ConfigError(
                'Cannot give %s a spare lease: [masakari_blazar] '
                'spare_lease_prefix is empty, so the pool would not '
                'recognise the lease' % hostname)
        name = spare_pool.spare_lease_name(
            self.opts.spare_lease_prefix, hostname)
        return self.call(
            'Blazar', 'POST /leases (%s)' % name, self._blazar.lease.create,
            name=name, start='now', end=end.strftime('%Y-%m-%d %H:%M'),
            reservations=[spare_pool.single_host_reservation(hostname)],
            events=[])

    def delete_host(self, host_id, hostname):
        # Blazar may still be finishing the lease's end when the host is
        # deleted, which it refuses with 409 while an allocation remains.
        try:
            calls.retrying(lambda e: e.status == 409)(
                self.call, 'Blazar', 'DELETE /os-hosts/%s (%s)' % (
                    host_id, hostname), self._blazar.host.delete, host_id)
        except exceptions.ApiError as exc:
            if exc.status != 404:
                raise exceptions.ClaimError(
                    'Spare %s left its lease but Blazar refuses to delete '
                    'it: %s' % (hostname, exc))

    def find_host(self, hostname):
        for host in self.call('Blazar', 'GET /os-hosts',
                              self._blazar.host.list):
            if host['hypervisor_hostname'] == hostname:
                return host
        return None

    def register(self, hostname):
        """Register ``hostname`` in Blazar unless it already is."""
        if self.find_host(hostname) is None:
            self.call('Blazar', 'POST /os-hosts (%s)' % hostname,
                      self._blazar.host.create, name=hostname)
