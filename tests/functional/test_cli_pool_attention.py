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

"""``pool status`` names the spares whose recovery stopped for good.

Masakari runs an ERROR notification once more, then marks it FAILED and
never runs it again; its claimed spares then wait for the operator.
"""

import json

from masakari import objects
from masakari.objects import fields

from tests.functional import cli
from tests.functional.conftest import nova_for
from tests.functional.conftest import record_claim
from tests.functional import harness


def _attention(conf):
    done = cli.run('--config-file', conf, 'pool', 'status', '--format',
                   'json')
    assert done.returncode in (0, 3), done.stderr
    return json.loads(done.stdout)['attention']


def _set_status(runner, notification_uuid, status):
    notification = objects.Notification.get_by_uuid(runner.engine.context,
                                                    notification_uuid)
    notification.status = status
    notification.save()


def test_a_spare_of_a_failed_or_erring_recovery_needs_the_operator(
        runner, masakari, tmp_path):
    cloud = runner.cloud('basic')
    runner.prepare(cloud)
    notification_uuid = runner.engine.create_notification('compute-1')
    record_claim(cloud, 'spare-1', notification_uuid)
    conf = cli.write_conf(tmp_path, runner, cloud, masakari=masakari)

    # Still new: the recovery may yet use it.
    assert _attention(conf) == []

    _set_status(runner, notification_uuid, fields.NotificationStatus.ERROR)
    [line] = _attention(conf)
    assert line.startswith('spare spare-1 is held by notification %s, which '
                           'ended ERROR: Masakari runs it once more' %
                           notification_uuid), line

    _set_status(runner, notification_uuid, fields.NotificationStatus.FAILED)
    [line] = _attention(conf)
    assert line == (
        'spare spare-1 is held by notification %s, which Masakari marked '
        'FAILED and never runs again: "masakari-blazar return spare-1" '
        'gives it back to the pool, then "masakari-blazar recover '
        'compute-1" recovers the instances left on it' % notification_uuid)

    table = cli.run('--config-file', conf, 'pool', 'status')
    assert 'ATTENTION: ' + line in table.stdout.splitlines()


def test_a_claim_of_a_notification_masakari_no_longer_has(
        runner, masakari, tmp_path):
    cloud = runner.cloud('basic')
    runner.prepare(cloud)
    missing = '0b5a3c8e-1d2f-4a6b-9c7d-8e9f0a1b2c3d'
    record_claim(cloud, 'spare-1', missing)
    conf = cli.write_conf(tmp_path, runner, cloud, masakari=masakari)

    [line] = _attention(conf)
    assert line == (
        'spare spare-1 is held by notification %s, which Masakari no longer '
        'has: "masakari-blazar return spare-1" gives it back to the pool, '
        'then "masakari-blazar recover HOST" recovers the instances left on '
        'its failed host' % missing)


def test_a_spare_anchored_without_a_record_is_no_notification_s(
        runner, masakari, tmp_path):
    """Its row says "claimed by unknown"; Masakari has nothing to say."""
    cloud = runner.cloud('basic')
    runner.prepare(cloud)
    nova = nova_for(cloud)
    ledger = nova.aggregates.create(harness.CLAIMS, None)
    nova.aggregates.add_host(ledger, 'spare-1')
    conf = cli.write_conf(tmp_path, runner, cloud, masakari=masakari)

    assert _attention(conf) == []
