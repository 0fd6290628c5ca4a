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

"""Masakari's failover segments, as the recoveries will see them.

A segment decides what Masakari runs for a failure of one of its hosts:
the flow (its ``recovery_method``) and, for the reserved-host methods, the
hosts it offers.  The values here are built from Masakari's API answers by
:mod:`masakari_blazar.cloud.masakari_api` and carry no client, so that
``plan`` and ``check`` judge them as plain data.
"""

import dataclasses
import typing


@dataclasses.dataclass(frozen=True)
class Member(object):
    """A host registered in a segment, with the flags Masakari keeps."""

    name: str
    uuid: str = ''
    reserved: bool = False
    on_maintenance: bool = False


@dataclasses.dataclass(frozen=True)
class Segment(object):
    """A failover segment and its hosts, in Masakari's order.

    Masakari lists hosts newest first (``created_at``, then ``id``,
    descending: ``masakari.db.sqlalchemy.api._process_sort_params``), the
    API as its engine, so the order of ``members`` is the order in which
    the reserved-host flow offers them.
    """

    name: str
    recovery_method: str
    enabled: bool = True
    members: typing.Tuple[Member, ...] = ()
    uuid: str = ''

    @property
    def hosts(self):
        return sorted(m.name for m in self.members)

    @property
    def reserved(self):
        """What the reserved-host flow offers, in its order.

        Masakari's engine lists the segment's hosts flagged reserved and
        not on maintenance (``masakari.engine.manager``,
        ``_handle_notification_type_host``).
        """
        return [m.name for m in self.members
                if m.reserved and not m.on_maintenance]

    @property
    def on_maintenance(self):
        return sorted(m.name for m in self.members if m.on_maintenance)


def segment_of(segments, hostname):
    """The segment ``hostname`` is registered in, or None.

    Masakari keeps host names unique, so there is at most one.
    """
    for segment in segments:
        if hostname in segment.hosts:
            return segment
    return None


def peers(segments):
    """``{hostname: names of the hosts of its segment}``."""
    return {host: segment.hosts for segment in segments
            for host in segment.hosts}
