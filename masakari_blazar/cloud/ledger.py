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
it.  It is kept in one Nova aggregate that has no availability zone and no
metadata that any scheduler filter reads: it changes no scheduling
decision, it survives any engine, and ``openstack aggregate show
masakari-blazar-claims`` shows it.  A claim has two parts:

* the *anchor*: the spare is a host of the aggregate.  Nova keeps
  aggregate membership under a unique constraint on (host, aggregate) and
  answers 409 to adding a host that is already there, so of any number of
  claimants, whatever their locks, exactly one wins a spare;
* the *record*: metadata ``claim:<host>`` naming the notification, written
  only by the claimant that won the anchor.  Nova merges metadata updates
  key by key, so writers of different spares do not overwrite each other.

A spare with either part counts as claimed: an anchor without a record is
one whose claimant stopped between the two writes (owner unknown), a
record without an anchor one claimed by an earlier version of the plugin.
"""

import dataclasses
import json
import typing

from oslo_utils import timeutils

from masakari_blazar import exceptions
from masakari_blazar import log_context

LOG = log_context.getLogger(__name__)

KEY_PREFIX = 'claim:'
PENDING_PREFIX = 'pending:'
MAX_VALUE = 255


@dataclasses.dataclass(frozen=True)
class Claim(object):
    """One spare held by one recovery.

    ``notification`` is None for an anchor without a record: the spare is
    held, by a recovery nobody can name.
    """

    hostname: str
    notification: typing.Optional[str]
    since: str
    group: typing.Optional[str] = None
    lease: typing.Optional[str] = None
    #: The availability-zone aggregate the recovery added the spare to,
    #: which ``return`` takes it out of before Blazar registers it again.
    joined: typing.Optional[str] = None
    #: A cold spare: powered off, held here by the pool itself (no
    #: notification), so that no recovery claims it and nothing loses it
    #: while it is outside Blazar (see ``decisions/cold_spares``).
    cold: bool = False

    def encode(self):
        """JSON within Nova's 255-character limit on metadata values.

        The lease name is only informative, so it goes first if too long.
        """
        data = {'notification': self.notification, 'since': self.since,
                'group': self.group, 'lease': self.lease}
        if self.joined:
            data['joined'] = self.joined
        if self.cold:
            data['cold'] = True
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
                       data.get('group'), data.get('lease'),
                       data.get('joined'), bool(data.get('cold')))
        except (ValueError, KeyError, TypeError):
            # Someone edited the aggregate by hand.  Keeping the spare
            # claimed is the safe reading: it is never handed out twice.
            return cls(hostname, value, '')

    @property
    def owner(self):
        """Who holds the spare, for reports."""
        if self.cold:
            return 'the cold pool'
        if self.notification is None:
            return 'an unknown recovery'
        return 'notification %s' % self.notification


def parse(metadata, hosts=()):
    """Claims by host name, from the ledger aggregate's metadata and hosts.

    A host without a record is claimed by an unknown owner.
    """
    claims = {}
    for key, value in (metadata or {}).items():
        if key.startswith(KEY_PREFIX):
            hostname = key[len(KEY_PREFIX):]
            claims[hostname] = Claim.decode(hostname, value)
    for hostname in hosts or ():
        claims.setdefault(hostname, Claim(hostname, None, ''))
    return claims


class Ledger(object):
    """Reads and writes claims through Nova."""

    def __init__(self, clients, name):
        self.clients = clients
        self.name = name
        self.call = clients.call
        self._found = None

    def _aggregate(self, create, fresh=True):
        """The ledger's aggregate, found by name once.

        Then each read is of that aggregate alone, and a write needs no
        read at all (``fresh`` False): under the spare-pool lock each call
        is one more that every waiting recovery waits for.
        """
        nova = self.clients.nova
        if self._found is not None:
            if not fresh:
                return self._found
            try:
                self._found = self.call(
                    'Nova', 'GET /os-aggregates/%s' % self.name,
                    nova.aggregates.get, self._found.id)
                return self._found
            except exceptions.ApiError as exc:
                if exc.status != 404:
                    raise
                self._found = None
        for aggregate in self.call('Nova', 'GET /os-aggregates',
                                   nova.aggregates.list):
            if aggregate.name == self.name:
                self._found = aggregate
                return aggregate
        if not create:
            return None
        try:
            self._found = self.call(
                'Nova', 'POST /os-aggregates (%s)' % self.name,
                nova.aggregates.create, self.name, None)
            return self._found
        except exceptions.ApiError as exc:
            # Nova keeps aggregate names unique: another engine created it
            # first.
            if exc.status != 409:
                raise
            return self._aggregate(create=False)

    def read(self):
        aggregate = self._aggregate(create=False)
        if aggregate is None:
            return {}
        return parse(aggregate.metadata, aggregate.hosts)

    def anchor(self, hostname):
        """Win ``hostname`` for this claimant, or learn it is held.

        :returns: True when this call added the host to the aggregate,
            False when the host was already there: another recovery holds
            it (or a lost answer to this very call, whose spare then stays
            held by an unknown owner until it is returned).
        """
        aggregate = self._aggregate(create=True, fresh=False)
        try:
            self.call('Nova', 'POST /os-aggregates/%s/action add_host %s' % (
                self.name, hostname), self.clients.nova.aggregates.add_host,
                aggregate.id, hostname)
        except exceptions.ApiError as exc:
            if exc.status != 409:
                raise
            # Nova also answers 409 for a zone conflict, which only an
            # aggregate that someone gave a zone can cause.
            current = self.call('Nova', 'GET /os-aggregates/%s' % self.name,
                                self.clients.nova.aggregates.get,
                                aggregate.id)
            if hostname not in current.hosts:
                raise exceptions.ClaimError(
                    'Nova refuses to add %s to the claim aggregate %s: %s' %
                    (hostname, self.name, exc)) from exc
            return False
        return True

    def take_over(self, hostname):
        """Win a spare held for nobody (a cold one) for this claimant.

        Nova answers 404 to removing a host that is no longer in the
        aggregate, so of any number of claimants exactly one removes the
        anchor, and anchors it again as its own; the cold record keeps the
        spare held in between.

        :returns: True when this call won the spare.
        """
        aggregate = self._aggregate(create=False, fresh=False)
        if aggregate is None:
            return False
        try:
            self.call('Nova', 'POST /os-aggregates/%s/action remove_host %s'
                      % (self.name, hostname),
                      self.clients.nova.aggregates.remove_host, aggregate.id,
                      hostname)
        except exceptions.ApiError as exc:
            if exc.status != 404:
                raise
            return False
        return self.anchor(hostname)

    def unanchor(self, hostname):
        """Let go of the anchor on ``hostname``; already gone is fine."""
        aggregate = self._aggregate(create=False, fresh=False)
        if aggregate is None:
            return
        try:
            self.call('Nova', 'POST /os-aggregates/%s/action remove_host %s'
                      % (self.name, hostname),
                      self.clients.nova.aggregates.remove_host, aggregate.id,
                      hostname)
        except exceptions.ApiError as exc:
            if exc.status != 404:
                raise
            LOG.info('%s was no longer in aggregate %s', hostname, self.name)

    def record(self, hostname, notification, group=None, lease=None,
               cold=False):
        claim = Claim(hostname, notification,
                      timeutils.utcnow().isoformat(timespec='seconds'),
                      group, lease, cold=cold)
        self._set({KEY_PREFIX + hostname: claim.encode()})
        return claim

    def note_joined(self, hostname, aggregate):
        """Write into the claim on ``hostname`` the zone aggregate it joins.

        Written before the join, so that a crash in between leaves a note
        of a join that ``return`` finds already undone, never a join that
        nothing records.
        """
        claim = self.read().get(hostname)
        if claim is None or claim.joined == aggregate:
            return
        self._set({KEY_PREFIX + hostname: dataclasses.replace(
            claim, joined=aggregate).encode()})

    def remove(self, hostname):
        """Drop the claim: the record first, then the anchor.

        In this order an interruption leaves an anchor without a record,
        which still keeps the spare from every other recovery.
        """
        self._set({KEY_PREFIX + hostname: None})
        self.unanchor(hostname)

    # Replacing a lease of several spares deletes it before the new leases
    # exist; the spares in between are written down first, so that an
    # engine dying there does not silently shrink the pool.
    def read_with_pending(self):
        """:meth:`read`, and the spares waiting for a lease of their own.

        One call to Nova for both: ``({host: Claim}, {host: lease name})``.
        """
        aggregate = self._aggregate(create=False)
        if aggregate is None:
            return {}, {}
        return parse(aggregate.metadata, aggregate.hosts), _pending(aggregate)

    def mark_pending(self, hostnames, lease_name):
        if hostnames:
            self._set({PENDING_PREFIX + h: lease_name for h in hostnames})

    def clear_pending(self, hostname):
        self._set({PENDING_PREFIX + hostname: None})

    def _set(self, metadata):
        writing = any(v is not None for v in metadata.values())
        aggregate = self._aggregate(create=writing, fresh=False)
        if aggregate is None:
            return
        self.call('Nova', 'POST /os-aggregates/%s/action set_metadata' %
                  self.name, self.clients.nova.aggregates.set_metadata,
                  aggregate, metadata)


def _pending(aggregate):
    return {key[len(PENDING_PREFIX):]: value
            for key, value in aggregate.metadata.items()
            if key.startswith(PENDING_PREFIX)}
