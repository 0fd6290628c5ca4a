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

"""The real services for the ``real`` tests, started by this session.

The tests need the virtualenvs that ``tools/real_services/run.py``
installs; run them through that script (``tox -e functional-real``), which
says where they are.  Elsewhere, in ``tox -e py3`` for instance, they are
skipped.
"""

import json
import logging
import os

import pytest

from masakari_blazar.local import engine as local_engine
from tests.real import real_cloud
from tools.real_services import harness as harness_mod

BASE_ENV = 'MASAKARI_BLAZAR_REAL_BASE'
RUN_ENV = 'MASAKARI_BLAZAR_REAL_RUN'


def pytest_configure(config):
    config.addinivalue_line(
        'markers', 'real: needs the real services of tools/real_services '
        '(run through tools/real_services/run.py test)')


def pytest_collection_modifyitems(config, items):
    if os.environ.get(BASE_ENV):
        return
    skip = pytest.mark.skip(reason='real services: run '
                            'tools/real_services/run.py test '
                            '(tox -e functional-real)')
    for item in items:
        if 'real' in item.keywords:
            item.add_marker(skip)


def pytest_report_header(config):
    if os.environ.get(RUN_ENV):
        return 'real services: logs in %s' % os.environ[RUN_ENV]


@pytest.fixture(scope='session')
def services():
    """Keystone, Nova and Blazar, stopped at the end of the session."""
    run_dir = os.environ[RUN_ENV]
    handler = logging.FileHandler(os.path.join(run_dir, 'masakari.log'))
    handler.setFormatter(logging.Formatter(
        '%(asctime)s %(levelname)s %(name)s %(message)s'))
    for name in ('masakari', 'masakari_blazar', 'taskflow'):
        logging.getLogger(name).addHandler(handler)
        logging.getLogger(name).setLevel(logging.INFO)
    harness = harness_mod.Harness(os.environ[BASE_ENV], run_dir)
    try:
        harness.start()
        yield harness
    finally:
        harness.stop()


@pytest.fixture(scope='session')
def engine():
    """The real Masakari engine, in this process, on sqlite."""
    return local_engine.get_engine(os.path.join(os.environ[RUN_ENV],
                                                'masakari'))


@pytest.fixture
def real(services):
    """Build a scenario on Nova and Blazar with empty databases."""
    def build(spec, blazar_args=()):
        if getattr(services, 'used', False) or blazar_args:
            services.reset(blazar_args)
        services.used = True
        return real_cloud.RealCloud(services.description()).build(spec)
    return build


FIDELITY = []


@pytest.fixture(scope='session')
def fidelity():
    """Where each cross-check records its figures, for the summary."""
    return FIDELITY


def pytest_terminal_summary(terminalreporter):
    if not FIDELITY:
        return
    fields = sum(entry['fields'] for entry in FIDELITY)
    differences = sum(len(entry['differences']) for entry in FIDELITY)
    terminalreporter.write_sep('=', 'fidelity cross-check')
    for entry in FIDELITY:
        terminalreporter.write_line('%-45s %4d fields, %d differences' % (
            entry['scenario'], entry['fields'], len(entry['differences'])))
        for line in entry['differences']:
            terminalreporter.write_line('    ' + line)
    terminalreporter.write_line(
        'fidelity: %d scenarios, %d fields compared, %d differences' % (
            len(FIDELITY), fields, differences))
    run_dir = os.environ.get(RUN_ENV)
    if run_dir:
        with open(os.path.join(run_dir, 'fidelity.json'), 'w') as stream:
            json.dump(FIDELITY, stream, indent=2, sort_keys=True)
