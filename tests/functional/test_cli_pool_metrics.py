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

"""``pool status --format openmetrics`` says what the table says."""

import json

from prometheus_client.openmetrics import parser

from tests.functional import cli


def _run(conf, *args):
    done = cli.run('--config-file', conf, 'pool', 'status', *args)
    assert done.returncode in (0, 3), done.stderr
    return done


def test_the_metrics_count_what_the_json_shows(runner, tmp_path):
    cloud = runner.cloud('basic')
    runner.prepare(cloud)
    result = runner.fail(cloud, 'compute-1')
    assert result.status == 'finished'
    conf = cli.write_conf(tmp_path, runner, cloud)

    shown = json.loads(_run(conf, '--format', 'json').stdout)
    scraped = _run(conf, '--format', 'openmetrics')
    values = {family.name: family.samples[0].value
              for family in parser.text_string_to_metric_families(
                  scraped.stdout)}

    states = [row['state'] for row in shown['spares']]
    assert values['masakari_blazar_pool_spares'] == len(states)
    assert values['masakari_blazar_free_spares'] == states.count('free')
    assert values['masakari_blazar_claimed_spares'] == len(
        [s for s in states if s.startswith('claimed')]) == 1
    assert values['masakari_blazar_headroom'] == \
        shown['headroom']['headroom']
    assert scraped.returncode == (3 if shown['warnings'] else 0)
