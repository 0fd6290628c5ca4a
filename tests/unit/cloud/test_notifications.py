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
"""The spares' notifications, sent through oslo.messaging's test driver.

The ``test`` driver is oslo.messaging's own, which keeps what a real
driver would send in memory, after the notifier has serialised it.
"""

from oslo_config import cfg
import oslo_messaging
from oslo_messaging.notify import _impl_test
import pytest

from masakari_blazar.cloud import notifications


@pytest.fixture
def sent():
    _impl_test.reset()
    yield _impl_test.NOTIFICATIONS
    _impl_test.reset()


def _conf(driver):
    conf = cfg.ConfigOpts()
    conf([], default_config_files=[], default_config_dirs=[])
    conf.register_opts([cfg.StrOpt('host', default='engine-1')])
    # As masakari-engine has them: oslo.messaging registers its options
    # when a transport is first made.
    oslo_messaging.get_notification_transport(conf, url='fake:/')
    conf.set_override('transport_url', 'fake:/')
    conf.set_override('driver', driver, group='oslo_messaging_notifications')
    return notifications.SpareNotifier(conf)


def test_a_claim_is_a_versioned_notification(sent):
    _conf(['test']).spare(notifications.CLAIMED, 'spare-1',
                          lease='masakari-spare-spare-1',
                          notification_uuid='n-1')
    ((ctxt, message, priority, retry),) = sent
    assert priority == 'INFO'
    assert message['event_type'] == 'masakari_blazar.spare.claimed'
    assert message['publisher_id'] == 'masakari-blazar:engine-1'
    assert message['payload'] == {
        'masakari_blazar_object.name': 'SparePayload',
        'masakari_blazar_object.namespace': 'masakari_blazar',
        'masakari_blazar_object.version': '1.0',
        'masakari_blazar_object.data': {
            'hostname': 'spare-1', 'lease': 'masakari-spare-spare-1',
            'notification_uuid': 'n-1', 'power_state': None}}


def test_too_few_warm_spares_is_a_warning(sent):
    _conf(['test']).warm_below(1, 3, 2)
    ((ctxt, message, priority, retry),) = sent
    assert priority == 'WARN'
    assert message['event_type'] == 'masakari_blazar.pool.warm_below_count'
    assert message['payload']['masakari_blazar_object.data'] == {
        'warm': 1, 'cold': 3, 'warm_spares': 2}


def test_nothing_is_sent_without_a_driver(sent):
    _conf([]).spare(notifications.COOLED, 'spare-1')
    assert sent == []


def test_a_notification_that_cannot_be_sent_is_only_logged(sent, caplog):
    notifier = _conf(['test'])
    notifier._get().info = _refuse
    notifier.spare(notifications.WARMED, 'spare-1')
    assert 'Could not send notification masakari_blazar.spare.warmed: the ' \
        'broker is gone' in caplog.text


def _refuse(*args, **kwargs):
    raise ConnectionError('the broker is gone')
