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

"""The simulated cloud standing in a catalog with a real masakari-api.

Masakari's clients (python-masakariclient's ``openstack segment ...``,
openstacksdk's instance-ha proxy, ``masakari-blazar recover``) find
masakari-api in the Keystone catalog only, so a deployment beside the
simulated cloud needs it listed there (tools/deploy_tier).
"""

import json
import subprocess
import sys

from keystoneauth1 import exceptions as ks_exceptions
from keystoneauth1 import loading
from keystoneauth1 import session as ks_session
import openstack
import pytest

MASAKARI_URL = 'http://127.0.0.1:15868/v1'


def _session(credentials):
    auth = loading.get_plugin_loader('password').load_from_options(
        **credentials)
    return ks_session.Session(auth=auth)


def test_the_catalog_lists_the_given_masakari_api(sim_cloud_factory):
    cloud = sim_cloud_factory('basic', masakari_url=MASAKARI_URL)
    conn = openstack.connect(
        auth=dict(cloud.credentials), auth_type='password',
        region_name='RegionOne', interface='public')
    # The endpoint openstacksdk's instance-ha proxy (python-masakariclient's
    # client) will call.
    assert conn.endpoint_for('instance-ha') == MASAKARI_URL
    assert _session(cloud.credentials).get_endpoint(
        service_type='instance-ha', interface='internal') == MASAKARI_URL


def test_no_masakari_api_is_listed_by_default(sim_cloud):
    with pytest.raises(ks_exceptions.EndpointNotFound):
        _session(sim_cloud.credentials).get_endpoint(
            service_type='instance-ha', interface='public')


def test_the_command_line_lists_it(tmp_path):
    """``python -m masakari_blazar.simulator --masakari-url URL``."""
    served = subprocess.Popen(
        [sys.executable, '-m', 'masakari_blazar.simulator',
         '--masakari-url', MASAKARI_URL],
        stdout=subprocess.PIPE, text=True, cwd=str(tmp_path))
    try:
        lines = {}
        while 'credentials' not in lines:
            line = served.stdout.readline()
            assert line, 'the simulator exited with %s' % served.wait()
            key, _, value = line.partition(': ')
            lines[key] = value
        credentials = lines['credentials']
        while not credentials.startswith('}', credentials.rfind('\n', 0, -1)
                                         + 1):
            credentials += served.stdout.readline()
        assert lines['instance-ha'].strip() == MASAKARI_URL
        assert _session(json.loads(credentials)).get_endpoint(
            service_type='instance-ha', interface='public') == MASAKARI_URL
    finally:
        served.terminate()
        served.wait(timeout=10)
