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
import operator
import re

from masakari_blazar.simulator.placement import store

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
    resources, required, forbidden = flavor_request(server.flavor)
    fitting = [name for name in names if cloud.placement.fit_on_tree(
        cloud.hosts[name].node_uuid, resources, required, forbidden)]
    if not fitting:
        # Placement returned no allocation candidates: Nova's reason is ''.
        raise NoValidHost('', 'Placement: no allocation candidates for %s%s'
                          '%s among %s' % (
                              resources,
                              ' required %s' % sorted(required)
                              if required else '',
                              ' forbidden %s' % sorted(forbidden)
                              if forbidden else '', names))
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


def flavor_request(flavor):
    """``(resources, required, forbidden)`` of a flavor, as Nova asks them.

    After nova.scheduler.utils.ResourceRequest.from_request_spec: the
    ``resources[$S]:CLASS`` and ``trait[$S]:NAME`` extra specs (groups
    merged: a simulated host is one tree); ``hw:cpu_policy`` dedicated
    switches the vCPUs to ``PCPU``, mixed splits them by
    ``hw:cpu_dedicated_mask``, ``hw:emulator_threads_policy=isolate`` adds
    a ``PCPU``, ``hw:cpu_thread_policy`` isolate/require forbids/requires
    ``HW_CPU_HYPERTHREADING``; then the flavor's VCPU (unless VCPU or PCPU
    is set), MEMORY_MB and DISK_GB for classes not set.  Zeros are
    dropped.
    """
    specs = flavor.get('extra_specs') or {}
    by_group = {}
    required, forbidden = set(), set()
    for key, value in specs.items():
        match = re.match(r'^(resources|trait)([a-zA-Z0-9_-]{1,64})?:(.*)$',
                         key)
        if match is None:
            continue
        kind, suffix, name = match.groups()
        if kind == 'trait':
            {'required': required, 'forbidden': forbidden}.get(
                value, set()).add(name)
        elif value.isdigit() and (name.startswith('CUSTOM_') or
                                  name in store.STANDARD_CLASSES):
            by_group.setdefault(suffix, {})[name] = int(value)
    unnumbered = by_group.setdefault(None, {})
    policy = specs.get('hw:cpu_policy')
    if policy in ('dedicated', 'mixed'):
        pcpus = flavor['vcpus']
        if policy == 'mixed':
            mask = specs.get('hw:cpu_dedicated_mask', '').strip()
            if mask.startswith('^'):
                mask = '0-%d,%s' % (flavor['vcpus'] - 1, mask)
            pcpus = len(parse_cpu_set(mask))
            unnumbered['VCPU'] = flavor['vcpus'] - pcpus
        if specs.get('hw:emulator_threads_policy') == 'isolate':
            pcpus += 1
        unnumbered['PCPU'] = pcpus
    thread = specs.get('hw:cpu_thread_policy')
    if thread == 'isolate':
        forbidden.add('HW_CPU_HYPERTHREADING')
    elif thread == 'require':
        required.add('HW_CPU_HYPERTHREADING')
    wanted = {}
    for group in by_group.values():
        for rc, amount in group.items():
            wanted[rc] = wanted.get(rc, 0) + amount
    if 'VCPU' not in wanted and 'PCPU' not in wanted:
        wanted['VCPU'] = flavor['vcpus']
    wanted.setdefault('MEMORY_MB', flavor['ram'])
    wanted.setdefault('DISK_GB', flavor['disk'] + flavor['ephemeral'] +
                      int(math.ceil(flavor['swap'] / 1024.0)))
    return ({rc: amount for rc, amount in wanted.items() if amount},
            required, forbidden)


def flavor_resources(flavor):
    """The resource classes and amounts of :func:`flavor_request`."""
    return flavor_request(flavor)[0]


def parse_cpu_set(spec):
    """nova.virt.hardware.parse_cpu_spec: ``0-3,^2,6``."""
    chosen, rejected = set(), set()
    for rule in filter(None, (r.strip() for r in spec.split(','))):
        target = rejected if rule.startswith('^') else chosen
        low, _, high = rule.lstrip('^').partition('-')
        target.update(range(int(low), int(high or low) + 1))
    return chosen - rejected


def _free_ram(cloud, name):
    placement = cloud.placement
    root = placement.providers[cloud.hosts[name].node_uuid]
    return placement.free(root, 'MEMORY_MB')


def _metadata_by_key(cloud, host):
    """nova.scheduler.filters.utils.aggregate_metadata_get_by_host.

    Nova splits every value at commas and strips the parts, so ``a, b``
    on one aggregate counts as the two values ``a`` and ``b``.
    """
    metadata = {}
    for aggregate in cloud.host_aggregates(host.name):
        for key, value in aggregate.metadata.items():
            metadata.setdefault(key, set()).update(
                part.strip() for part in value.split(','))
    return metadata


def _number(compare):
    return lambda value, wanted: compare(float(value), float(wanted))


# nova/scheduler/filters/extra_specs_ops.py: the operator a requirement
# starts with, applied to (the aggregate's value, the operand).  A bare
# ``=`` means "at least", as for vCPUs.
_OPERATORS = {
    '=': _number(operator.ge), '==': _number(operator.eq),
    '!=': _number(operator.ne), '>=': _number(operator.ge),
    '<=': _number(operator.le),
    's==': operator.eq, 's!=': operator.ne, 's<': operator.lt,
    's<=': operator.le, 's>': operator.gt, 's>=': operator.ge,
    '<in>': lambda value, wanted: wanted in value,
}


def matches(value, requirement):
    """extra_specs_ops.match: whether one aggregate value meets a spec.

    Without a known operator the whole requirement is compared as a
    string.  ``<or> a <or> b`` takes every other word as an alternative,
    ``<all-in> a b`` wants every word inside the value, and an operator
    without an operand matches nothing.  A number operator on a value that
    is no number makes Nova's filter raise; nothing passes here instead.
    """
    words = requirement.split()
    op = words[0] if words else None
    operands = words[1:]
    if op == '<or>':
        return value in operands[::2]
    if op == '<all-in>':
        return bool(operands) and all(word in value for word in operands)
    if op not in _OPERATORS:
        return value == requirement
    if not operands:
        return False
    try:
        return _OPERATORS[op](value, operands[0])
    except ValueError:
        return False


def ComputeFilter(cloud, host, server):
    """The compute service must be up and enabled."""
    service = host.service
    return not service.disabled and cloud.service_is_up(service)


def AvailabilityZoneFilter(cloud, host, server):
    """An AZ requested at boot pins the instance to that zone's aggregates.

    Nova 34 has no AvailabilityZoneFilter: its request filter
    ``map_az_to_placement_aggregate`` asks Placement for the hosts of the
    aggregates whose zone is the requested one, so a zone that no aggregate
    names (the default zone) restricts nothing.
    """
    zone = server.requested_az
    if zone is None:
        return True
    of_zone = [a for a in cloud.aggregates.values()
               if a.availability_zone == zone]
    return not of_zone or any(host.name in a.hosts for a in of_zone)


def AggregateInstanceExtraSpecsFilter(cloud, host, server):
    """Unscoped and ``aggregate_instance_extra_specs:`` keys must match.

    Each such extra spec needs its key in one of the host's aggregates,
    with one of the key's values meeting the spec (:func:`matches`); keys
    of any other scope are left to other filters.
    """
    extra_specs = server.flavor.get('extra_specs') or {}
    metadata = _metadata_by_key(cloud, host)
    for key, wanted in extra_specs.items():
        scope = key.split(':', 1)
        if len(scope) > 1:
            if scope[0] != AGGREGATE_SCOPE:
                continue
            key = scope[1]
        if not any(matches(value, str(wanted))
                   for value in metadata.get(key, ())):
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
