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

"""Making a spare acceptable to the reservations of the instances it takes.

Nova evacuates through its scheduler, so an instance booted into a Blazar
reservation lands only where the BlazarFilter (host reservations) or the
aggregate and Placement filters (instance reservations) admit it:

* host reservation: the spare joins the reservation's aggregate.  That
  aggregate has the availability zone ``blazar_<id>``, and Nova refuses
  with 409 a host that is in another aggregate with another zone, so the
  spare leaves any other Blazar aggregate first.  Nova answers 409 for "the
  host is already there" too; the membership is read again to tell the two
  apart;
* instance reservation: the spare joins the reservation's aggregate and its
  ``blazar_<host>`` resource provider gets inventory of the reservation's
  custom resource class, as Blazar gives its own hosts;
* availability zone: a spare outside every zone joins an aggregate of the
  zone its instances are pinned to, so that Nova's zone request filter
  passes it.  Once out of Blazar it is a plain Nova host, in no aggregate
  with a zone; Nova refuses (409) a host in two zones, and one that holds
  instances changing zone, so the join comes before the evacuation.

Everything here can be undone by :meth:`Admission.leave_all`, which reads
what to undo from Nova and Placement rather than from memory, so that it
works after an engine restart too.
"""


from masakari_blazar.cloud import calls
from masakari_blazar.decisions import model
from masakari_blazar.decisions import reservations
from masakari_blazar import exceptions
from masakari_blazar import log_context

LOG = log_context.getLogger(__name__)
CONCURRENT_UPDATE = 'placement.concurrent_update'


class Admission(object):
    """Joins spares to reservations through Nova and Placement."""

    def __init__(self, clients, names):
        """:param names: the :class:`reservations.BlazarNames` in force."""
        self.clients = clients
        self.call = clients.call
        self.names = names

    @property
    def _nova(self):
        return self.clients.nova

    def _aggregates(self):
        return [a.to_dict() for a in self.call(
            'Nova', 'GET /os-aggregates', self._nova.aggregates.list)]

    def join(self, hostname, reservation, count):
        """Admit ``count`` instances of ``reservation`` on ``hostname``.

        :returns: one-line accounts of each change, for progress details.
        """
        done = []
        aggregates = {a['name']: a for a in self._aggregates()}
        target = aggregates.get(reservation.id)
        if target is None:
            raise exceptions.ClaimError(
                'The aggregate of %s no longer exists (has its lease '
                'ended?); its instances cannot be admitted on %s' % (
                    reservation, hostname))
        zone = target.get('availability_zone')
        if zone:
            for other in aggregates.values():
                if (hostname in other['hosts'] and other is not target and
                        other.get('availability_zone') not in (None, zone)):
                    if not self.names.owns(other):
                        raise exceptions.ClaimError(
                            'Spare %s is in aggregate %s with zone %s, so '
                            'Nova cannot add it to %s (zone %s); take spares '
                            'out of availability-zone aggregates' % (
                                hostname, other['name'],
                                other['availability_zone'], target['name'],
                                zone))
                    self._remove(other, hostname)
                    done.append('removed %s from aggregate %s' % (
                        hostname, other['name']))
        if hostname not in target['hosts']:
            self._add(target, hostname)
            done.append('added %s to aggregate %s of %s' % (
                hostname, target['name'], reservation))
        if reservation.kind == model.INSTANCE_RESERVATION:
            done.append(self._add_inventory(hostname, reservation, count))
        return done

    def zone_aggregate(self, hostname, zone):
        """The aggregate of ``zone`` that ``hostname`` joins, or is in.

        Of several aggregates of the zone the one that sets nothing but the
        zone is preferred, since every other key there is read by some
        scheduler filter; then the name decides, so that engines agree.

        :raises ClaimError: when no aggregate outside Blazar has that zone,
            or the host is in another zone already.
        """
        aggregates = [a for a in self._aggregates()
                      if not self.names.owns(a)]
        for aggregate in aggregates:
            other = aggregate.get('availability_zone')
            if hostname in aggregate['hosts'] and other:
                if other == zone:
                    return aggregate
                raise exceptions.ClaimError(
                    'Spare %s is in aggregate %s of availability zone %s, so '
                    'Nova cannot add it to zone %s as well; take spares out '
                    'of availability-zone aggregates' % (
                        hostname, aggregate['name'], other, zone))
        of_zone = sorted((a for a in aggregates
                          if a.get('availability_zone') == zone),
                         key=lambda a: (set(a.get('metadata') or {}) -
                                        {'availability_zone'} != set(),
                                        a['name']))
        if not of_zone:
            raise exceptions.ClaimError(
                'No Nova aggregate has availability zone %s any more, so %s '
                'cannot join it; its instances are pinned there' % (
                    zone, hostname))
        return of_zone[0]

    def join_zone(self, hostname, aggregate):
        """Add ``hostname`` to the zone's ``aggregate``, if not there."""
        if hostname in aggregate['hosts']:
            return []
        self._add(aggregate, hostname)
        return ['added %s to aggregate %s of availability zone %s' % (
            hostname, aggregate['name'], aggregate['availability_zone'])]

    def leave_aggregate(self, hostname, name):
        """Take ``hostname`` out of the aggregate called ``name``."""
        for aggregate in self._aggregates():
            if aggregate['name'] == name and hostname in aggregate['hosts']:
                self._remove(aggregate, hostname)
                return ['removed %s from aggregate %s' % (hostname, name)]
        return []

    def _add(self, aggregate, hostname):
        try:
            self.call('Nova', 'POST /os-aggregates/%s/action add_host %s' % (
                aggregate['id'], hostname), self._nova.aggregates.add_host,
                aggregate['id'], hostname)
        except exceptions.ApiError as exc:
            if exc.status != 409:
                raise
            current = self.call('Nova', 'GET /os-aggregates/%s' %
                                aggregate['id'], self._nova.aggregates.get,
                                aggregate['id'])
            if hostname not in current.hosts:
                raise exceptions.ClaimError(
                    'Nova refuses to add %s to aggregate %s: %s' % (
                        hostname, aggregate['name'], exc))
            LOG.info('%s was already in aggregate %s', hostname,
                     aggregate['name'])

    def _remove(self, aggregate, hostname):
        try:
            self.call('Nova', 'POST /os-aggregates/%s/action remove_host %s'
                      % (aggregate['id'], hostname),
                      self._nova.aggregates.remove_host, aggregate['id'],
                      hostname)
        except exceptions.ApiError as exc:
            if exc.status != 404:
                raise

    # Placement ------------------------------------------------------------
    def _placement(self, method, path, **kwargs):
        adapter = self.clients.placement
        return self.call('Placement', '%s %s' % (method.upper(), path),
                         getattr(adapter, method), path, **kwargs)

    def _provider(self, name):
        found = self._placement(
            'get', '/resource_providers?name=%s' % name).json()
        providers = found.get('resource_providers', [])
        return providers[0] if providers else None

    def _child(self, hostname, create):
        name = reservations.CHILD_PREFIX + hostname
        child = self._provider(name)
        if child is not None or not create:
            return child
        root = self._provider(hostname)
        if root is None:
            raise exceptions.ClaimError(
                'Placement has no resource provider for %s' % hostname)
        self._placement('post', '/resource_providers',
                        json={'name': name,
                              'parent_provider_uuid': root['uuid']})
        return self._provider(name)

    def _add_inventory(self, hostname, reservation, count):
        child = self._child(hostname, create=True)
        rc = reservations.resource_class(reservation.id)
        self._placement('put', '/resource_classes/%s' % rc)
        # Placement refuses a write based on an old read of the provider
        # (another writer, Blazar or nova-compute, came in between) and asks
        # the writer to read again and retry.
        total = calls.retrying(
            lambda e: e.status == 409 and e.code == CONCURRENT_UPDATE)(
                self._set_inventory, child, rc, count)
        return 'set %s inventory of %s to %d on %s' % (
            rc, reservation, total, child['name'])

    def _set_inventory(self, child, rc, count):
        """One read-modify-write of the child's inventories."""
        path = '/resource_providers/%s/inventories' % child['uuid']
        current = self._placement('get', path).json()
        inventories = current.get('inventories', {})
        used = self._placement(
            'get', '/resource_providers/%s/usages' % child['uuid']).json()
        total = max(inventories.get(rc, {}).get('total', 0),
                    used.get('usages', {}).get(rc, 0) + count)
        inventories[rc] = {'total': total}
        self._placement('put', path, json={
            'resource_provider_generation':
                current['resource_provider_generation'],
            'inventories': inventories})
        return total

    def leave_all(self, hostname):
        """Undo every join of ``hostname``; returns what was undone."""
        return (self.leave_reservations(hostname) +
                self.delete_reservation_provider(hostname))

    def leave_reservations(self, hostname):
        """Take ``hostname`` out of every reservation aggregate it is in."""
        done = []
        for aggregate in self._aggregates():
            if (hostname in aggregate['hosts'] and
                    self.names.is_reservation(aggregate)):
                self._remove(aggregate, hostname)
                done.append('removed %s from aggregate %s' % (
                    hostname, aggregate['name']))
        return done

    def delete_reservation_provider(self, hostname):
        """Delete the ``blazar_<host>`` provider and the inventory on it.

        Only for a host outside Blazar: Blazar creates that provider itself
        when it registers a host, and refuses to register one that has it.
        """
        child = self._child(hostname, create=False)
        if child is None:
            return []
        self._placement('delete', '/resource_providers/%s' % child['uuid'])
        return ['deleted resource provider %s' % child['name']]

    def reservation_provider(self, hostname):
        """The name of ``hostname``'s ``blazar_<host>`` provider, or None."""
        child = self._child(hostname, create=False)
        return child['name'] if child else None

    def leave_freepool(self, hostname):
        """Take a host that Blazar does not know out of freepool.

        Blazar's end of a reservation puts every host of its aggregate in
        freepool, including a spare that joined it; registering such a host
        fails, because Blazar adds it to freepool itself and Nova answers
        409 for a host that is already there.
        """
        freepool = self.names.freepool
        for aggregate in self._aggregates():
            if (aggregate['name'] == freepool and
                    hostname in aggregate['hosts']):
                self._remove(aggregate, hostname)
                return ['removed %s from aggregate %s' % (hostname,
                                                          freepool)]
        return []
