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

"""Plain values that the decisions work on.

They are built from API answers by :mod:`masakari_blazar.cloud.inventory` and
carry no client, so the decisions can be tested with literals.
"""

import dataclasses
import typing

HOST_RESERVATION = 'host'
INSTANCE_RESERVATION = 'instance'
#: The kind of a plan's join that puts a spare into an availability zone's
#: aggregate, beside the two kinds of reservation it may join.
ZONE = 'zone'


@dataclasses.dataclass(frozen=True)
class Resources(object):
    """An amount of the resource classes that Nova schedules on.

    The three classes every flavor asks for have their fields; any other
    class (``PCPU`` for dedicated CPUs, a ``CUSTOM_*`` class of a
    ``resources:`` extra spec) is in ``other``, ``(class, amount)`` pairs
    sorted by class, so that two equal amounts compare and hash equal.
    """

    vcpus: int = 0
    memory_mb: int = 0
    disk_gb: int = 0
    other: typing.Tuple[typing.Tuple[str, int], ...] = ()

    @classmethod
    def from_classes(cls, amounts):
        """The amount that ``{resource class: amount}`` describes."""
        amounts = dict(amounts)
        return cls(int(amounts.pop('VCPU', 0)),
                   int(amounts.pop('MEMORY_MB', 0)),
                   int(amounts.pop('DISK_GB', 0)),
                   tuple(sorted((rc, int(n)) for rc, n in amounts.items()
                                if n)))

    def classes(self):
        """``{resource class: amount}``, the classes with an amount only."""
        amounts = dict(self.other)
        amounts.update(VCPU=self.vcpus, MEMORY_MB=self.memory_mb,
                       DISK_GB=self.disk_gb)
        return {rc: n for rc, n in amounts.items() if n}

    def amount(self, rc):
        return self.classes().get(rc, 0)

    def _combine(self, other, sign):
        mine = self.classes()
        for rc, n in other.classes().items():
            mine[rc] = mine.get(rc, 0) + sign * n
        return Resources.from_classes(mine)

    def __add__(self, other):
        return self._combine(other, 1)

    def __sub__(self, other):
        return self._combine(other, -1)

    def fits_in(self, other):
        free = other.classes()
        return all(n <= free.get(rc, 0) for rc, n in self.classes().items())

    def __str__(self):
        text = '%d vCPU, %d MB RAM, %d GB disk' % (
            self.vcpus, self.memory_mb, self.disk_gb)
        return ', '.join([text] + ['%d %s' % (n, rc)
                                   for rc, n in self.other if n])


@dataclasses.dataclass(frozen=True)
class Request(object):
    """What Nova asks Placement for one instance: amounts and traits.

    Built from the flavor by
    :func:`~masakari_blazar.decisions.resource_request.from_flavor`; equal
    requests are asked of Placement once, whatever the number of
    instances.
    """

    resources: Resources
    required: typing.FrozenSet[str] = frozenset()
    forbidden: typing.FrozenSet[str] = frozenset()

    def __str__(self):
        text = str(self.resources)
        if self.required:
            text += '; traits %s' % ', '.join(sorted(self.required))
        if self.forbidden:
            text += '; not %s' % ', '.join(sorted(self.forbidden))
        return text


@dataclasses.dataclass(frozen=True)
class Reservation(object):
    """The Blazar reservation an instance must stay admitted to.

    For both kinds Blazar names the Nova aggregate after the reservation id,
    so ``id`` is also the aggregate's name.
    """

    id: str
    kind: str
    project_id: typing.Optional[str] = None
    #: ``(key, value)`` pairs of the reservation's aggregate, which a spare
    #: that joins it carries into Nova's aggregate filters.
    metadata: typing.Tuple[typing.Tuple[str, str], ...] = \
        dataclasses.field(default=(), compare=False)

    def __str__(self):
        return '%s reservation %s' % (self.kind, self.id)


AFFINITY = 'affinity'
ANTI_AFFINITY = 'anti-affinity'


@dataclasses.dataclass(frozen=True)
class ServerGroup(object):
    """An instance's Nova server group, as the scheduler sees it then.

    Only the hard policies refuse a host; the soft ones are weighers, and
    a targeted evacuation weighs nothing.
    """

    id: str
    policy: str
    max_per_host: int = 1
    #: ``(host, members there)`` for the members that do not move with
    #: this failure; the failed host is left out.
    elsewhere: typing.Tuple[typing.Tuple[str, int], ...] = ()

    def members_on(self, hostname):
        return dict(self.elsewhere).get(hostname, 0)

    def __str__(self):
        return '%s server group %s' % (self.policy, self.id)


@dataclasses.dataclass(frozen=True)
class Instance(object):
    """An instance to move, with what it needs wherever it lands."""

    uuid: str
    name: str
    resources: Resources
    reservation: typing.Optional[Reservation] = None
    #: Whether Nova's scheduler pins the instance to ``zone`` on
    #: evacuation; ``zone`` None is then the default zone, the zone of
    #: every host outside AZ aggregates.  Nova 34 pins nothing to a zone no
    #: aggregate names, so :func:`hosts.pinned_zone` pins only to named
    #: zones.
    pinned: bool = False
    zone: typing.Optional[str] = None
    #: The operator's priority (:data:`evacuees.PRIORITY_KEY`), higher
    #: first, and Masakari's HA flag: who gets the spares when they cannot
    #: hold everyone.
    priority: int = 0
    ha_enabled: bool = False
    server_group: typing.Optional[ServerGroup] = None
    #: The flavor's required and forbidden traits, as Placement sees them.
    required_traits: typing.FrozenSet[str] = frozenset()
    forbidden_traits: typing.FrozenSet[str] = frozenset()

    @property
    def request(self):
        """The resource request Nova sends Placement for this instance."""
        return Request(self.resources, self.required_traits,
                       self.forbidden_traits)
    #: The flavor's extra specs as ``(key, value)`` pairs and the
    #: instance's project: what Nova's aggregate filters judge it by.
    extra_specs: typing.Tuple[typing.Tuple[str, str], ...] = ()
    project_id: typing.Optional[str] = None

    def may_land_in(self, zone):
        """Whether Nova's zone request filter lets it land in ``zone``."""
        return not self.pinned or zone == self.zone

    def affinity_allows(self, hostname):
        """Whether the ServerGroupAffinityFilter passes ``hostname``.

        Nova fills the group's hosts from every member's current host,
        the failed one included, and passes only those: a host where no
        member runs now is refused, whatever the plan puts there.
        """
        group = self.server_group
        return group is None or group.policy != AFFINITY or \
            group.members_on(hostname) > 0

    @property
    def group(self):
        """Instances that may share a target host have the same group.

        A host joined to a host reservation's aggregate is emptied by Blazar
        when that reservation ends, so it may only carry that reservation's
        instances.  Everything else (unreserved instances and those of
        flavor-based instance reservations, which Blazar deletes by flavor)
        may share a host.
        """
        if self.reservation and self.reservation.kind == HOST_RESERVATION:
            return self.reservation.id
        return None


@dataclasses.dataclass(frozen=True)
class Spare(object):
    """A host that a spare lease holds in reserve."""

    hostname: str
    blazar_host_id: str
    lease_id: str
    lease_name: str
    reservation_id: str
    lease_size: int = 1


@dataclasses.dataclass
class Target(object):
    """A host that instances could be evacuated to, as the planner sees it.

    ``spare`` is None for a host that is already inside the instances'
    reservation, such as the replacement that Blazar's healing added.
    ``committed`` is set when the host may only serve ``group``: a host
    inside a reservation, or a spare that an earlier run of this recovery
    already committed to a group.
    """

    hostname: str
    free: Resources
    az: typing.Optional[str] = None
    in_segment: bool = False
    spare: typing.Optional[Spare] = None
    problem: typing.Optional[str] = None
    claimed: bool = False
    committed: bool = False
    group: typing.Optional[str] = None
    can_join_host_reservation: bool = True
    #: ``{model.Request: reason}`` for the requests Placement has no
    #: allocation candidate for on this host (a missing trait, no PCPU
    #: inventory, a max_unit): the instances that make them cannot land.
    refuses: typing.Dict[Request, str] = dataclasses.field(
        default_factory=dict)
    #: ``(key, value)`` pairs of the aggregates the host is still in when
    #: Nova schedules the evacuation (see :mod:`aggregate_filters`).
    aggregate_metadata: typing.Tuple[typing.Tuple[str, str], ...] = ()

    @property
    def healthy(self):
        return self.problem is None
