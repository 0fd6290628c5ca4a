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

"""How the pool shows a claimed spare."""

from masakari_blazar.cloud import ledger
from masakari_blazar.cloud import pool_reader


def test_a_recorded_claim_names_its_notification():
    claim = ledger.Claim('spare-1', 'n-1', '2026-03-01T10:00:00')

    assert pool_reader.claim_state(claim) == (
        'claimed by notification n-1 since 2026-03-01T10:00:00')


def test_an_anchor_without_a_record_says_how_to_free_it():
    claim = ledger.parse({}, ['spare-1'])['spare-1']

    assert pool_reader.claim_state(claim) == (
        'claimed by unknown (in the claim aggregate without a record); '
        '"masakari-blazar return spare-1" frees it')
