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

"""Which hosts are spares: reading the pool out of Blazar's answers.

A spare is a Blazar host allocated to an ACTIVE reservation of a spare
lease.  Spare leases are recognised by name prefix or id, and always by
owner: the plugin deletes a spare's lease when it claims the spare, so a
tenant's lease that merely carries the prefix must never be taken for one.
"""

from masakari_blazar.decisions import model
from oslo_serialization import jsonutils

ACTIVE = 'ACTIVE'


def is_designated(lease, prefix, lease_ids):
    """Whether ``lease`` has a spare lease's name or id, whoever owns it."""
    named = bool(prefix) and (lease.get('name') or '').startswith(prefix)
    return named or lease.get('id') in lease_ids


def is_spare_lease(lease, prefix, lease_ids, project_id):
    """Whether ``lease`` is designated by the operator as a spare lease.

    :param project_id: the spare project; a lease of any other project is
        never a spare, whatever its name or id.
    """
    if not project_id or lease.get('project_id') != project_id:
        return False
    return is_designated(lease, prefix, lease_ids)


def spare_leases(leases, prefix, lease_ids, project_id):
    """The designated spare leases that are ACTIVE.

    A lease that is still PENDING has not fenced its hosts yet, and one that
    is ending or ERROR may be emptied by Blazar at any moment, so only
    ACTIVE leases count.
    """
    return [lease for lease in leases
            if lease.get('status') == ACTIVE and
            is_spare_lease(lease, prefix, lease_ids, project_id)]


def spares(leases, allocations, blazar_hosts):
    """The spares that ``leases`` hold, ordered by host name.

    :param leases: spare leases, as returned by :func:`spare_leases`.
    :param allocations: Blazar's ``os-hosts/allocations`` list.
    :param blazar_hosts: Blazar's ``os-hosts`` list.
    """
    host_names = {str(h['id']): h['hypervisor_hostname']
                  for h in blazar_hosts}
    reservation_lease = {}
    for lease in leases:
        for reservation in lease.get('reservations', []):
            reservation_lease[reservation['id']] = lease
    held = {}
    for allocation in allocations:
        host_id = str(allocation['resource_id'])
        for reservation in allocation.get('reservations', []):
            lease = reservation_lease.get(reservation['id'])
            if lease is not None and host_id in host_names:
                held.setdefault((lease['id'], reservation['id']),
                                []).append(host_id)
    # Deleting a lease frees the hosts of all its reservations, so its size
    # is the number of spares across every one of them.
    lease_size = {}
    for (lease_id, _), host_ids in held.items():
        lease_size[lease_id] = lease_size.get(lease_id, 0) + len(host_ids)
    result = []
    for (lease_id, reservation_id), host_ids in held.items():
        lease = reservation_lease[reservation_id]
        for host_id in host_ids:
            result.append(model.Spare(
                hostname=host_names[host_id],
                blazar_host_id=host_id,
                lease_id=lease_id,
                lease_name=lease.get('name') or '',
                reservation_id=reservation_id,
                lease_size=lease_size[lease_id]))
    return sorted(result, key=lambda s: s.hostname)


def spare_lease_name(prefix, hostname):
    return '%s-%s' % (prefix, hostname)


def single_host_reservation(hostname):
    """A reservation that Blazar can satisfy with ``hostname`` only."""
    return {'resource_type': 'physical:host', 'min': 1, 'max': 1,
            'hypervisor_properties': jsonutils.dumps(
                ['=', '$hypervisor_hostname', hostname]),
            'resource_properties': ''}
