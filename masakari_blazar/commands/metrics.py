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

"""``pool status --format openmetrics``: the pool as numbers to alert on.

Monitoring scrapes text, not tables: the same report ``pool status``
prints, in the OpenMetrics text format that Prometheus and its peers read
(a node exporter's textfile collector, or a cron job pushing it), so an
operator can alert before a failure finds the pool empty.
"""

from prometheus_client import core
from prometheus_client.openmetrics import exposition

from masakari_blazar.cloud import pool_reader

PREFIX = 'masakari_blazar_'


def _gauge(name, documentation, value):
    family = core.GaugeMetricFamily(PREFIX + name, documentation)
    family.add_metric([], value)
    return family


class _Report(object):
    """A collector over one finished report; prometheus_client's shape."""

    def __init__(self, pool_report, min_size):
        self.pool_report = pool_report
        self.min_size = min_size

    def collect(self):
        rows = self.pool_report['spares']
        free = sum(1 for r in rows if r.state == pool_reader.FREE)
        claimed = sum(1 for r in rows if r.state.startswith('claimed'))
        yield _gauge('pool_spares', 'Spares in the pool, free, claimed by a '
                     'recovery or unhealthy.', len(rows))
        yield _gauge('free_spares', 'Free, healthy spares a failure can '
                     'take now.', free)
        yield _gauge('claimed_spares', 'Spares held by a recovery.',
                     claimed)
        yield _gauge('unhealthy_spares', 'Spares no recovery would choose '
                     'now.', len(rows) - free - claimed)
        yield _gauge('headroom', 'How many host failures in a row the free '
                     'spares absorb (the k of N+k).',
                     self.pool_report['headroom']['headroom'])
        yield _gauge('pool_min_size', 'The configured minimum of free '
                     'spares (0: no minimum).', self.min_size)
        yield _gauge('spares_needing_operator', 'Claimed spares whose '
                     'recovery ended ERROR or FAILED, or is gone.',
                     len(self.pool_report.get('attention', ())))


def openmetrics(pool_report, min_size):
    """The report as OpenMetrics text, ending with ``# EOF``."""
    registry = core.CollectorRegistry(auto_describe=False)
    registry.register(_Report(pool_report, min_size))
    return exposition.generate_latest(registry).decode('utf-8')
