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

"""The deployment of tools/deploy_tier, started once for the session.

The tests need RabbitMQ, Masakari's services and their clients, which
``tools/deploy_tier/run.py`` (``tox -e functional-deploy``) provides; it
says where this run's logs go.  Elsewhere, in ``tox -e py3`` for instance,
they are skipped.
"""

import os

import pytest

from tools.deploy_tier import harness

RUN_ENV = 'MASAKARI_BLAZAR_DEPLOY_RUN'


def pytest_configure(config):
    config.addinivalue_line(
        'markers', 'deploy: needs the deployment of tools/deploy_tier '
        '(run through tools/deploy_tier/run.py)')


def pytest_collection_modifyitems(config, items):
    if os.environ.get(RUN_ENV):
        return
    skip = pytest.mark.skip(reason='deployment tier: run '
                            'tools/deploy_tier/run.py '
                            '(tox -e functional-deploy)')
    for item in items:
        if 'deploy' in item.keywords:
            item.add_marker(skip)


def pytest_report_header(config):
    if os.environ.get(RUN_ENV):
        return 'deployment tier: logs in %s' % os.environ[RUN_ENV]


@pytest.fixture(scope='session')
def deployment():
    """RabbitMQ, the cloud, masakari-api and masakari-engine, running."""
    with harness.Deployment(os.environ[RUN_ENV]) as running:
        yield running
