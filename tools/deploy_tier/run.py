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

"""The deployment tier: the operator's deployment, end to end, one command.

    run.py [PYTEST ARGS]   start RabbitMQ, the simulated cloud, masakari-api
                           and masakari-engine, and run tests/deploy against
                           them (the tests start and stop the services)
    run.py --serve         start them, print the endpoints and the config
                           files, wait for Ctrl-C

Run it with the Python that has masakari-blazar, Masakari 22,
python-masakariclient, python-openstackclient and keystonemiddleware
(``tox -e functional-deploy`` does), on a machine with Debian's
rabbitmq-server installed.  The logs of each run go to
``--base``/runs/<time>/.
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

from tools.deploy_tier import harness  # noqa: E402
from tools.real_services import harness as real_harness  # noqa: E402

RUN_ENV = 'MASAKARI_BLAZAR_DEPLOY_RUN'


def _parse(argv):
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split('\n', 2)[2])
    parser.add_argument('--serve', action='store_true',
                        help='serve until Ctrl-C instead of testing')
    parser.add_argument('--base', default=os.path.join(
        REPO, '.tox', 'deploy-tier'),
        help='where the run logs go (default: %(default)s)')
    options, options.pytest_args = parser.parse_known_args(argv)
    return options


def _test(options, run_dir):
    args = [a for a in options.pytest_args if a != '--']
    if not any(os.path.exists(os.path.join(REPO, a.split('::')[0]))
               for a in args if not a.startswith('-')):
        args.append('tests/deploy')
    # A hung step fails its test instead of stalling the run; the first
    # test's time includes starting the deployment.
    command = [sys.executable, '-m', 'pytest', '-m', 'deploy',
               '-p', 'no:cacheprovider', '--timeout', '300'] + args
    print('=== %s' % ' '.join(command), flush=True)
    try:
        return subprocess.call(command, cwd=REPO,
                               env=dict(os.environ, **{RUN_ENV: run_dir}))
    except KeyboardInterrupt:
        return 130


def _serve(run_dir):
    with harness.Deployment(run_dir) as deployment:
        print(json.dumps(deployment.description(), indent=2))
        print('=== serving; Ctrl-C stops everything', flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return 0


def main(argv=None):
    options = _parse(sys.argv[1:] if argv is None else argv)
    run_dir = real_harness.new_run_dir(options.base)
    started = time.monotonic()
    try:
        return _serve(run_dir) if options.serve else _test(options, run_dir)
    finally:
        real_harness.stop_recorded(run_dir)
        real_harness.print_logs(run_dir)
        print('=== deployment tier: %.0f s' % (time.monotonic() - started))


if __name__ == '__main__':
    sys.exit(main())
