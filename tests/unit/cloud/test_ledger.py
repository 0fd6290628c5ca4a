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

"""The claim ledger: its record format, anchors and records."""

import dataclasses
import json

from novaclient import exceptions as nova_exc
import pytest

from masakari_blazar.cloud import ledger
from masakari_blazar import exceptions
from tests.unit import recorded_cloud

NOTIFICATION = 'a3f1c9e2-5b7d-4e8a-9c0b-1d2e3f4a5b6c'
RES = '0f5e2ad1-7b4a-4c39-9d0e-6f1b8d3c2a10'


def test_claim_round_trips_through_its_encoding():
    claim = ledger.Claim('spare-a', NOTIFICATION, '2026-03-01T10:00:00',
                         RES, 'masakari-spare-spare-a')
    assert ledger.Claim.decode('spare-a', claim.encode()) == claim


def test_claim_without_group_or_lease_round_trips():
    claim = ledger.Claim('spare-a', NOTIFICATION, '2026-03-01T10:00:00')
    decoded = ledger.Claim.decode('spare-a', claim.encode())
    assert decoded == claim
    assert decoded.group is None and decoded.lease is None


def test_encoding_is_stable_json_that_fits_nova_metadata():
    claim = ledger.Claim('spare-a', NOTIFICATION, '2026-03-01T10:00:00',
                         RES, 'masakari-spare-spare-a')
    value = claim.encode()
    assert value == ledger.Claim(
        'spare-a', NOTIFICATION, '2026-03-01T10:00:00', RES,
        'masakari-spare-spare-a').encode()
    assert json.loads(value) == {
        'notification': NOTIFICATION, 'since': '2026-03-01T10:00:00',
        'group': RES, 'lease': 'masakari-spare-spare-a'}
    # Nova limits aggregate metadata values to 255 characters.
    assert len(value) <= 255


def test_the_zone_aggregate_a_claim_joined_round_trips():
    claim = ledger.Claim('spare-a', NOTIFICATION, '2026-03-01T10:00:00',
                         joined='rack-a')
    assert json.loads(claim.encode())['joined'] == 'rack-a'
    assert ledger.Claim.decode('spare-a', claim.encode()) == claim


def test_note_joined_keeps_the_rest_of_the_claim():
    cloud = recorded_cloud.RecordedClients()
    cloud.claim('spare-a', NOTIFICATION)
    before = _ledger(cloud).read()['spare-a']

    _ledger(cloud).note_joined('spare-a', 'rack-a')

    assert _ledger(cloud).read()['spare-a'] == dataclasses.replace(
        before, joined='rack-a')


@pytest.mark.parametrize('value', [
    'hand-written note', '{"since": "x"}', '[1, 2]', '"text"', '42', None])
def test_unreadable_claim_keeps_the_spare_claimed(value):
    claim = ledger.Claim.decode('spare-a', value)
    assert claim.hostname == 'spare-a'
    assert claim.notification == value
    assert claim.since == ''


def test_parse_reads_only_claim_keys():
    c1 = ledger.Claim('spare-a', NOTIFICATION, '2026-03-01T10:00:00', RES,
                      'masakari-spare-spare-a')
    c2 = ledger.Claim('spare-b.example.org', 'other', '2026-03-01T11:00:00')
    metadata = {'claim:spare-a': c1.encode(),
                'claim:spare-b.example.org': c2.encode(),
                'availability_zone': 'ignored',
                'note': 'claim:spare-c'}
    assert ledger.parse(metadata) == {'spare-a': c1,
                                      'spare-b.example.org': c2}


@pytest.mark.parametrize('metadata', [None, {}])
def test_parse_of_no_metadata(metadata):
    assert ledger.parse(metadata) == {}


def test_an_anchor_without_a_record_is_a_claim_of_an_unknown_owner():
    c1 = ledger.Claim('spare-a', NOTIFICATION, '2026-03-01T10:00:00')
    claims = ledger.parse({'claim:spare-a': c1.encode()},
                          ['spare-a', 'spare-b'])
    assert claims == {'spare-a': c1,
                      'spare-b': ledger.Claim('spare-b', None, '')}
    assert claims['spare-b'].owner == 'an unknown recovery'
    assert claims['spare-a'].owner == 'notification %s' % NOTIFICATION


def test_a_record_without_an_anchor_is_still_a_claim():
    c1 = ledger.Claim('spare-a', NOTIFICATION, '2026-03-01T10:00:00')
    assert ledger.parse({'claim:spare-a': c1.encode()}, []) == {
        'spare-a': c1}


def _ledger(cloud):
    return ledger.Ledger(cloud, recorded_cloud.CLAIMS)


def test_only_the_first_anchor_of_a_host_wins():
    cloud = recorded_cloud.RecordedClients()
    first, second = _ledger(cloud), _ledger(cloud)

    assert first.anchor('spare-a') is True
    assert second.anchor('spare-a') is False
    assert second.anchor('spare-b') is True
    assert cloud.claims_aggregate()['hosts'] == ['spare-a', 'spare-b']
    assert set(first.read()) == {'spare-a', 'spare-b'}


def test_a_409_that_is_no_membership_is_an_error():
    """Nova's 409 for a zone conflict is not another claimant's win."""
    cloud = recorded_cloud.RecordedClients()
    cloud.aggregate(recorded_cloud.CLAIMS, zone='az-1')

    def zone_conflict(aggregate_id, host):
        raise nova_exc.Conflict(
            409, 'Cannot add host to aggregate 1. Reason: One or more hosts '
            "already in availability zone(s) ['az-2'].")
    cloud.nova.aggregates.add_host = zone_conflict

    with pytest.raises(exceptions.ClaimError,
                       match='Nova refuses to add spare-a to the claim '
                       'aggregate masakari-blazar-claims'):
        _ledger(cloud).anchor('spare-a')


def test_an_aggregate_another_engine_created_first_is_used():
    cloud = recorded_cloud.RecordedClients()
    create = cloud.nova.aggregates.create

    def created_meanwhile(name, zone):
        create(name, zone)
        raise nova_exc.Conflict(
            409, 'Aggregate %s already exists.' % name)
    cloud.nova.aggregates.create = created_meanwhile

    assert _ledger(cloud).anchor('spare-a') is True
    assert cloud.claims_aggregate()['hosts'] == ['spare-a']


def test_remove_drops_the_record_then_the_anchor():
    cloud = recorded_cloud.RecordedClients()
    cloud.claim('spare-a', NOTIFICATION)

    _ledger(cloud).remove('spare-a')

    assert [w[0] for w in cloud.writes] == ['set metadata', 'remove host']
    assert cloud.claimed() == {}


@pytest.mark.parametrize('notification,anchored', [
    (NOTIFICATION, False), (None, True)])
def test_remove_takes_either_half_alone(notification, anchored):
    cloud = recorded_cloud.RecordedClients()
    cloud.claim('spare-a', notification, anchored=anchored)

    _ledger(cloud).remove('spare-a')

    assert cloud.claimed() == {}


def test_the_ledger_is_listed_once_then_read_alone_and_written_unread():
    cloud = recorded_cloud.RecordedClients()
    cloud.claim('spare-9', 'n-other')
    seen = []
    aggregates = cloud.nova.aggregates
    for name in ('list', 'get'):
        def counted(*args, _call=getattr(aggregates, name), _name=name):
            seen.append(_name)
            return _call(*args)
        setattr(aggregates, name, counted)
    claims = ledger.Ledger(cloud, recorded_cloud.CLAIMS)

    claims.read()
    assert claims.anchor('spare-1')
    claims.record('spare-1', NOTIFICATION)
    read = claims.read()

    assert seen == ['list', 'get']
    assert {h: c.notification for h, c in read.items()} == {
        'spare-1': NOTIFICATION, 'spare-9': 'n-other'}


def test_a_ledger_deleted_meanwhile_is_found_again_by_name():
    cloud = recorded_cloud.RecordedClients()
    cloud.claim('spare-9', 'n-other')
    claims = ledger.Ledger(cloud, recorded_cloud.CLAIMS)
    claims.read()
    # Deleted, and made again with the next id and another claim.
    cloud.aggregates[-1]['id'] += 100
    cloud.claim('spare-8', 'n-8')

    assert sorted(claims.read()) == ['spare-8', 'spare-9']
    assert claims.anchor('spare-1')
    assert 'spare-1' in cloud.claims_aggregate()['hosts']
