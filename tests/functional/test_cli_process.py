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

"""The installed ``masakari-blazar`` script against ``cli.run`` in-process.

The other command tests run ``main()`` in the test process, which is only
worth what it tells about the command operators run.  Here each command
runs both ways, the script in an interpreter of its own with Python's
default warning filters, as from an operator's shell: exit status, stdout
and stderr must be the same, so that no traceback, warning or state of the
test process separates the two.  ``recover`` and ``demo`` always run as a
process (see ``cli.run``).
"""

import os
import shutil
import subprocess
import sys

import pytest

from tests.functional import cli


def console_script(*args):
    script = shutil.which('masakari-blazar',
                          path=os.path.dirname(sys.executable))
    if script is None:
        pytest.skip('the masakari-blazar script is not installed')
    env = {k: v for k, v in os.environ.items() if k != 'PYTHONWARNINGS'}
    return subprocess.run([script] + list(args), capture_output=True,
                          text=True, timeout=120, env=env)


def assert_same(*args):
    here = cli.run_here(*args)
    process = console_script(*args)
    assert (process.returncode, process.stdout, process.stderr) == (
        here.returncode, here.stdout, here.stderr)
    return process


# The arguments after --config-file, the segment's recovery_method, and
# the exit status and a line of the output expected.
COMMANDS = [
    (('pool', 'status'), 'auto', 3,
     'WARNING: only 2 free spare(s), below [masakari_blazar] pool_min_size '
     '(3)'),
    (('plan', 'compute-1'), 'rh_priority', 0, 'Nothing was changed.'),
    (('return', 'compute-2'), 'auto', 1,
     'masakari-blazar: error: compute-2 still holds 1 server(s) (ha-vm-3); '
     'a spare must be empty: migrate or delete them first'),
    # Without a Masakari API to ask (serving one would need a process for
    # the command, see cli.run), check and sync-reserved say so.
    (('check',), 'reserved_host', 1,
     'ERROR: Masakari call "GET /segments" failed: no Masakari '
     '(instance-ha) endpoint in the Keystone catalog; set [masakari] '
     'endpoint_override, or check [masakari] interface and region_name'),
    (('replenish', '--dry-run'), 'auto', 1,
     'masakari-blazar: error: The spare pool stays 1 below pool_min_size '
     '(3): Blazar has no other host'),
    (('sync-reserved', '--dry-run'), 'reserved_host', 1,
     'masakari-blazar: error: Masakari call "GET /segments" failed: no '
     'Masakari (instance-ha) endpoint in the Keystone catalog; set '
     '[masakari] endpoint_override, or check [masakari] interface and '
     'region_name'),
]


@pytest.mark.parametrize('args,method,status,line', COMMANDS,
                         ids=[c[0][0] for c in COMMANDS])
def test_each_command_runs_the_same_as_a_process(
        runner, tmp_path, args, method, status, line):
    cloud = runner.cloud('basic')
    runner.prepare(cloud, method=method, reserved=('spare-1',))
    conf = cli.write_conf(tmp_path, runner, cloud, plugin='pool_min_size = 3',
                          tail=cli.FLOWS)

    done = assert_same('--config-file', conf, *args)

    assert done.returncode == status, done.stderr
    assert line in (done.stdout + done.stderr).splitlines()


def test_a_bad_option_value_is_the_same_one_line(tmp_path):
    conf = tmp_path / 'bad.conf'
    conf.write_text('[masakari_blazar]\nno_spare_action = sometimes\n')

    done = assert_same('--config-file', str(conf), 'pool', 'status')

    assert done.returncode == 2
    [line] = done.stderr.splitlines()
    assert line.startswith('masakari-blazar: configuration error: ')
    assert 'no_spare_action' in line


def test_help_is_the_same():
    done = assert_same('--help')

    assert done.returncode == 0
    assert 'sync-reserved' in done.stdout
