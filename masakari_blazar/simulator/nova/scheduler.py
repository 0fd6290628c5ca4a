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

"""Nova's scheduler, for evacuations: Placement, then the filters.

The filters are those a Blazar deployment enables, each written after its
upstream source: ComputeFilter, AvailabilityZoneFilter (Nova's AZ
pre-filter), AggregateInstanceExtraSpecsFilter,
AggregateMultiTenancyIsolation, blazar-nova's BlazarFilter and the two
server group filters, then any operator's filter a test enables
(:meth:`SimulatedCloud.add_operator_filter`).  The
boot-time request spec (flavor, project, scheduler hints) is what they see,
as on a real evacuation.  Among the hosts that pass, the one with the most
free RAM wins (Nova's RAMWeigher spreads), ties broken by name, so choices
are deterministic.
"""

import math

BLAZAR_AZ_PREFIX = 'blazar_'
AGGREGATE_SCOPE = 'aggregate_instance_extra_specs'
INSTANCE_RESERVATION_SPEC = AGGREGATE_SCOPE + ':reservation'


class NoValidHost(Exception):
    """nova.exception.NoValidHost, with which filter rejected which host."""

    def __init__(self, reason, details):
        super().__init__('No valid host was found. %s' % reason)
        self.details = details


def select_destination(cloud, server, requested_host=None):
    """The evacuation target for ``server``, or NoValidHost.

    The source host is always excluded (the conductor's ignore_hosts).
    """
    if requested_host is not None:
        names = [requested_host]
    else:
        names = [name for name in cloud.hosts if name != server.host]
    resources = flavor_resources(server.flavor)
    fitting = [name for name in names if cloud.placement.fit_on_tree(
        cloud.hosts[name].node_uuid, resources)]
    if not fitting:
        # Placement returned no allocation candidates: Nova's reason is ''.
        raise NoValidHost('', 'Placement: no allocation candidates for %s '
                          'among %s' % (resources, names))
    rejected = []
    passing = []
    for name in fitting:
        for check in FILTERS:
            if not check(cloud, cloud.hosts[name], server):
                rejected.append('%s rejected %s' % (check.__name__, name))
                break
        else:
            refusing = sorted(f for f, hosts in cloud.operator_filters.items()
                              if name in hosts)
            if refusing:
                rejected.append('%s rejected %s' % (refusing[0], name))
            else:
                passing.append(name)
    if not passing:
        raise NoValidHost('There are not enough hosts available.',
                          '; '.join(rejected))
    return min(passing, key=lambda name: (-_free_ram(cloud, name), name))


def flavor_resources(flavor):
    """Placement resources of a flavor, as nova.scheduler.utils computes.

    ``resources:CLASS=N`` extra specs override or add classes; a zero
    removes a standard class from the request.
    """
    disk = flavor['disk'] + flavor['ephemeral']
    disk += int(math.ceil(flavor['swap'] / 1024.0))
    wanted = {'VCPU': flavor['vcpus'], 'MEMORY_MB': flavor['ram'],
              'DISK_GB': disk}
    for key, value in flavor.get('extra_specs', {}).items():
        if key.startswith('resources:'):
            wanted[key.split(':', 1)[1]] = int(value)
    return {rc: amount for rc, amount in wanted.items() if amount}


def _free_ram(cloud, name):
    placement = cloud.placement
    root = placement.providers[cloud.hosts[name].node_uuid]
    return placement.free(root, 'MEMORY_MB')


def _metadata_by_key(cloud, host):
    """nova.scheduler.filters.utils.aggregate_metadata_get_by_host."""
    metadata = {}
    for aggregate in cloud.host_aggregates(host.name):
        for key, value in aggregate.metadata.items():
            metadata.setdefault(key, set()).add(value)
    return metadata


def ComputeFilter(cloud, host, server):
    """The compute service must be up and enabled."""
    service = host.service
    return not service.disabled and cloud.service_is_up(service)


def AvailabilityZoneFilter(cloud, host, server):
    """An AZ requested at boot pins the instance to that zone."""
    return server.requested_az is None or \
        cloud.host_az(host.name) == server.requested_az


def AggregateInstanceExtraSpecsFilter(cloud, host, server):
    """Unscoped and ``aggregate_instance_extra_specs:`` keys must match."""
    extra_specs = server.flavor.get('extra_specs') or {}
    metadata = _metadata_by_key(cloud, host)
    for key, wanted in extra_specs.items():
        scope = key.split(':', 1)
        if len(scope) > 1:
            if scope[0] != AGGREGATE_SCOPE:
                continue
            key = scope[1]
        if str(wanted) not in metadata.get(key, set()):
            return False
    return True


def AggregateMultiTenancyIsolation(cloud, host, server):
    """Aggregates with ``filter_tenant_id*`` admit only those projects."""
    allowed = set()
    for key, values in _metadata_by_key(cloud, host).items():
        if key.startswith('filter_tenant_id'):
            allowed |= values
    return not allowed or server.project_id in allowed


def _blazar_pools(cloud, host):
    """BlazarFilter.fetch_blazar_pools: blazar_* AZ aggregates + freepool."""
    pools = []
    for aggregate in cloud.host_aggregates(host.name):
        az = aggregate.availability_zone
        if az and (az.startswith(BLAZAR_AZ_PREFIX) or
                   az.startswith('blazar:')):
            pools.append(aggregate)
        if aggregate.name == cloud.config['freepool_name']:
            pools.append(aggregate)
    return pools


def BlazarFilter(cloud, host, server):
    """blazar-nova's filter, for a request spec without preemptibles.

    With a ``reservation`` hint the first requested pool the host is in
    decides: the project must be ``blazar:owner`` or a metadata key.
    Without it, an instance-reservation flavor passes, anything else fails
    on every host that is in a Blazar pool (freepool included).
    """
    requested = server.scheduler_hints.get('reservation')
    if requested:
        for pool in _blazar_pools(cloud, host):
            if pool.name in requested:
                return bool(pool.metadata.get(server.project_id)) or \
                    pool.metadata.get('blazar:owner') == server.project_id
        return False
    if INSTANCE_RESERVATION_SPEC in (server.flavor.get('extra_specs') or {}):
        return True
    return not _blazar_pools(cloud, host)


def _group(cloud, server, policy):
    for group_id in cloud.groups_of(server.id):
        group = cloud.server_groups[group_id]
        if group.policy == policy:
            return group
    return None


def ServerGroupAffinityFilter(cloud, host, server):
    """Only hosts where the group's members are, the moving one included.

    The conductor fills the request spec's group hosts from every member's
    current host (nova.scheduler.utils.setup_instance_group, no member
    excluded), and the evacuated instance's host is the failed one, which
    the conductor also ignores: with every member on the failed host no
    host passes.
    """
    group = _group(cloud, server, 'affinity')
    if group is None:
        return True
    hosts = {cloud.servers[m].host for m in group.members
             if m in cloud.servers}
    return not hosts or host.name in hosts


def ServerGroupAntiAffinityFilter(cloud, host, server):
    """Fewer than ``max_server_per_host`` (default 1) members on the host.

    Members whose evacuation to the host is under way count too: Nova's
    scheduler would not see them yet, but the destination's late check of
    the group policy (ComputeManager._validate_instance_group_policy)
    would then fail the rebuild, which the simulator reports at once.
    """
    group = _group(cloud, server, 'anti-affinity')
    if group is None:
        return True
    limit = int(group.rules.get('max_server_per_host', 1))
    there = sum(1 for m in group.members if m in cloud.servers and (
        cloud.servers[m].host == host.name or getattr(
            cloud.evacuations.get(m), 'dest', None) == host.name))
    return there < limit


FILTERS = (ComputeFilter, AvailabilityZoneFilter,
           AggregateInstanceExtraSpecsFilter, AggregateMultiTenancyIsolation,
           BlazarFilter, ServerGroupAffinityFilter,
           ServerGroupAntiAffinityFilter)
