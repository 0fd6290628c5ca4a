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

"""Placement's data in memory: providers, inventories, allocations.

Nova's scheduler, the Placement API handlers and the simulated Blazar all
read and write these, so they stay consistent: an evacuation's claim shows
in the usages an operator reads, and the inventory Blazar sets on a
``blazar_<host>`` child is what lets an instance reservation land.
"""

import dataclasses
import re

from masakari_blazar.simulator import http_errors

STANDARD_CLASSES = ('VCPU', 'MEMORY_MB', 'DISK_GB', 'PCPU', 'SRIOV_NET_VF',
                    'NUMA_SOCKET', 'NUMA_CORE', 'NUMA_THREAD',
                    'NUMA_MEMORY_MB', 'IPV4_ADDRESS', 'VGPU',
                    'VGPU_DISPLAY_HEAD', 'NET_BW_EGR_KILOBIT_PER_SEC',
                    'NET_BW_IGR_KILOBIT_PER_SEC', 'PCI_DEVICE',
                    'MEM_ENCRYPTION_CONTEXT')


@dataclasses.dataclass
class Provider(object):
    uuid: str
    name: str
    parent_uuid: str
    root_uuid: str
    generation: int = 0
    inventories: dict = dataclasses.field(default_factory=dict)
    traits: list = dataclasses.field(default_factory=list)


def inventory(total, reserved=0, ratio=1.0, max_unit=None):
    """A Placement inventory record with Placement's defaults."""
    return {'total': total, 'reserved': reserved, 'min_unit': 1,
            'max_unit': total if max_unit is None else max_unit,
            'step_size': 1, 'allocation_ratio': ratio}


def capacity(record):
    """What Placement lets consumers allocate from one inventory."""
    return int((record['total'] - record['reserved'])
               * record['allocation_ratio'])


class PlacementState(object):
    """All resource providers, their inventories, and the allocations."""

    def __init__(self, idgen):
        self._ids = idgen
        self.providers = {}
        self.allocations = {}
        self.resource_classes = set(STANDARD_CLASSES)

    def provider(self, rp_uuid):
        provider = self.providers.get(rp_uuid)
        if provider is None:
            raise http_errors.PlacementError(
                404, 'No resource provider with uuid %s found' % rp_uuid,
                'placement.undefined_code')
        return provider

    def provider_by_name(self, name):
        for provider in self.providers.values():
            if provider.name == name:
                return provider
        return None

    def create_provider(self, name, rp_uuid=None, parent_uuid=None):
        if self.provider_by_name(name):
            raise http_errors.PlacementError(
                409, 'Conflicting resource provider name: %s already '
                'exists.' % name, 'placement.duplicate_name')
        if rp_uuid and rp_uuid in self.providers:
            raise http_errors.PlacementError(
                409, 'Conflicting resource provider uuid: %s already '
                'exists.' % rp_uuid, 'placement.duplicate_uuid')
        root = None
        if parent_uuid:
            parent = self.providers.get(parent_uuid)
            if parent is None:
                raise http_errors.PlacementError(
                    400, 'parent provider UUID cannot be same as UUID. '
                    'Please set parent provider UUID to None if there is no '
                    'parent.' if parent_uuid == rp_uuid else
                    'The specified parent provider UUID %s does not exist.'
                    % parent_uuid, 'placement.undefined_code')
            root = parent.root_uuid
        rp_uuid = rp_uuid or self._ids.uuid('provider')
        provider = Provider(uuid=rp_uuid, name=name, parent_uuid=parent_uuid,
                            root_uuid=root or rp_uuid)
        self.providers[rp_uuid] = provider
        return provider

    def delete_provider(self, rp_uuid):
        provider = self.provider(rp_uuid)
        if any(p.parent_uuid == rp_uuid for p in self.providers.values()):
            raise http_errors.PlacementError(
                409, 'Unable to delete parent resource provider %s: It has '
                'child resource providers.' % rp_uuid,
                'placement.resource_provider.cannot_delete_parent')
        if self.provider_usages(rp_uuid):
            raise http_errors.PlacementError(
                409, 'Unable to delete resource provider %s: Resource '
                'provider has allocations.' % rp_uuid,
                'placement.resource_provider.inuse')
        del self.providers[provider.uuid]

    def providers_in_tree(self, root_uuid):
        return [p for p in self.providers.values()
                if p.root_uuid == root_uuid]

    def provider_usages(self, rp_uuid):
        usages = {}
        for allocation in self.allocations.values():
            for rc, amount in allocation.get(rp_uuid, {}).items():
                usages[rc] = usages.get(rc, 0) + amount
        return usages

    def all_usages(self):
        """Provider uuid -> its usages, in one pass over the allocations."""
        usages = {}
        for allocation in self.allocations.values():
            for rp_uuid, amounts in allocation.items():
                mine = usages.setdefault(rp_uuid, {})
                for rc, amount in amounts.items():
                    mine[rc] = mine.get(rc, 0) + amount
        return usages

    def _check_generation(self, provider, generation):
        if generation != provider.generation:
            raise http_errors.PlacementError(
                409, 'resource provider generation conflict',
                'placement.concurrent_update')

    def set_inventories(self, rp_uuid, generation, inventories):
        """PUT /resource_providers/{uuid}/inventories."""
        provider = self.provider(rp_uuid)
        self._check_generation(provider, generation)
        records = {}
        for rc, record in inventories.items():
            self._check_class(rc)
            full = inventory(record['total'])
            full.update(record)
            records[rc] = full
        usages = self.provider_usages(rp_uuid)
        for rc in usages:
            if rc not in records:
                raise http_errors.PlacementError(
                    409, 'update conflict: Inventory for %s on resource '
                    'provider %s in use.' % (rc, rp_uuid),
                    'placement.inventory.inuse')
        provider.inventories = records
        provider.generation += 1
        return provider

    def set_inventory(self, rp_uuid, rc, generation, record):
        provider = self.provider(rp_uuid)
        self._check_generation(provider, generation)
        self._check_class(rc)
        full = inventory(record['total'])
        full.update(record)
        provider.inventories[rc] = full
        provider.generation += 1
        return provider

    def delete_inventory(self, rp_uuid, rc):
        provider = self.provider(rp_uuid)
        if rc not in provider.inventories:
            raise http_errors.PlacementError(
                404, 'No inventory of class %s found for delete' % rc,
                'placement.undefined_code')
        if self.provider_usages(rp_uuid).get(rc):
            raise http_errors.PlacementError(
                409, 'Inventory for %s on resource provider %s in use.'
                % (rc, rp_uuid), 'placement.inventory.inuse')
        del provider.inventories[rc]
        provider.generation += 1

    def _check_class(self, rc):
        if rc not in self.resource_classes:
            raise http_errors.PlacementError(
                400, 'Unknown resource class in inventory for resource '
                'provider: %s' % rc, 'placement.undefined_code')

    def create_resource_class(self, name, must_be_new=True):
        """POST (must_be_new) or PUT /resource_classes/{name}."""
        if not name.startswith('CUSTOM_') or \
                not re.match(r'^CUSTOM_[A-Z0-9_]+$', name):
            raise http_errors.PlacementError(
                400, "JSON does not validate: '%s' does not match "
                "'^CUSTOM\\\\_[A-Z0-9_]+$'" % name, 'placement.undefined_code')
        if name in self.resource_classes:
            if must_be_new:
                raise http_errors.PlacementError(
                    409, 'Conflicting resource class already exists: %s'
                    % name, 'placement.undefined_code')
            return False
        self.resource_classes.add(name)
        return True

    def delete_resource_class(self, name):
        if name not in self.resource_classes:
            raise http_errors.PlacementError(
                404, 'No such resource class %s.' % name,
                'placement.undefined_code')
        if name in STANDARD_CLASSES:
            raise http_errors.PlacementError(
                400, 'Cannot delete standard resource class %s: ' % name,
                'placement.undefined_code')
        if any(name in p.inventories for p in self.providers.values()):
            raise http_errors.PlacementError(
                409, 'Unable to delete resource class %s. Delete all '
                'inventory associated with the resource class before '
                'deleting the resource class.' % name,
                'placement.undefined_code')
        self.resource_classes.discard(name)

    def free(self, provider, rc, usages=None):
        record = provider.inventories.get(rc)
        if record is None:
            return 0
        if usages is None:
            usages = self.provider_usages(provider.uuid)
        return capacity(record) - usages.get(rc, 0)

    def fit_on_tree(self, root_uuid, resources, required=(), forbidden=()):
        """Where in the tree each class would come from, or None.

        Standard classes come from the root; any class may come from any
        provider of the tree with enough free inventory (Placement's
        unnumbered request group spans the tree).
        """
        tree = self.providers_in_tree(root_uuid)
        return self._fit(tree, resources, {
            p.uuid: self.provider_usages(p.uuid) for p in tree},
            required, forbidden)

    def _fit(self, tree, resources, usages, required=(), forbidden=()):
        """One allocation request of the tree, or None.

        The unnumbered group's traits are judged on the providers that
        give its resources, together: every required trait on one of
        them, no forbidden trait on any (placement's
        _check_traits_for_alloc_request); no amount above ``max_unit``.
        """
        placement = self._amounts(tree, resources, usages)
        if placement is None:
            return None
        traits = set()
        for provider in tree:
            if provider.uuid in placement:
                traits.update(provider.traits)
        if set(required) - traits or set(forbidden) & traits:
            return None
        return placement

    def _amounts(self, tree, resources, usages):
        placement = {}
        for rc, amount in sorted(resources.items()):
            for provider in sorted(tree, key=lambda p: p.parent_uuid or ''):
                record = provider.inventories.get(rc)
                if record and amount <= record['max_unit'] and \
                        amount <= self.free(provider, rc,
                                            usages.get(provider.uuid, {})):
                    placement.setdefault(provider.uuid, {})[rc] = amount
                    break
            else:
                return None
        return placement

    def candidates(self, resources, required=(), forbidden=()):
        """GET /allocation_candidates: the trees that can take a request.

        :returns: ([(root uuid, {provider uuid: amounts})], {root uuid:
            providers of its tree}, {provider uuid: usages}), reading the
            allocations once for the whole cloud.
        """
        usages = self.all_usages()
        trees = {}
        for provider in self.providers.values():
            trees.setdefault(provider.root_uuid, []).append(provider)
        found = []
        for root_uuid in sorted(trees):
            placement = self._fit(trees[root_uuid], resources, usages,
                                  required, forbidden)
            if placement is not None:
                found.append((root_uuid, placement))
        return found, trees, usages

    def claim(self, consumer, root_uuid, resources):
        """Allocate ``resources`` in a tree for ``consumer``.

        Where nothing fits (a scenario overcommitting a host), the root
        takes what it has inventory for, as an allocation written before
        an inventory shrank would.
        """
        placement = self.fit_on_tree(root_uuid, resources)
        if placement is None:
            root = self.providers[root_uuid]
            placement = {root_uuid: {rc: amount
                                     for rc, amount in resources.items()
                                     if rc in root.inventories}}
        allocation = self.allocations.setdefault(consumer, {})
        for rp_uuid, amounts in placement.items():
            allocation[rp_uuid] = dict(amounts)
            self.providers[rp_uuid].generation += 1

    def release(self, consumer, root_uuid):
        """Drop the consumer's allocations in one tree."""
        allocation = self.allocations.get(consumer, {})
        for provider in self.providers_in_tree(root_uuid):
            allocation.pop(provider.uuid, None)

    def drop_consumer(self, consumer):
        self.allocations.pop(consumer, None)
