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

"""A bad scenario given to the demo or the simulator: one line, no trace.

These run the real processes, since a traceback is what a process prints.
"""

import os
import subprocess
import sys

import pytest

BAD = {
    'yaml': ('hosts:\n  - name: [compute-1\n', 'not valid YAML'),
    'type': ('hosts:\n  - name: compute-1\n    vcpus: abc\n',
             "hosts[0].vcpus: 'abc' is not of type 'integer'"),
    'flavor': ('hosts:\n  - name: compute-1\nservers:\n  - name: vm\n'
               '    host: compute-1\n    flavor: m1.huge\n',
               "servers[0].flavor: unknown flavor 'm1.huge'"),
}


def _run(*args):
    env = dict(os.environ, PYTHONWARNINGS='ignore')
    return subprocess.run([sys.executable, '-m'] + list(args),
                          capture_output=True, text=True, timeout=120,
                          env=env)


@pytest.mark.parametrize('case', sorted(BAD))
@pytest.mark.parametrize('command', ['demo', 'simulator'])
def test_a_bad_scenario_ends_in_one_line(tmp_path, case, command):
    text, expected = BAD[case]
    path = tmp_path / ('%s.yaml' % case)
    path.write_text(text)
    if command == 'demo':
        done = _run('masakari_blazar.cmd.cli', 'demo', '--scenario',
                    str(path))
        prefix = 'masakari-blazar: error: scenario %s: ' % path
    else:
        done = _run('masakari_blazar.simulator', '--scenario', str(path))
        prefix = ('python -m masakari_blazar.simulator: error: scenario '
                  '%s: ' % path)
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(prefix), lines[0]
    assert expected in lines[0]
    assert 'Traceback' not in done.stdout + done.stderr
