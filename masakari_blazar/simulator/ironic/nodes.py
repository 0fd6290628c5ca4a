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

"""The Ironic node of each simulated compute host, as Ironic renders it.

One node per host, named after it, deployed (``active``) with the
``fake-hardware`` driver; its power comes from the host's BMC
(``simulator/bmc.py``).  The views follow
ironic/api/controllers/v1/node.py (``node_convert_with_links``,
``node_sanitize``, ``node_states_convert``) and the field versions of
ironic/api/controllers/v1/utils.py (``VERSIONED_FIELDS``), because
openstacksdk asks at its own newest microversion and an older client at
an older one, and each sees the fields of its version only.
"""

import datetime
import re
import time
import uuid

from masakari_blazar.simulator import http_errors
from masakari_blazar.simulator import ids

DRIVER = 'fake-hardware'
# The conductor's [DEFAULT] host: the lock holder in ``reservation`` and in
# NodeLocked's message, and the node's ``conductor`` (1.49).
CONDUCTOR = 'ironic-conductor'
# The first interface fake-hardware supports of each kind
# (ironic/drivers/fake_hardware.py), 'flat' as a deployment's network.
INTERFACES = {
    'bios_interface': 'fake', 'boot_interface': 'fake',
    'console_interface': 'fake', 'deploy_interface': 'fake',
    'firmware_interface': 'fake', 'inspect_interface': 'fake',
    'management_interface': 'fake', 'network_interface': 'flat',
    'power_interface': 'fake', 'raid_interface': 'fake',
    'rescue_interface': 'fake', 'storage_interface': 'fake',
    'vendor_interface': 'fake'}
# The minor version that added each field (VERSIONED_FIELDS, V31_FIELDS).
VERSIONED_FIELDS = dict(
    {name: 31 for name in (
        'boot_interface', 'console_interface', 'deploy_interface',
        'inspect_interface', 'management_interface', 'power_interface',
        'raid_interface', 'vendor_interface')},
    driver_internal_info=3, name=5, inspection_finished_at=6,
    inspection_started_at=6, clean_step=7, raid_config=12,
    target_raid_config=12, network_interface=20, resource_class=21,
    storage_interface=33, traits=37, rescue_interface=38,
    bios_interface=40, fault=42, deploy_step=44, conductor_group=46,
    automated_clean=47, protected=48, protected_reason=48, conductor=49,
    owner=50, description=51, allocation_uuid=52, events=54, retired=61,
    retired_reason=61, lessee=65, network_data=66, boot_mode=75,
    secure_boot=75, shard=82, parent_node=83, firmware_interface=86,
    service_step=87, disable_power_off=95, instance_name=104, health=109)
# _DEFAULT_RETURN_FIELDS: what GET /v1/nodes lists without fields/detail.
DEFAULT_FIELDS = ['instance_uuid', 'maintenance', 'power_state',
                  'provision_state', 'uuid', 'name']
# The fields ?fields= may name: _get_fields_for_node_query's valid ones,
# 'uuid', and the three the API fills in itself.
VALID_FIELDS = frozenset(INTERFACES) | {
    'automated_clean', 'boot_mode', 'clean_step', 'conductor_group',
    'console_enabled', 'disable_power_off', 'deploy_step', 'description',
    'driver', 'driver_info', 'driver_internal_info', 'extra', 'fault',
    'health', 'inspection_finished_at', 'inspection_started_at',
    'instance_info', 'instance_name', 'instance_uuid', 'last_error',
    'lessee', 'maintenance', 'maintenance_reason', 'name', 'network_data',
    'owner', 'parent_node', 'power_state', 'properties', 'protected',
    'protected_reason', 'provision_state', 'provision_updated_at',
    'raid_config', 'reservation', 'resource_class', 'retired',
    'retired_reason', 'secure_boot', 'service_step', 'shard',
    'target_power_state', 'target_provision_state', 'target_raid_config',
    'traits', 'uuid', 'allocation_uuid', 'chassis_uuid', 'conductor'}
# Links of a whole node, from the minor version that shows them.
SUB_RESOURCES = (('ports', 1), ('states', 14), ('portgroups', 24),
                 ('volume', 32))


# ironic/common/utils.py is_valid_logical_name
_LOGICAL_NAME = re.compile(r'^[A-Za-z0-9._~-]{1,255}$')


def node_uuid(name):
    return ids.stable_uuid('ironic-node', name)


def is_uuid_like(value):
    """oslo.utils' uuidutils.is_uuid_like."""
    try:
        return str(uuid.UUID(value)).replace('-', '') == \
            value.replace('-', '').lower()
    except (TypeError, ValueError, AttributeError):
        return False


def find(cloud, ident, version):
    """The host of the node ``ident`` (api_utils.get_rpc_node).

    ``args.uuid_or_name`` first refuses what is neither a uuid nor a
    logical name (RFC 3986 unreserved characters); a uuid is looked up as
    one, a name only from 1.5, before which Ironic answers as Juno did:
    no such node.
    """
    if not is_uuid_like(ident) and not _LOGICAL_NAME.match(ident):
        raise http_errors.IronicError(
            400, 'Expected UUID or name for node_ident: %s' % ident)
    for name in cloud.state.hosts:
        if ident == node_uuid(name) or (
                version >= (1, 5) and ident == name):
            return name
    raise http_errors.IronicError(404, 'Node %s could not be found.' % ident)


def _isotime(value):
    """How object_to_dict renders a DateTimeField: aware isoformat."""
    if value is None:
        return None
    return value.replace(tzinfo=datetime.timezone.utc).isoformat()


def _record(cloud, name):
    """Every field of the node at the newest version."""
    host = cloud.state.hosts[name]
    bmc = cloud.power.bmc(name)
    now = time.monotonic()  # the BMC's clock, as evacuations'
    running = bmc.running(now)
    record = dict(INTERFACES, **{
        'uuid': node_uuid(name), 'name': name,
        'created_at': _isotime(cloud.power.created_at),
        'updated_at': _isotime(bmc.updated_at),
        'driver': DRIVER, 'driver_info': {}, 'driver_internal_info': {},
        'extra': {}, 'instance_info': {}, 'instance_uuid': None,
        'instance_name': None, 'chassis_uuid': None,
        'properties': {'cpus': host.vcpus, 'memory_mb': host.memory_mb,
                       'local_gb': host.disk_gb},
        'power_state': bmc.power_state,
        'target_power_state': bmc.target_power_state(now),
        'provision_state': 'active', 'target_provision_state': None,
        'provision_updated_at': _isotime(cloud.power.created_at),
        'maintenance': False, 'maintenance_reason': None, 'fault': None,
        'console_enabled': False, 'last_error': None,
        'reservation': CONDUCTOR if running else None,
        'conductor': CONDUCTOR, 'conductor_group': '',
        'resource_class': None, 'inspection_finished_at': None,
        'inspection_started_at': None, 'clean_step': {}, 'deploy_step': {},
        'service_step': {}, 'raid_config': {}, 'target_raid_config': {},
        'traits': [], 'automated_clean': None, 'protected': False,
        'protected_reason': None, 'owner': None, 'lessee': None,
        'description': None, 'allocation_uuid': None, 'retired': False,
        'retired_reason': None, 'network_data': {}, 'boot_mode': None,
        'secure_boot': None, 'shard': None, 'parent_node': None,
        'disable_power_off': False, 'health': None})
    return record


def allowed(field, version):
    return version >= (1, VERSIONED_FIELDS.get(field, 1))


def check_fields(fields, version):
    """Refuse fields as get_one and get_all do, in their order.

    check_allow_specify_fields (1.8) and check_allowed_fields give 406;
    a field that is no field at all gives _get_fields_for_node_query's 400.
    """
    if fields is None:
        return
    if version < (1, 8) or any(not allowed(f, version) for f in fields):
        raise http_errors.IronicError(406, 'Request not acceptable.')
    for field in fields:
        if field not in VALID_FIELDS:
            raise http_errors.IronicError(
                400, 'Field %s is not a valid field.' % field)


def view(cloud, name, public_url, version, fields=None):
    """node_convert_with_links, then node_sanitize."""
    check_fields(fields, version)
    record = _record(cloud, name)
    base = record['uuid']
    node = {key: value for key, value in record.items()
            if (fields is None or key in fields) and allowed(key, version)}
    node['links'] = _links(public_url, 'nodes', base)
    if fields is None:
        for sub, minor in SUB_RESOURCES:
            if version >= (1, minor):
                node[sub] = _links(public_url, 'nodes', base + '/' + sub)
    return node


def states(cloud, name, version):
    """node_states_convert: GET /v1/nodes/{node}/states."""
    record = _record(cloud, name)
    keys = ['console_enabled', 'last_error', 'power_state',
            'provision_state', 'target_power_state',
            'target_provision_state', 'provision_updated_at']
    if version >= (1, 12):
        keys += ['raid_config', 'target_raid_config']
    if version >= (1, 75):
        keys += ['boot_mode', 'secure_boot']
    return {key: record[key] for key in keys}


def _links(public_url, resource, args):
    """link.make_link's self (under /v1) and bookmark (without)."""
    return [{'href': '%s/v1/%s/%s' % (public_url, resource, args),
             'rel': 'self'},
            {'href': '%s/%s/%s' % (public_url, resource, args),
             'rel': 'bookmark'}]
