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

"""What the cloud looks like right now, read with as few calls as possible.

Each read is one list call per service where a list call serves, so what
one recovery costs does not grow with the size of the cloud; even the
capacity of every candidate host comes from one Placement call, and
which hosts can take the moving instances from one more per distinct
flavor request.  The functions that turn answers into
:mod:`masakari_blazar.decisions.model` values are kept apart from the
calls, so they can be tested with literals.
"""

import urllib.parse

from masakari_blazar import conf as mb_conf
from masakari_blazar.decisions import hosts
from masakari_blazar.decisions import reservations
from masakari_blazar.decisions import resource_request
from masakari_blazar.decisions import server_groups
from masakari_blazar.decisions import spare_pool
from masakari_blazar import exceptions

# Placement lists no usages of many providers at once, but the summaries of
# allocation candidates give each provider's capacity and usage: from 1.27
# of all its classes, from 1.29 for every provider of each candidate tree.
# Any host with a megabyte of room is a candidate for the smallest request.
CANDIDATES = '/allocation_candidates?resources=MEMORY_MB:1'
CANDIDATES_MICROVERSION = '1.29'


def _as_dict(resource):
    return resource.to_dict() if hasattr(resource, 'to_dict') else resource


class Inventory(object):
    """Reads pool, hosts and instances through :class:`Clients`."""

    def __init__(self, clients, conf):
        self.clients = clients
        self.opts = conf[mb_conf.PLUGIN_GROUP]
        self.names = reservations.BlazarNames.from_options(self.opts)
        self.call = clients.call
        self._spare_project = None

    # Blazar --------------------------------------------------------------
    def leases(self):
        return self.call('Blazar', 'GET /leases',
                         self.clients.blazar.lease.list)

    def blazar_hosts(self):
        return self.call('Blazar', 'GET /os-hosts',
                         self.clients.blazar.host.list)

    def allocations(self):
        return self.call('Blazar', 'GET /os-hosts/allocations',
                         self.clients.blazar.allocation.list, 'os-hosts')

    def spare_project(self):
        """The project whose leases hold the spares.

        ``spare_project_id``, or else the project of the ``[blazar]``
        credentials.  Leases the plugin creates (on a revert, a split,
        replenishing or a return) belong to the credentials' project, so a
        different ``spare_project_id`` would let them drop out of the pool:
        that is refused before anything is changed.
        """
        if self._spare_project is None:
            own = self.call('Keystone', 'project of the [blazar] credentials',
                            self.clients.session.get_project_id)
            configured = self.opts.spare_project_id
            if configured and configured != own:
                raise exceptions.ConfigError(
                    '[%s] spare_project_id %s is not the project of the '
                    '[blazar] credentials (%s): the spare leases the plugin '
                    'creates would belong to %s and drop out of the pool; '
                    'scope the [blazar] credentials to project %s, or unset '
                    'spare_project_id' % (mb_conf.PLUGIN_GROUP, configured,
                                          own, own, configured))
            self._spare_project = own
        return self._spare_project

    def is_spare_lease(self, lease):
        return spare_pool.is_spare_lease(
            lease, self.opts.spare_lease_prefix, self.opts.spare_lease_ids,
            self.spare_project())

    def spares(self, leases, blazar_hosts, allocations):
        chosen = spare_pool.spare_leases(
            leases, self.opts.spare_lease_prefix, self.opts.spare_lease_ids,
            self.spare_project())
        return spare_pool.spares(chosen, allocations, blazar_hosts)

    # Nova -----------------------------------------------------------------
    def aggregates(self):
        return [_as_dict(a) for a in self.call(
            'Nova', 'GET /os-aggregates', self.clients.nova.aggregates.list)]

    def services(self):
        services = self.call('Nova', 'GET /os-services',
                             self.clients.nova.services.list,
                             binary='nova-compute')
        return {s.host: _as_dict(s) for s in services}

    def hypervisors(self):
        hypervisors = self.call('Nova', 'GET /os-hypervisors/detail',
                                self.clients.nova.hypervisors.list)
        return {h.hypervisor_hostname: _as_dict(h) for h in hypervisors}

    def server_groups(self, moving, failed_host):
        """``{instance uuid: model.ServerGroup}`` for the moving members.

        One list call finds the groups; only the hard-policy groups' other
        members are then read, one call each, for where they run.
        """
        nova = self.clients.nova
        listed = [_as_dict(g) for g in self.call(
            'Nova', 'GET /os-server-groups?all_projects=True',
            nova.server_groups.list, all_projects=True)]
        chosen = server_groups.hard_groups(listed, set(moving))
        others = {uuid for group in chosen.values()
                  for uuid in group.get('members') or ()} - set(moving)
        hosts = {}
        for uuid in sorted(others):
            try:
                server = self.call('Nova', 'GET /servers/%s' % uuid,
                                   nova.servers.get, uuid)
            except exceptions.ApiError as exc:
                if exc.status == 404:
                    continue
                raise
            hosts[uuid] = _as_dict(server).get('OS-EXT-SRV-ATTR:host')
        return {uuid: server_groups.to_model(group, hosts, failed_host)
                for uuid, group in chosen.items()}

    def servers_on(self, hostname):
        return self.servers(hostname)

    def servers(self, hostname=None):
        """Every server (of ``hostname``), at the newest microversion.

        Nova pages the list (``[api] max_limit``): each ``next`` link is
        followed until the last page.
        """
        query = {'host': hostname} if hostname else {'all_tenants': 1}
        what = 'GET /servers/detail?%s' % urllib.parse.urlencode(query)
        url = '/servers/detail?' + urllib.parse.urlencode(
            dict(query, all_tenants=1))
        servers = []
        while url:
            body = self.call('Nova', what, self.clients.nova_reads.get,
                             url).json()
            servers.extend(body.get('servers') or ())
            url = next((link['href'] for link in body.get('servers_links')
                        or () if link.get('rel') == 'next'), None)
        return servers

    # Placement ------------------------------------------------------------
    def placement_get(self, path):
        return self.call('Placement', 'GET %s' % path,
                         self.clients.placement.get, path).json()

    def capacities(self):
        """Provider uuid -> (free, used) of every host with room, at once.

        A host missing from the answer has no room left, or Placement cut
        its answer short (``[placement] max_allocation_candidates``): read
        it with :meth:`free_resources`.

        :returns: that, and provider uuid -> its traits (1.17 on).
        """
        body = self._candidates(CANDIDATES)
        summaries = body.get('provider_summaries', {})
        return ({uuid: hosts.summary_capacity(summary)
                 for uuid, summary in summaries.items()},
                {uuid: frozenset(summary.get('traits') or ())
                 for uuid, summary in summaries.items()})

    def _candidates(self, path):
        return self.call(
            'Placement', 'GET %s' % path, self.clients.placement.get,
            path, microversion=CANDIDATES_MICROVERSION).json()

    def offered(self, requests):
        """``{request: root providers with a candidate for it}``.

        One ``GET /allocation_candidates`` per distinct request, whatever
        the number of instances and spares: Placement itself judges
        traits, ``max_unit``, ``min_unit``, ``step_size`` and nested
        inventories, as it will for Nova's scheduler.  One call per spare
        (``in_tree``, 1.31) would cost instances times spares calls for
        the same answer.  A request Placement rejects (a trait it does
        not know) is offered nowhere, as Nova then finds no host.

        :returns: that, and ``{request: Placement's error}`` for those.
        """
        offered = {}
        errors = {}
        for request in sorted(set(requests), key=resource_request.query):
            path = '/allocation_candidates?' + resource_request.query(
                request)
            try:
                body = self._candidates(path)
            except exceptions.ApiError as exc:
                if exc.status != 400:
                    raise
                offered[request] = frozenset()
                errors[request] = str(exc)
                continue
            offered[request] = frozenset(
                summary.get('root_provider_uuid') or uuid
                for uuid, summary in
                body.get('provider_summaries', {}).items())
        return offered, errors

    def free_resources(self, provider_uuid):
        inventories = self.placement_get(
            '/resource_providers/%s/inventories' % provider_uuid)
        usages = self.placement_get(
            '/resource_providers/%s/usages' % provider_uuid)
        return hosts.capacity(inventories.get('inventories', {}),
                              usages.get('usages', {}))
