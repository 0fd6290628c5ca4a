#!/usr/bin/env python3
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

"""Real Nova, Placement, Blazar and Masakari around the plugin: one command.

    run.py test [PYTEST ARGS]   install, then run the ``real`` tests
                                (tests/real), which start, reset and stop
                                the services themselves
    run.py serve                install, start everything, print the
                                endpoints and logs, wait for Ctrl-C
    run.py install              only install the virtualenvs

Run it with the Python that has masakari-blazar and Masakari installed
(``tox -e functional-real`` does): the Masakari engine runs in that
process, and the Keystone stand-in comes from the project.  Nova and
Blazar get virtualenvs of their own under ``--base``.
"""

import argparse
import json
import os
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, REPO)

from tools.real_services import harness  # noqa: E402
from tools.real_services import venvs  # noqa: E402

BASE_ENV = 'MASAKARI_BLAZAR_REAL_BASE'
RUN_ENV = 'MASAKARI_BLAZAR_REAL_RUN'


def _parse(argv):
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split('\n', 2)[2])
    parser.add_argument('command', choices=('test', 'serve', 'install'))
    parser.add_argument('--base', default=os.path.join(
        REPO, '.tox', 'real-services'),
        help='where the virtualenvs and run logs go (default: %(default)s)')
    options, options.pytest_args = parser.parse_known_args(argv)
    return options


def _test(options, run_dir):
    args = [a for a in options.pytest_args if a != '--']
    if not any(os.path.exists(os.path.join(REPO, a.split('::')[0]))
               for a in args if not a.startswith('-')):
        args.append('tests/real')
    env = dict(os.environ, **{BASE_ENV: options.base, RUN_ENV: run_dir})
    command = [sys.executable, '-m', 'pytest', '-m', 'real',
               '-p', 'no:cacheprovider'] + args
    print('=== %s' % ' '.join(command), flush=True)
    started = time.monotonic()
    try:
        rc = subprocess.call(command, cwd=REPO, env=env)
    except KeyboardInterrupt:
        rc = 130
    print('=== tests: %.0f s' % (time.monotonic() - started))
    return rc


def _serve(options, run_dir):
    with harness.Harness(options.base, run_dir) as services:
        print(json.dumps(services.description(), indent=2))
        print('=== serving; Ctrl-C stops everything', flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return 0


def main(argv=None):
    options = _parse(sys.argv[1:] if argv is None else argv)
    os.makedirs(options.base, exist_ok=True)
    run_dir = harness.new_run_dir(options.base)
    started = time.monotonic()
    try:
        took = venvs.ensure(options.base, run_dir)
        print('=== virtualenvs ready in %.0f s (%s)' % (took, options.base),
              flush=True)
        if options.command == 'install':
            return 0
        if options.command == 'serve':
            return _serve(options, run_dir)
        return _test(options, run_dir)
    finally:
        harness.stop_recorded(run_dir)
        harness.print_logs(run_dir)
        print('=== real-services run: %.0f s' % (time.monotonic() - started))


if __name__ == '__main__':
    sys.exit(main())
