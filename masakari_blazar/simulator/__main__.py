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

"""``python -m masakari_blazar.simulator``: serve a scenario until Ctrl-C."""

import argparse
import json
import sys
import threading

from masakari_blazar.simulator import cloud as cloud_mod
from masakari_blazar.simulator import scenario as scenario_mod


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog='python -m masakari_blazar.simulator',
        description='Serve a simulated Keystone, Nova, Placement and '
                    'Blazar.')
    parser.add_argument('--scenario', default='basic',
                        help='a shipped scenario (%s) or a YAML/JSON path'
                        % ', '.join(scenario_mod.available()))
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--port', type=int, default=0,
                        help='0 picks a free port')
    args = parser.parse_args(argv)
    try:
        cloud = cloud_mod.SimulatedCloud(args.scenario)
    except scenario_mod.ScenarioError as exc:
        parser.exit(2, '%s: error: %s\n' % (parser.prog, exc))
    cloud.start(args.host, args.port)
    print('Simulated cloud (scenario %s) serving.' % args.scenario)
    print('auth_url: %s' % cloud.auth_url)
    print('credentials: %s' % json.dumps(cloud.credentials, indent=2))
    sys.stdout.flush()
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        cloud.stop()
    return 0


if __name__ == '__main__':
    sys.exit(main())
