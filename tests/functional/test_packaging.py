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

"""The wheel operators install: its files, its dependencies, its imports.

masakari-blazar is not on PyPI; operators build a wheel from a checkout
(install.rst), so the wheel is built here the same way, from a copy of the
checkout, with the build tools of the test environment.
"""

import glob
import os
import shutil
import subprocess
import sys
import zipfile

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
DATA = 'etc/masakari-blazar'
SHIPPED = {
    'masakari-custom-recovery-methods.conf':
        'etc/masakari/masakari-custom-recovery-methods.conf',
    'masakari-blazar.conf.sample': 'etc/masakari/masakari-blazar.conf.sample',
}
# What only the simulated cloud needs (setup.cfg [extras] simulator).
SIMULATOR_ONLY = ('yaml', 'fixtures')


def _pip(*args, cwd=None):
    # Without git in the copy, pbr takes its version from PBR_VERSION.
    done = subprocess.run([sys.executable, '-m', 'pip'] + list(args) +
                          ['--no-deps', '--no-build-isolation', '-q',
                           '--disable-pip-version-check'],
                          cwd=cwd, capture_output=True, text=True,
                          timeout=300,
                          env=dict(os.environ, PBR_VERSION='0.0.1'))
    assert done.returncode == 0, done.stdout + done.stderr
    return done


@pytest.fixture(scope='module')
def wheel(tmp_path_factory):
    """The wheel built from a copy of the checkout; returns its path.

    The copy keeps the build's files out of the checkout.
    """
    base = tmp_path_factory.mktemp('wheel')
    source = base / 'source'
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        '.git', '.tox', '.venv', 'build', 'dist', '*.egg-info', 'doc',
        '__pycache__', '.pytest_cache'))
    _pip('wheel', '-w', str(base / 'dist'), '.', cwd=str(source))
    built = glob.glob(str(base / 'dist' / 'masakari_blazar-*.whl'))
    assert len(built) == 1, built
    return built[0]


def _read(path):
    with open(os.path.join(ROOT, path), 'rb') as stream:
        return stream.read()


def test_the_wheel_ships_the_flows_and_the_sample_config(wheel):
    with zipfile.ZipFile(wheel) as archive:
        data = {name.split('.data/data/', 1)[1]: archive.read(name)
                for name in archive.namelist() if '.data/data/' in name}

    assert data == {'%s/%s' % (DATA, name): _read(source)
                    for name, source in SHIPPED.items()}


def test_the_files_land_in_etc_masakari_blazar_of_the_prefix(
        wheel, tmp_path):
    """Not etc/masakari, where Masakari's wheel puts its own flows file."""
    # --ignore-installed: otherwise pip uninstalls the package from the
    # environment running the tests before installing it into the prefix.
    _pip('install', '--ignore-installed', '--prefix', str(tmp_path), wheel)

    assert sorted(os.listdir(tmp_path / 'etc')) == ['masakari-blazar']
    assert sorted(os.listdir(tmp_path / DATA)) == sorted(SHIPPED)


def test_only_the_simulator_extra_needs_pyyaml_and_fixtures(wheel):
    with zipfile.ZipFile(wheel) as archive:
        metadata = archive.read(next(
            n for n in archive.namelist()
            if n.endswith('.dist-info/METADATA'))).decode()
    requires = [line.split(':', 1)[1].strip()
                for line in metadata.splitlines()
                if line.startswith('Requires-Dist:')]

    for project in ('PyYAML', 'fixtures'):
        mine = [r for r in requires if r.startswith(project)]
        assert mine and all('extra == "simulator"' in r for r in mine), mine
    assert 'Provides-Extra: simulator' in metadata.splitlines()


def _load_tasks(blocked):
    """Load the plugin's task entry points as masakari-engine does.

    The engine's own modules come first, as in masakari-engine, where they
    are loaded before any task (Masakari needs PyYAML itself, through
    oslo.policy); then ``blocked`` cannot be imported any more.
    """
    code = '\n'.join([
        'import sys',
        'from importlib import metadata',
        'import masakari.engine.manager',
        'for name in %r:' % (blocked,),
        '    sys.modules[name] = None',
        'for point in metadata.entry_points(',
        '        group="masakari.task_flow.tasks"):',
        '    if point.value.startswith("masakari_blazar."):',
        '        point.load()',
        '        print(point.name)',
    ])
    return subprocess.run([sys.executable, '-c', code], capture_output=True,
                          text=True, timeout=120,
                          env=dict(os.environ, PYTHONWARNINGS='ignore'))


def test_the_engine_loads_the_tasks_without_the_simulator_s_deps():
    done = _load_tasks(SIMULATOR_ONLY)

    assert done.returncode == 0, done.stderr
    assert sorted(done.stdout.split()) == [
        'blazar_claim_spare_task', 'blazar_disable_compute_service_task',
        'blazar_evacuate_instances_task', 'blazar_prepare_spare_task']


def test_blocking_an_import_the_tasks_need_is_seen():
    """The check above would catch a task that needs a blocked module."""
    done = _load_tasks(('masakari_blazar.decisions.planner',))

    assert done.returncode != 0
    assert 'masakari_blazar.decisions.planner' in done.stderr
