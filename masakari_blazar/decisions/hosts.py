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

"""Health and free capacity of a host, judged from Nova's and Placement's
answers.

A spare is usable only if Nova's ComputeFilter would pass it and it has
room as Placement counts room, so both judgements follow those two
services; they take the API answers as plain dicts, so they are tested
with literals.
"""

import math

from masakari_blazar.decisions import model


def health_problem(hostname, service, hypervisor):
    """Why ``hostname`` cannot take instances, or None if it can.

    A spare is only as good as its nova-compute service: evacuation to a
    disabled or down service fails in Nova's ComputeFilter, and Blazar's
    monitor treats a disabled host as failed.
    """
    if service is None:
        return 'no nova-compute service is registered for %s' % hostname
    if service.get('status') != 'enabled':
        reason = service.get('disabled_reason')
        return 'nova-compute is disabled%s' % (
            ' (%s)' % reason if reason else '')
    if service.get('forced_down'):
        return 'nova-compute is forced down'
    if service.get('state') != 'up':
        return 'nova-compute is down'
    if hypervisor is None:
        return 'no hypervisor is registered for %s' % hostname
    if hypervisor.get('state', 'up') != 'up':
        return 'the hypervisor is down'
    if hypervisor.get('status', 'enabled') != 'enabled':
        return 'the hypervisor is disabled'
    return None


def capacity(inventories, usages):
    """(free, used) resources from Placement inventories and usages.

    Placement's capacity of a class is ``(total - reserved) *
    allocation_ratio``, which is what the scheduler checks against.
    """
    return _free_and_used({
        rc: int(math.floor((inv['total'] - inv.get('reserved', 0)) *
                           inv.get('allocation_ratio', 1.0)))
        for rc, inv in inventories.items()}, usages)


def summary_capacity(summary):
    """(free, used) from a provider summary of allocation candidates."""
    resources = summary.get('resources', {})
    return _free_and_used(
        {rc: r['capacity'] for rc, r in resources.items()},
        {rc: r['used'] for rc, r in resources.items()})


def _free_and_used(capacities, usages):
    """Every class of the host, ``PCPU`` and custom classes too."""
    classes = set(capacities) | set(usages)
    used = {rc: int(usages.get(rc, 0)) for rc in classes}
    free = {rc: max(int(capacities.get(rc, 0)) - used[rc], 0)
            for rc in classes}
    return (model.Resources.from_classes(free),
            model.Resources.from_classes(used))


def home_az(hostname, aggregates, names):
    """The zone a host has outside Blazar; None for the default zone.

    :param names: Blazar's aggregate names, a
        :class:`~masakari_blazar.decisions.reservations.BlazarNames`.
    """
    for aggregate in aggregates:
        if hostname not in aggregate.get('hosts', []):
            continue
        if names.owns(aggregate):
            continue
        if aggregate.get('availability_zone'):
            return aggregate['availability_zone']
    return None


def pinned_zone(server, aggregates, names):
    """``(pinned, zone)`` of Nova's dict of a server, for the AZ filter.

    Nova's request spec keeps the zone an instance was booted into (or
    ``default_schedule_zone``), shown as ``pinned_availability_zone`` from
    microversion 2.96 (doc/source/upstream-behaviour.rst); below that only
    the zone of its host is known, which is taken as the pin, since a spare
    of that zone is never refused.  Nova's scheduler pins an instance only
    to the hosts of the aggregates whose zone it requested
    (``map_az_to_placement_aggregate``), so a zone that no aggregate names,
    Nova's default zone, is no pin.  A host reservation's own zone is no
    pin the planner must honour either: the spare that joins the
    reservation joins its zone.
    """
    if 'pinned_availability_zone' in server:
        zone = server['pinned_availability_zone']
    else:
        zone = server.get('OS-EXT-AZ:availability_zone')
    if not zone:
        return False, None
    named = {aggregate['availability_zone'] for aggregate in aggregates
             if aggregate.get('availability_zone') and
             not names.owns(aggregate)}
    if zone in named:
        return True, zone
    return False, None
