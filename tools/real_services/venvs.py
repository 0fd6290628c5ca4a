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

"""The virtualenvs of real Nova and real Blazar, installed from PyPI.

Each service gets a virtualenv of its own: Nova and Masakari cannot be
imported into one process (DuplicateOptError on ``pybasedir``), and Nova's
and Blazar's pins differ.  A virtualenv is reused while its requirement
list is unchanged (a stamp file holds the list), and pip keeps its wheel
cache (``~/.cache/pip`` unless ``PIP_CACHE_DIR`` says otherwise), so a
second install on the same machine downloads nothing.
"""

import hashlib
import json
import os
import subprocess
import sys
import time

# Nova's functional-test fixtures need its test dependencies; SQLAlchemy
# 2.1 deprecation warnings become API 500s under Nova's WarningsFixture.
NOVA = ('nova>=34,<35', 'openstack-placement>=16,<17', 'blazar-nova==10.0.0',
        'oslotest', 'wsgi-intercept', 'testtools', 'requests-mock', 'ddt',
        'stestr', 'fixtures', 'SQLAlchemy<2.1')
BLAZAR = ('blazar==18.0.0', 'SQLAlchemy<2.1')
VENVS = {'nova': NOVA, 'blazar': BLAZAR}


def python(base, name):
    return os.path.join(base, name, 'bin', 'python')


def _stamp(requirements):
    text = json.dumps([sys.version_info[:2], list(requirements)])
    return hashlib.sha256(text.encode()).hexdigest()


def _ready(path, requirements):
    try:
        with open(os.path.join(path, '.requirements')) as stream:
            return stream.read() == _stamp(requirements)
    except OSError:
        return False


def _start_install(path, requirements, log):
    """Create the virtualenv and start pip in the background."""
    subprocess.run([sys.executable, '-m', 'venv', '--clear', path],
                   check=True, stdout=log, stderr=subprocess.STDOUT)
    return subprocess.Popen(
        [os.path.join(path, 'bin', 'python'), '-m', 'pip', 'install',
         '--disable-pip-version-check', '--progress-bar', 'off']
        + list(requirements), stdout=log, stderr=subprocess.STDOUT)


def ensure(base, log_dir, names=tuple(VENVS)):
    """Install the missing virtualenvs, in parallel; returns seconds taken.

    :raises RuntimeError: naming the pip log, if an install fails.
    """
    started = time.monotonic()
    running = {}
    for name in names:
        path = os.path.join(base, name)
        if _ready(path, VENVS[name]):
            continue
        log_path = os.path.join(log_dir, 'install-%s.log' % name)
        log = open(log_path, 'w')
        print('installing %s into %s (log: %s)' % (name, path, log_path),
              flush=True)
        running[name] = (_start_install(path, VENVS[name], log), log,
                         log_path)
    failed = []
    for name, (proc, log, log_path) in running.items():
        if proc.wait() != 0:
            failed.append('%s (see %s)' % (name, log_path))
        else:
            _finish(os.path.join(base, name), VENVS[name])
        log.close()
    if failed:
        raise RuntimeError('pip install failed for ' + ', '.join(failed))
    return time.monotonic() - started


def _finish(path, requirements):
    with open(os.path.join(path, '.requirements'), 'w') as stream:
        stream.write(_stamp(requirements))
