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

"""Blazar's database rows, and its host requirement language.

The rows render as Blazar's ``to_dict`` does (the API returns them as
they are), and ``convert_requirements`` and ``compare`` match hosts to
``hypervisor_properties``/``resource_properties`` as Blazar's DB API does.
"""

import dataclasses
import json

from masakari_blazar.simulator import clock as clock_mod
from masakari_blazar.simulator import http_errors

HOST_TYPE = 'physical:host'
INSTANCE_TYPE = 'virtual:instance'
DATE_FORMAT = '%Y-%m-%d %H:%M'
OPERATORS = {
    '==': lambda a, b: a == b, '!=': lambda a, b: a != b,
    '<': lambda a, b: a < b, '>': lambda a, b: a > b,
    '<=': lambda a, b: a <= b, '>=': lambda a, b: a >= b,
}
HOST_COLUMNS = ('id', 'vcpus', 'cpu_info', 'hypervisor_type',
                'hypervisor_version', 'hypervisor_hostname', 'service_name',
                'memory_mb', 'local_gb', 'status', 'availability_zone',
                'trust_id', 'reservable')


def exc(name, status, message):
    return http_errors.blazar(name, status, message)


def rc_name(reservation_id):
    """The custom resource class of an instance reservation."""
    return 'CUSTOM_RESERVATION_' + reservation_id.upper().replace('-', '_')


def convert_requirements(requirements):
    """blazar.utils.plugins.convert_requirements: JSON to "key op value"."""
    if isinstance(requirements, str):
        try:
            requirements = json.loads(requirements or '[]')
        except ValueError:
            raise exc(
                'MalformedRequirements', 400,
                'Malformed requirements %s' % requirements)
    if _three_elements(requirements):
        op = '==' if requirements[0] == '=' else requirements[0]
        return ['%s %s %s' % (requirements[1][1:], op, requirements[2])]
    if isinstance(requirements, list) and len(requirements) > 1 and \
            requirements[0] == 'and':
        return [convert_requirements(r)[0] for r in requirements[1:]]
    if isinstance(requirements, list) and not requirements:
        return []
    raise exc(
        'MalformedRequirements', 400,
        'Malformed requirements %s' % requirements)


def _three_elements(req):
    return (isinstance(req, list) and len(req) == 3 and
            all(isinstance(x, str) for x in req) and
            req[0] in ('==', '=', '!=', '>=', '<=', '>', '<') and
            len(req[1]) > 1 and req[1][0] == '$' and len(req[2]) > 0)


def compare(op, actual, wanted):
    try:
        return OPERATORS[op](float(actual), float(wanted))
    except (TypeError, ValueError):
        return OPERATORS[op](str(actual), str(wanted))


@dataclasses.dataclass
class Host(object):
    """A row of Blazar's computehosts table and its extra capabilities."""

    id: str
    hypervisor_hostname: str
    service_name: str
    vcpus: int
    memory_mb: int
    local_gb: int
    cpu_info: str
    hypervisor_type: str
    hypervisor_version: int
    availability_zone: str
    trust_id: str
    created_at: object
    updated_at: object = None
    status: str = None
    reservable: bool = True
    extra: dict = dataclasses.field(default_factory=dict)

    def to_dict(self):
        data = {key: getattr(self, key) for key in HOST_COLUMNS}
        data['created_at'] = db_time(self.created_at)
        data['updated_at'] = db_time(self.updated_at)
        data.update(self.extra)
        return data

    def value(self, key):
        if key in HOST_COLUMNS:
            return getattr(self, key)
        return self.extra.get(key)


@dataclasses.dataclass
class Reservation(object):
    id: str
    lease_id: str
    resource_type: str
    resource_id: str
    created_at: object
    status: str = 'pending'
    missing_resources: bool = False
    resources_changed: bool = False
    updated_at: object = None
    # Host reservation (computehost_reservations row).
    aggregate_id: int = None
    hypervisor_properties: str = ''
    resource_properties: str = ''
    count_range: str = None
    before_end: str = 'default'
    # Instance reservation (instance_reservations row).
    vcpus: int = None
    memory_mb: int = None
    disk_gb: int = None
    amount: int = None
    affinity: bool = None
    flavor_id: str = None
    server_group_id: str = None

    def to_dict(self):
        data = {'id': self.id, 'lease_id': self.lease_id,
                'resource_id': self.resource_id,
                'resource_type': self.resource_type, 'status': self.status,
                'missing_resources': self.missing_resources,
                'resources_changed': self.resources_changed,
                'created_at': db_time(self.created_at),
                'updated_at': db_time(self.updated_at)}
        if self.resource_type == HOST_TYPE:
            low, high = self.count_range.split('-')
            data.update(hypervisor_properties=self.hypervisor_properties,
                        resource_properties=self.resource_properties,
                        before_end=self.before_end, min=int(low),
                        max=int(high))
        else:
            data.update(vcpus=self.vcpus, memory_mb=self.memory_mb,
                        disk_gb=self.disk_gb, amount=self.amount,
                        affinity=self.affinity, flavor_id=self.flavor_id,
                        aggregate_id=self.aggregate_id,
                        server_group_id=self.server_group_id,
                        resource_properties=self.resource_properties)
        return data


@dataclasses.dataclass
class Event(object):
    id: str
    lease_id: str
    event_type: str
    time: object
    created_at: object
    status: str = 'UNDONE'
    updated_at: object = None

    def to_dict(self):
        return {'id': self.id, 'lease_id': self.lease_id,
                'event_type': self.event_type,
                'time': clock_mod.blazar_time(self.time),
                'status': self.status,
                'created_at': db_time(self.created_at),
                'updated_at': db_time(self.updated_at)}


@dataclasses.dataclass
class Lease(object):
    id: str
    name: str
    user_id: str
    project_id: str
    start_date: object
    end_date: object
    trust_id: str
    created_at: object
    status: str = 'CREATING'
    degraded: bool = False
    updated_at: object = None
    reservations: list = dataclasses.field(default_factory=list)
    events: list = dataclasses.field(default_factory=list)

    def event(self, event_type):
        for event in sorted(self.events, key=lambda e: e.time):
            if event.event_type == event_type:
                return event
        return None


def db_time(value):
    """Blazar's to_dict renders created_at/updated_at with isoformat(' ')."""
    return value.isoformat(' ') if value is not None else None


def bool_or_none(value):
    if value in (None, 'None', 'none', ''):
        return None
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ('1', 't', 'true', 'on', 'y', 'yes')


def cpu_info():
    return {'arch': 'x86_64', 'model': 'Haswell', 'vendor': 'Intel',
            'topology': {'cells': 1, 'sockets': 1, 'cores': 4, 'threads': 1},
            'features': ['avx2']}


def host_pin(hostname):
    """hypervisor_properties that pin a reservation to one host."""
    return json.dumps(['=', '$hypervisor_hostname', hostname])
