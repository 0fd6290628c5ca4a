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

from prometheus_client.openmetrics import parser

from masakari_blazar.cloud import pool_reader
from masakari_blazar.commands import metrics


def _row(hostname, state):
    return pool_reader.SpareRow(hostname, 'masakari-spare-' + hostname,
                                state, None, None, None)


def test_the_pool_reads_back_through_prometheus_s_own_parser():
    report = {
        'spares': [_row('spare-1', 'free'), _row('spare-2', 'free'),
                   _row('spare-3', 'claimed by notification n since t'),
                   _row('spare-4', 'unhealthy: nova-compute is down')],
        'headroom': {'headroom': 1},
        'attention': ['spare spare-3 is held by notification n, ...'],
    }
    text = metrics.openmetrics(report, min_size=2)

    assert text.endswith('# EOF\n')
    values = {family.name: family.samples[0].value
              for family in parser.text_string_to_metric_families(text)}
    assert values == {
        'masakari_blazar_pool_spares': 4,
        'masakari_blazar_free_spares': 2,
        'masakari_blazar_claimed_spares': 1,
        'masakari_blazar_unhealthy_spares': 1,
        'masakari_blazar_headroom': 1,
        'masakari_blazar_pool_min_size': 2,
        'masakari_blazar_spares_needing_operator': 1,
    }


def test_every_metric_is_a_documented_gauge():
    report = {'spares': [], 'headroom': {'headroom': 0}}
    for family in parser.text_string_to_metric_families(
            metrics.openmetrics(report, min_size=1)):
        assert family.type == 'gauge', family
        assert family.documentation, family
