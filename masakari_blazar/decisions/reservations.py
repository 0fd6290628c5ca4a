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

"""Which Blazar reservation each instance of the failed host belongs to.

After the move an instance must still pass the BlazarFilter and, for
flavor-based instance reservations, find its reservation's placement
inventory.  Nova shows the boot-time ``reservation`` hint only from
microversion 2.100, and Blazar's healing may already have moved the failed
host out of its reservation, so several sources are read, most reliable
first:

1. the flavor's ``aggregate_instance_extra_specs:reservation`` extra spec,
   which only Blazar's instance-reservation flavors carry;
2. the ``reservation`` scheduler hint (microversion 2.100 and later);
3. the Blazar reservation aggregate that the failed host is still in;
4. the failed host's Blazar allocations;
5. after healing, which puts the failed host back into freepool: the only
   degraded ACTIVE host reservation of the instance's project.
"""

import dataclasses

from masakari_blazar.decisions import model

INSTANCE_SPEC = 'aggregate_instance_extra_specs:reservation'
OWNER_KEY = 'blazar:owner'


@dataclasses.dataclass(frozen=True)
class BlazarNames(object):
    """How Blazar names its Nova aggregates, as Blazar and Nova are set up.

    :param freepool: the aggregate of the registered hosts that no host
        reservation holds.
    :param az_prefix: how the availability zone of each host
        reservation's aggregate starts.
    """

    freepool: str
    az_prefix: str

    @classmethod
    def from_options(cls, opts):
        """The names that ``[masakari_blazar]`` options give."""
        return cls(opts.aggregate_freepool_name, opts.blazar_az_prefix)

    def is_host_reservation(self, aggregate):
        """Whether ``aggregate`` is a host reservation's."""
        az = aggregate.get('availability_zone') or ''
        return az.startswith(self.az_prefix)

    def owns(self, aggregate):
        """Whether Blazar owns ``aggregate``: its freepool or a reservation's.

        These are the aggregates that the BlazarFilter calls Blazar pools.
        """
        return (aggregate['name'] == self.freepool or
                self.is_host_reservation(aggregate))

    def is_reservation(self, aggregate):
        """Blazar made ``aggregate`` for a host or an instance reservation."""
        return (self.is_host_reservation(aggregate) or
                'reservation' in (aggregate.get('metadata') or {}))


def host_reservation_aggregates(aggregates, hostname, names):
    """The host-reservation aggregates that ``hostname`` is in."""
    return [a for a in aggregates
            if hostname in a.get('hosts', []) and
            names.is_host_reservation(a)]


def _hint(server):
    value = (server.get('scheduler_hints') or {}).get('reservation')
    if isinstance(value, list):
        value = value[0] if value else None
    return value


class ReservationFinder(object):
    """Finds the reservation of each instance of one failed host.

    :param aggregates: Nova's aggregate list, as dicts.
    :param failed_host: the failed host's name.
    :param names: the :class:`BlazarNames` of Blazar's aggregates.
    :param allocated: ids of the host reservations that Blazar's allocation
        table still gives the failed host.
    :param leases: Blazar's lease list, for the healed case.
    """

    def __init__(self, aggregates, failed_host, names, allocated=(),
                 leases=()):
        self._aggregates = {a['name']: a for a in aggregates}
        own = host_reservation_aggregates(aggregates, failed_host, names)
        self._host_aggregate = own[0]['name'] if len(own) == 1 else None
        self._allocated = list(allocated)
        self._degraded = {}
        # Healing puts the failed host back into freepool, where no
        # unreserved instance can run; on any other host an instance found
        # by no other source is simply unreserved.
        healed = failed_host in (
            self._aggregates.get(names.freepool) or {}).get('hosts', [])
        for lease in leases if healed else ():
            if lease.get('status') != 'ACTIVE' or not lease.get('degraded'):
                continue
            for res in lease.get('reservations', []):
                if res.get('resource_type') == 'physical:host':
                    self._degraded.setdefault(
                        lease.get('project_id'), []).append(res['id'])

    def _metadata(self, reservation_id):
        aggregate = self._aggregates.get(reservation_id) or {}
        return aggregate.get('metadata') or {}

    def _reservation(self, reservation_id, kind, project_id):
        metadata = self._metadata(reservation_id)
        return model.Reservation(reservation_id, kind, project_id,
                                 tuple(sorted(metadata.items())))

    def find(self, server):
        """The :class:`model.Reservation` of ``server`` (a dict), or None.

        Where Nova shows the boot-time hints (2.100) they decide: an
        instance without the ``reservation`` hint is unreserved, whatever
        aggregate its host is in (an admin's forced placement, or an
        instance older than the BlazarFilter), since the BlazarFilter
        refuses it in the reservation (doc/source/upstream-behaviour.rst).
        Below 2.100 the failed host's aggregate, allocation or degraded
        lease stands in for the hint.
        """
        flavor = server.get('flavor') or {}
        instance_res = (flavor.get('extra_specs') or {}).get(INSTANCE_SPEC)
        if instance_res:
            return self._reservation(instance_res,
                                     model.INSTANCE_RESERVATION,
                                     server.get('tenant_id'))
        if 'scheduler_hints' in server:
            reservation_id = _hint(server)
        else:
            reservation_id = self._inferred(server)
        if reservation_id is None:
            return None
        return self._reservation(
            reservation_id, model.HOST_RESERVATION,
            self._metadata(reservation_id).get(OWNER_KEY))

    def _inferred(self, server):
        """The host reservation of a server whose hints Nova hides."""
        if self._host_aggregate:
            return self._host_aggregate
        if len(self._allocated) == 1:
            return self._allocated[0]
        degraded = self._degraded.get(server.get('tenant_id'), [])
        return degraded[0] if len(degraded) == 1 else None

    def hosts_of(self, reservation):
        """Hosts now in the reservation's aggregate, None if it is gone."""
        aggregate = self._aggregates.get(reservation.id)
        if aggregate is None:
            return None
        return list(aggregate.get('hosts', []))


# Blazar names a host's reservation provider so, with no option to change
# it (blazar/utils/openstack/placement.py, create_reservation_provider).
CHILD_PREFIX = 'blazar_'


RC_PREFIX = 'CUSTOM_RESERVATION_'


def resource_class(reservation_id):
    return RC_PREFIX + reservation_id.upper().replace('-', '_')
