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

"""Blazar's ReservationPool: how Blazar moves hosts between aggregates.

Written after blazar.utils.openstack.nova.ReservationPool: the same Nova
calls in the same order, the same rollback, and the same translation of
Nova refusals into Blazar exceptions, because a plugin that moves hosts
around Blazar's back meets exactly these when Blazar moves them next.
"""

from masakari_blazar.simulator.blazar import records
from masakari_blazar.simulator import http_errors


class ReservationPool(object):
    """Aggregates (pools) of the simulated Nova, as Blazar handles them."""

    def __init__(self, nova, freepool_name):
        self.nova = nova
        self.freepool_name = freepool_name

    def get(self, pool):
        """get_aggregate_from_name_or_id: an id, else a name lookup."""
        try:
            return self.nova.aggregate(int(pool))
        except (TypeError, ValueError):
            found = self.nova.aggregate_by_name(pool)
        except http_errors.NovaError:
            found = None
        if found is None:
            raise records.exc(
                'AggregateNotFound', 404, "Aggregate '%s' not found!" % pool)
        return found

    def freepool(self):
        try:
            return self.get(self.freepool_name)
        except http_errors.BlazarError:
            raise records.exc('NoFreePool', 404, 'No Freepool found')

    def create(self, name, az, project_id, metadata=None):
        aggregate = self.nova.create_aggregate(name, az)
        metadata = dict(metadata or {})
        metadata['blazar:owner'] = project_id
        self.nova.set_aggregate_metadata(aggregate.id, metadata)
        return aggregate

    def add(self, pool, hosts, stay_in=False, reason=None, lease_id=None,
            reservation_id=None):
        """ReservationPool.add_computehost, with its rollback."""
        aggregate = self.get(pool)
        freepool = self.freepool()
        added, removed = [], []
        try:
            for host in hosts:
                if freepool.id != aggregate.id and not stay_in:
                    if host not in freepool.hosts:
                        raise records.exc(
                            'HostNotInFreePool', 404,
                            "Host %s not in freepool '%s'"
                            % (host, freepool.name))
                    self.remove(freepool.id, [host])
                    removed.append(host)
                    # Preemptible clean-up: every server on the host goes.
                    for server in self.nova.servers_on_host(host):
                        self.nova.delete_server(
                            server.id, reason=reason, lease_id=lease_id,
                            reservation_id=reservation_id)
                try:
                    self.nova.add_aggregate_host(aggregate.id, host)
                    added.append(host)
                except http_errors.NovaError as exc:
                    if exc.status == 404:
                        raise records.exc(
                            'HostNotFound', 404, "Host '%s' not found!" % host)
                    if exc.status == 409:
                        raise records.exc(
                            'AggregateAlreadyHasHost', 409,
                            'Conflict while adding host %s to aggregate %s: '
                            '%s (HTTP 409)' % (host, pool, exc.message))
                    raise
        except http_errors.SimError:
            for host in added:
                self.nova.remove_aggregate_host(aggregate.id, host)
            for host in removed:
                self.nova.add_aggregate_host(freepool.id, host)
            raise
        return aggregate

    def remove(self, pool, hosts):
        """ReservationPool.remove_computehost: back to freepool."""
        aggregate = self.get(pool)
        freepool = self.freepool()
        failing_remove, failing_add, not_in_freepool = [], [], []
        for host in hosts:
            if freepool.id == aggregate.id and host not in freepool.hosts:
                not_in_freepool.append(host)
                continue
            try:
                self.nova.remove_aggregate_host(aggregate.id, host)
            except http_errors.NovaError:
                failing_remove.append(host)
            if freepool.id != aggregate.id and host not in freepool.hosts:
                try:
                    self.nova.add_aggregate_host(freepool.id, host)
                except http_errors.NovaError:
                    failing_add.append(host)
        if failing_remove:
            raise records.exc(
                'CantRemoveHost', 409,
                "Can't remove host(s) %s from Aggregate %s"
                % (failing_remove, aggregate.id))
        if failing_add:
            raise records.exc(
                'CantAddHost', 409, "Can't add host(s) %s to "
                "Aggregate %s" % (failing_add, freepool.id))
        if not_in_freepool:
            raise records.exc(
                'HostNotInFreePool', 404, "Host %s not in freepool "
                "'%s'" % (not_in_freepool, freepool.name))

    def delete(self, pool):
        """ReservationPool.delete: hosts back to freepool, then delete."""
        try:
            aggregate = self.get(pool)
        except http_errors.BlazarError:
            return
        freepool = self.freepool()
        for host in list(aggregate.hosts):
            self.nova.remove_aggregate_host(aggregate.id, host)
            if freepool.id != aggregate.id and host not in freepool.hosts:
                self.nova.add_aggregate_host(freepool.id, host)
        self.nova.delete_aggregate(aggregate.id)

    def hosts(self, pool):
        try:
            return list(self.get(pool).hosts)
        except http_errors.BlazarError:
            return []
