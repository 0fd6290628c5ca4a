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

"""The clients the tasks of one notification share."""

from keystoneauth1 import loading as ks_loading

from masakari_blazar import conf as mb_conf
from masakari_blazar.tasks import shared_clients


def test_the_tasks_of_one_notification_share_its_clients(conf):
    first = shared_clients.for_notification(conf, 'n-1')

    assert shared_clients.for_notification(conf, 'n-1') is first
    assert shared_clients.for_notification(conf, 'n-2') is not first


def test_changed_options_give_new_clients(conf):
    first = shared_clients.for_notification(conf, 'n-3')
    conf.set_override('region_name', 'RegionTwo', mb_conf.NOVA_GROUP)

    again = shared_clients.for_notification(conf, 'n-3')

    assert again is not first
    assert shared_clients.for_notification(conf, 'n-3') is again


def test_only_the_latest_notifications_keep_their_clients(conf):
    oldest = shared_clients.for_notification(conf, 'n-old')
    for number in range(shared_clients.KEPT):
        shared_clients.for_notification(conf, 'n-new-%d' % number)

    assert shared_clients.for_notification(conf, 'n-old') is not oldest
    assert len(shared_clients._kept) == shared_clients.KEPT


def test_options_registered_by_loading_the_credentials_are_no_change(conf):
    conf.set_override('auth_type', 'password', mb_conf.BLAZAR_GROUP)
    first = shared_clients.for_notification(conf, 'n-4')
    # As keystoneauth's loading does, once the first task loads them.
    conf.register_opts(ks_loading.get_auth_plugin_conf_options('password'),
                       mb_conf.BLAZAR_GROUP)

    assert shared_clients.for_notification(conf, 'n-4') is first
