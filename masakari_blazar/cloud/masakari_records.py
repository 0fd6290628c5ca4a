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

"""Masakari's own records, as the command line reads them.

Segments, their hosts and notifications decide what Masakari will run for
a failure (which flow, which reserved hosts it offers), so ``plan``,
``check``, ``return`` and ``sync-reserved`` read them from Masakari's
database, configured by ``[database] connection`` in masakari.conf as for
masakari-engine.  A database that cannot be read becomes one line naming
the option, not a traceback.
"""

import contextlib
import dataclasses
import os
import typing

from masakari_blazar import exceptions


@dataclasses.dataclass
class Segment(object):
    """A failover segment and what matters of its hosts."""

    name: str
    recovery_method: str
    enabled: bool = True
    hosts: typing.List[str] = dataclasses.field(default_factory=list)
    # Hosts flagged reserved and not on maintenance, in Masakari's order:
    # what its reserved-host flow would offer.
    reserved: typing.List[str] = dataclasses.field(default_factory=list)
    on_maintenance: typing.List[str] = dataclasses.field(
        default_factory=list)


@contextlib.contextmanager
def _reading(what):
    from oslo_db import exception as db_exc
    import sqlalchemy.exc
    try:
        yield
    except (db_exc.DBError, db_exc.CantStartEngineError,
            sqlalchemy.exc.SQLAlchemyError) as exc:
        raise exceptions.ConfigError(
            'Cannot read %s from Masakari\'s database (check [database] '
            'connection in masakari.conf): %s' % (
                what, ' '.join(str(exc).split())[:300]))


class Records(object):
    """Reads Masakari's database with Masakari's own objects."""

    def __init__(self, conf):
        from masakari import context
        from masakari.db.sqlalchemy import api as db_api
        from masakari import objects
        url = conf.database.connection
        if not url:
            raise exceptions.ConfigError(
                'Masakari\'s database is not configured: set [database] '
                'connection, as for masakari-engine')
        # Opening a sqlite file that does not exist would create it; a
        # command that only reads must not leave one behind.
        if url.startswith('sqlite:///') and \
                not os.path.exists(url[len('sqlite:///'):]):
            raise exceptions.ConfigError(
                'Masakari\'s database %s does not exist: check [database] '
                'connection' % url)
        db_api.configure(conf)
        objects.register_all()
        self.context = context.get_admin_context()

    def segments(self):
        """Every segment, with its hosts, by name."""
        from masakari import objects
        with _reading('the failover segments'):
            result = []
            # Masakari's default order (newest first), in which its
            # reserved-host flow offers the reserved hosts.
            hosts = objects.HostList.get_all(self.context)
            for segment in objects.FailoverSegmentList.get_all(self.context):
                members = [h for h in hosts
                           if h.failover_segment.uuid == segment.uuid]
                result.append(Segment(
                    name=segment.name,
                    recovery_method=segment.recovery_method,
                    enabled=getattr(segment, 'enabled', True),
                    hosts=sorted(h.name for h in members),
                    reserved=[h.name for h in members
                              if h.reserved and not h.on_maintenance],
                    on_maintenance=sorted(h.name for h in members
                                          if h.on_maintenance)))
            return sorted(result, key=lambda s: s.name)

    def segment_of(self, hostname):
        """The segment ``hostname`` is registered in, or None."""
        for segment in self.segments():
            if hostname in segment.hosts:
                return segment
        return None

    def peers(self):
        """``{hostname: names of the hosts of its segment}``."""
        return {host: segment.hosts for segment in self.segments()
                for host in segment.hosts}

    def notification_status(self, notification_uuid):
        """A notification's status, or None if Masakari has no such one."""
        from masakari import exception
        from masakari import objects
        with _reading('notification %s' % notification_uuid):
            try:
                return objects.Notification.get_by_uuid(
                    self.context, notification_uuid).status
            except exception.NotFound:
                return None
