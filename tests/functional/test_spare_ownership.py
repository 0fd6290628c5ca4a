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

"""Only the spare project's leases are spares, by default too.

Claiming a spare deletes its lease, so a tenant's lease that only carries
the spare prefix must never be taken; and leases the plugin creates belong
to its credentials' project, so a spare project that is not that project
is refused before anything changes.
"""

import json

from tests.functional import cli
from tests.functional import harness


def _tenant_lease_instead_of_spares(spec):
    """The only host lease with the prefix belongs to tenant ``demo``."""
    spec['leases'] = [{'name': 'masakari-spare-mine', 'project': 'demo',
                       'type': 'host', 'hosts': ['spare-1'], 'pin': True,
                       'end': '+30d'}]


def _leases(cloud):
    return sorted((lease['name'], lease['status'], lease['project_id'])
                  for lease in cloud.snapshot()['blazar']['leases'].values())


def test_a_tenant_lease_with_the_spare_prefix_is_never_taken(runner):
    cloud = runner.cloud(harness.scenario('basic',
                                          _tenant_lease_instead_of_spares))
    before = _leases(cloud)
    runner.prepare(cloud)
    result = runner.fail(cloud, 'compute-1')

    assert result.status == 'finished', result.messages
    assert _leases(cloud) == before
    assert result.claims() == {}
    assert 'spare-1' not in {result.where(name)
                             for name in ('ha-vm-1', 'ha-vm-2')}
    assert result.said('the Nova scheduler will choose its host')


def test_a_spare_project_other_than_the_credentials_is_refused_first(
        runner):
    cloud = runner.cloud(harness.scenario('basic'))
    before = json.dumps(cloud.snapshot()['blazar'], sort_keys=True)
    runner.prepare(cloud, spare_project_id=cloud.project_id('service'))
    result = runner.fail(cloud, 'compute-1')

    assert result.status == 'error'
    assert result.said(
        '[masakari_blazar] spare_project_id %s is not the project of the '
        '[blazar] credentials (%s)' % (cloud.project_id('service'),
                                       cloud.project_id('admin')))
    assert json.dumps(cloud.snapshot()['blazar'], sort_keys=True) == before
    assert result.claims() == {}


def test_check_reports_a_foreign_spare_project_and_lookalike_leases(
        runner, masakari, tmp_path):
    def lookalike(spec):
        spec['hosts'].append({'name': 'tenant-host', 'blazar': True})
        spec['leases'].append({'name': 'masakari-spare-mine',
                               'project': 'demo', 'type': 'host',
                               'hosts': ['tenant-host'], 'end': '+30d'})

    cloud = runner.cloud(harness.scenario('basic', lookalike))
    runner.prepare(cloud)
    plugin = 'lock_url = file://%s/tooz\n' % runner.engine.workdir
    good = cli.write_conf(tmp_path, runner, cloud, plugin=plugin,
                          tail=cli.FLOWS, masakari=masakari)
    done = cli.run('--config-file', good, 'check')
    assert done.returncode == 0, done.stdout + done.stderr
    assert ('WARNING: lease masakari-spare-mine of project %s looks like a '
            'spare lease but is none' % cloud.project_id('demo')
            in done.stdout)

    foreign = cli.write_conf(
        tmp_path, runner, cloud, tail=cli.FLOWS, masakari=masakari,
        plugin=plugin + 'spare_project_id = %s\n' % cloud.project_id(
            'service'))
    done = cli.run('--config-file', foreign, 'check')
    assert done.returncode != 0
    assert ('ERROR: [masakari_blazar] spare_project_id %s is not the '
            'project of the [blazar] credentials' % cloud.project_id(
                'service') in done.stdout), done.stdout
