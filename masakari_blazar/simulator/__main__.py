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
        description='Serve a simulated Keystone, Nova, Placement, '
                    'Blazar and Ironic.')
    parser.add_argument('--scenario', default='basic',
                        help='a shipped scenario (%s) or a YAML/JSON path'
                        % ', '.join(scenario_mod.available()))
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--port', type=int, default=0,
                        help='0 picks a free port')
    parser.add_argument('--masakari-url', metavar='URL',
                        help='list this masakari-api (e.g. '
                        'http://127.0.0.1:15868/v1) in the Keystone catalog '
                        'as the instance-ha service, for Masakari\'s clients '
                        'and "masakari-blazar recover"; the setting '
                        'masakari_url')
    args = parser.parse_args(argv)
    settings = {}
    if args.masakari_url:
        settings['masakari_url'] = args.masakari_url
    try:
        cloud = cloud_mod.SimulatedCloud(args.scenario, **settings)
    except scenario_mod.ScenarioError as exc:
        parser.exit(2, '%s: error: %s\n' % (parser.prog, exc))
    cloud.start(args.host, args.port)
    print('Simulated cloud (scenario %s) serving.' % args.scenario)
    print('auth_url: %s' % cloud.auth_url)
    if cloud.config['masakari_url']:
        print('instance-ha: %s' % cloud.config['masakari_url'])
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
