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

"""The claim ledger's record format."""

import json

import pytest

from masakari_blazar.cloud import ledger

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
