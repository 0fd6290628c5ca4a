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

"""No credential in what a recovery writes, for all API users to read.

A notification's progress details are readable by every Masakari API user
with access to the notification, and the engine's log by its operators.
"""

import logging

from tests.functional import harness

SECRET = 'TopSecretRedisPw'


def test_a_lock_backend_password_never_reaches_the_notification_or_log(
        runner, caplog):
    cloud = runner.cloud(harness.scenario('basic'))
    # A driver tooz does not have fails at once, through the same message
    # as a backend that refuses: the URL, credentials included, is in it.
    url = 'nosuchdriver://admin:%s@127.0.0.1:1' % SECRET
    runner.prepare(cloud, lock_url=url)
    with caplog.at_level(logging.DEBUG):
        result = runner.fail(cloud, 'compute-1')

    assert result.status == 'error'
    assert result.said('Cannot reach the lock backend nosuchdriver://'
                       'admin:***@127.0.0.1:1'), result.messages
    assert not any(SECRET in m for m in result.messages)
    assert SECRET not in caplog.text
