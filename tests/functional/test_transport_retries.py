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

"""keystoneauth's retries, as ``[blazar]`` and ``[nova]`` set them.

keystoneauth retries one request (``connect_retries``,
``status_code_retries``); the plugin's caller retries one API call
(``api_retries``), and each of its attempts runs keystoneauth's retries
again.
"""

from oslo_config import cfg
import pytest

from masakari_blazar.cloud import clients as mb_clients
from masakari_blazar.cloud import inventory
from masakari_blazar import conf as mb_conf
from masakari_blazar import exceptions
from masakari_blazar.local import engine as local_engine

LEASES = ('blazar', 'GET', r'/leases$')
AGGREGATES = ('nova', 'GET', r'/os-aggregates$')


def _inventory(cloud, api_retries=0, **groups):
    """The plugin's reads of ``cloud``, with ``{group: {option: value}}``."""
    conf = cfg.ConfigOpts()
    mb_conf.register_opts(conf)
    conf([], default_config_files=[], default_config_dirs=[])
    local_engine.set_credentials(conf, cloud.credentials)
    conf.set_override('api_retries', api_retries, group=mb_conf.PLUGIN_GROUP)
    conf.set_override('api_retry_delay', 0.01, group=mb_conf.PLUGIN_GROUP)
    for group, options in groups.items():
        for name, value in options.items():
            conf.set_override(name, value, group=group)
    return inventory.Inventory(mb_clients.Clients(conf), conf)


def _tries(cloud, service, method, path):
    return [status for s, m, p, status in cloud.request_log
            if (s, m) == (service, method) and p.endswith(path.rstrip('$'))]


@pytest.fixture
def cloud(sim_cloud_factory):
    return sim_cloud_factory('basic')


def test_status_code_retries_retry_a_503_within_one_call(cloud):
    cloud.faults.add(*LEASES, kind='503', count=1)
    reads = _inventory(cloud, blazar={'status_code_retries': 1,
                                      'status_code_retry_delay': 0.01})

    assert [lease['name'] for lease in reads.leases()]
    assert _tries(cloud, *LEASES) == [503, 200]


def test_connect_retries_retry_a_dropped_connection(cloud):
    cloud.faults.add(*AGGREGATES, kind='drop', count=1)
    reads = _inventory(cloud, nova={'connect_retries': 1,
                                    'connect_retry_delay': 0.01})

    assert reads.aggregates()
    assert _tries(cloud, *AGGREGATES) == ['drop', 200]


def test_without_them_the_same_fault_fails_the_call(cloud):
    cloud.faults.add(*LEASES, kind='503', count=1)
    cloud.faults.add(*AGGREGATES, kind='drop', count=1)
    reads = _inventory(cloud)

    with pytest.raises(exceptions.ApiError, match='HTTP 503'):
        reads.leases()
    with pytest.raises(exceptions.ApiError, match='GET /os-aggregates'):
        reads.aggregates()


@pytest.mark.parametrize('faults,ends', [(3, 200), (4, 503)])
def test_each_plugin_retry_runs_keystoneauths_retries_again(cloud, faults,
                                                            ends):
    """(api_retries + 1) x (status_code_retries + 1) requests at most."""
    cloud.faults.add(*LEASES, kind='503', count=faults)
    reads = _inventory(cloud, api_retries=1,
                       blazar={'status_code_retries': 1,
                               'status_code_retry_delay': 0.01})

    if ends == 200:
        reads.leases()
    else:
        with pytest.raises(exceptions.ApiError):
            reads.leases()
    assert _tries(cloud, *LEASES) == [503] * min(faults, 4) + (
        [200] if ends == 200 else [])
