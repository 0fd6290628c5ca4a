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

"""The claim ledger: which spare is held by which notification.

Once a spare is detached from its lease it is no longer visible in Blazar,
so the claim has to live somewhere every engine and every operator can read
it.  It is kept as metadata of one Nova aggregate that has no availability
zone and no hosts: it changes no scheduling decision, it survives any
engine, and ``openstack aggregate show masakari-blazar-claims`` shows it.
Nova merges metadata updates key by key, so writers of different spares do
not overwrite each other; the claim lock still serialises them.
"""

import dataclasses
import json
import typing

from oslo_utils import timeutils

KEY_PREFIX = 'claim:'
PENDING_PREFIX = 'pending:'
MAX_VALUE = 255


@dataclasses.dataclass(frozen=True)
class Claim(object):
    """One spare held by one recovery."""

    hostname: str
    notification: str
    since: str
    group: typing.Optional[str] = None
    lease: typing.Optional[str] = None

    def encode(self):
        """JSON within Nova's 255-character limit on metadata values.

        The lease name is only informative, so it goes first if too long.
        """
        data = {'notification': self.notification, 'since': self.since,
                'group': self.group, 'lease': self.lease}
        value = json.dumps(data, sort_keys=True)
        if len(value) > MAX_VALUE:
            data['lease'] = None
            value = json.dumps(data, sort_keys=True)
        return value

    @classmethod
    def decode(cls, hostname, value):
        try:
            data = json.loads(value)
            return cls(hostname, data['notification'], data['since'],
                       data.get('group'), data.get('lease'))
        except (ValueError, KeyError, TypeError):
            # Someone edited the aggregate by hand.  Keeping the spare
            # claimed is the safe reading: it is never handed out twice.
            return cls(hostname, value, '')


def parse(metadata):
    """Claims by host name, from the ledger aggregate's metadata."""
    return {key[len(KEY_PREFIX):]: Claim.decode(key[len(KEY_PREFIX):], val)
            for key, val in (metadata or {}).items()
            if key.startswith(KEY_PREFIX)}


class Ledger(object):
    """Reads and writes claims through Nova."""

    def __init__(self, clients, name):
        self.clients = clients
        self.name = name
        self.call = clients.call

    def _aggregate(self, create):
        nova = self.clients.nova
        for aggregate in self.call('Nova', 'GET /os-aggregates',
                                   nova.aggregates.list):
            if aggregate.name == self.name:
                return aggregate
        if not create:
            return None
        return self.call('Nova', 'POST /os-aggregates (%s)' % self.name,
                         nova.aggregates.create, self.name, None)

    def read(self):
        aggregate = self._aggregate(create=False)
        return parse(aggregate.metadata) if aggregate else {}

    def record(self, hostname, notification, group=None, lease=None):
        claim = Claim(hostname, notification,
                      timeutils.utcnow().isoformat(timespec='seconds'),
                      group, lease)
        self._set({KEY_PREFIX + hostname: claim.encode()})
        return claim

    def remove(self, hostname):
        self._set({KEY_PREFIX + hostname: None})

    # Replacing a lease of several spares deletes it before the new leases
    # exist; the spares in between are written down first, so that an
    # engine dying there does not silently shrink the pool.
    def pending(self):
        """Spares waiting for a lease of their own: {host: lease name}."""
        aggregate = self._aggregate(create=False)
        return {key[len(PENDING_PREFIX):]: value
                for key, value in (aggregate.metadata if aggregate else
                                   {}).items()
                if key.startswith(PENDING_PREFIX)}

    def mark_pending(self, hostnames, lease_name):
        if hostnames:
            self._set({PENDING_PREFIX + h: lease_name for h in hostnames})

    def clear_pending(self, hostname):
        self._set({PENDING_PREFIX + hostname: None})

    def _set(self, metadata):
        writing = any(v is not None for v in metadata.values())
        aggregate = self._aggregate(create=writing)
        if aggregate is None:
            return
        self.call('Nova', 'POST /os-aggregates/%s/action set_metadata' %
                  self.name, self.clients.nova.aggregates.set_metadata,
                  aggregate, metadata)
