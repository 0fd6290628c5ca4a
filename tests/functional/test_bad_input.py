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

"""Bad input, each case: one line naming what to fix, and nothing changed.

Each case runs the real ``masakari-blazar`` process, as an operator would,
against a simulated deployment, and checks what an operator sees: a
non-zero exit, exactly one line on stderr that names the option, argument
or call to fix, no traceback, no log record, and the whole simulated cloud
as it was before.
"""

import os
import re
import subprocess
import sys

import pytest

from tests.functional import cli

EVIL = 'no-such\n[EvacuateInstancesTask] forged\x1b[2J'
EVIL_SHOWN = 'no-such\\n[EvacuateInstancesTask] forged\\x1b[2J'


@pytest.fixture
def deployment(runner):
    cloud = runner.cloud('basic')
    runner.prepare(cloud)
    return cloud


def _file(tmp_path, name, text=''):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


# (id, [blazar] lines, [masakari_blazar] lines, argv after the config
# file, what the line must say).  ``{tmp}`` is the test's directory.
CASES = [
    ('plan-unknown-host-escaped', '', '', ['plan', EVIL],
     'unknown host %s: Nova has no nova-compute service' % EVIL_SHOWN),
    ('return-unknown-host-escaped', '', '', ['return', EVIL],
     'unknown host %s' % EVIL_SHOWN),
    ('recover-unknown-host-escaped', '', '', ['recover', '--local', EVIL],
     'unknown host %s' % EVIL_SHOWN),
    ('lock-path-is-a-file', '', 'lock_path = {tmp}/a-file\n',
     ['return', 'spare-1'],
     '[masakari_blazar] lock_path {tmp}/a-file cannot hold the claim lock'),
    ('lock-path-under-a-file', '', 'lock_path = {tmp}/a-file/locks\n',
     ['replenish'],
     '[masakari_blazar] lock_path {tmp}/a-file/locks cannot hold the claim '
     'lock'),
    ('lock-url-unknown-driver-masked', '',
     'lock_url = nosuchdriver://admin:Sekrit@127.0.0.1:1\n',
     ['replenish'],
     'Cannot reach the lock backend nosuchdriver://admin:***@127.0.0.1:1'),
    ('foreign-spare-project', '', 'spare_project_id = {service}\n',
     ['plan', 'compute-1'],
     '[masakari_blazar] spare_project_id {service} is not the project of '
     'the [blazar] credentials'),
    ('workdir-is-a-file', '', '', ['recover', '--local', '--workdir',
                                   '{tmp}/a-file', 'compute-1'],
     '--workdir {tmp}/a-file cannot hold the local engine\'s database'),
    ('auth-url-closed-port', 'auth_url = http://127.0.0.1:1/identity\n', '',
     ['pool', 'status'],
     'Keystone cannot be reached'),
    ('spare-lease-days-too-large', '', 'spare_lease_days = 99999999\n',
     ['return', 'spare-1'], '[masakari_blazar] spare_lease_days: '),
    ('claim-aggregate-empty', '', 'claim_aggregate =\n', ['pool', 'status'],
     '[masakari_blazar] claim_aggregate: '),
    ('evacuation-concurrency-zero', '', 'evacuation_concurrency = 0\n',
     ['recover', '--local', 'compute-1'],
     '[masakari_blazar] evacuation_concurrency: '),
    ('lock-timeout-zero', '', 'lock_timeout = 0\n', ['replenish'],
     '[masakari_blazar] lock_timeout: '),
    ('demo-scenario-missing', '', '',
     ['demo', '--scenario', '{tmp}/none.yaml'],
     "Unknown scenario '{tmp}/none.yaml'"),
    ('demo-scenario-not-yaml', '', '',
     ['demo', '--scenario', '{tmp}/bad.yaml'],
     'scenario {tmp}/bad.yaml: not valid YAML'),
    ('demo-scenario-wrong-type', '', '', ['demo', '--scenario',
                                          '{tmp}/abc.yaml'],
     "scenario {tmp}/abc.yaml: hosts[0].vcpus: 'abc' is not of type"),
    ('demo-scenario-unknown-flavor', '', '', ['demo', '--scenario',
                                              '{tmp}/flavor.yaml'],
     "scenario {tmp}/flavor.yaml: servers[0].flavor: unknown flavor"),
    ('demo-scenario-overcommitted', '', '', ['demo', '--scenario',
                                             '{tmp}/full.yaml'],
     'scenario {tmp}/full.yaml: hosts[compute-1]: its servers need 3 VCPU, '
     'more than the 2 it has'),
    ('password-missing', '', '', ['pool', 'status'],
     '[blazar] password is not set'),
    ('password-missing-plan', '', '', ['plan', 'compute-1'],
     '[blazar] password is not set'),
    ('password-missing-return', '', '', ['return', 'spare-1'],
     '[blazar] password is not set'),
    ('password-missing-replenish', '', '', ['replenish'],
     '[blazar] password is not set'),
    ('password-missing-recover-local', '', '',
     ['recover', '--local', 'compute-1'], '[blazar] password is not set'),
    ('username-missing', '', '', ['pool', 'status'],
     '[blazar] username (or user_id) is not set'),
    ('project-name-missing', '', '', ['pool', 'status'],
     '[blazar] project_name (or project_id, or a domain or system scope) '
     'is not set'),
    ('auth-url-missing', '', '', ['pool', 'status'],
     'requires parameters which were not given: auth_url'),
    ('auth-type-unknown', 'auth_type = nosuch\n', '', ['pool', 'status'],
     'Cannot load the [blazar] credentials: The plugin nosuch'),
    ('password-wrong', 'password = Sekrit\n', '', ['pool', 'status'],
     'check the credentials in the [blazar] section'),
    ('region-unknown', 'region_name = nowhere\n', '', ['pool', 'status'],
     'check the service_type, interface and region_name options'),
    ('service-type-unknown', 'service_type = nosuch\n', '',
     ['pool', 'status'],
     'check the service_type, interface and region_name options'),
    ('auth-url-closed-port-recover',
     'auth_url = http://127.0.0.1:1/identity\n', '',
     ['recover', '--local', 'compute-1'], 'check [blazar] auth_url'),
    ('lock-url-closed-port', '', 'lock_url = redis://127.0.0.1:1\n',
     ['replenish'], 'check [masakari_blazar] lock_url'),
    ('api-retries-not-a-number', '', 'api_retries = abc\n',
     ['pool', 'status'], '[masakari_blazar] api_retries: '),
    ('pool-min-size-negative', '', 'pool_min_size = -1\n',
     ['pool', 'status'], '[masakari_blazar] pool_min_size: '),
    ('spare-lease-days-too-large-dry-run', '',
     'spare_lease_days = 99999999\n', ['return', '--dry-run', 'spare-1'],
     '[masakari_blazar] spare_lease_days: '),
    ('workdir-cannot-exist', '', '',
     ['recover', '--local', '--workdir', '/proc/none/x', 'compute-1'],
     '--workdir /proc/none/x cannot hold the local engine\'s database'),
    ('return-host-with-servers', '', '', ['return', 'compute-1'],
     'compute-1 still holds 3 server(s)'),
    ('recover-host-not-fenced', '', '',
     ['recover', '--local', 'compute-1'],
     'nova-compute on compute-1 is up'),
    ('blazar-503-on-lease-list', '', '', ['pool', 'status'],
     'Blazar call "GET /leases" failed'),
    ('blazar-503-on-lease-list-plan', '', '', ['plan', 'compute-1'],
     'Blazar call "GET /leases" failed'),
    ('auth-url-not-a-url', 'auth_url = not a url\n', '', ['pool', 'status'],
     '[blazar] auth_url not a url is not a URL'),
    ('command-unknown', '', '', ['nosuch'],
     "argument command: invalid choice: 'nosuch'"),
    ('plan-host-missing', '', '', ['plan'],
     'plan: the following arguments are required: HOST; see '
     '"masakari-blazar plan --help"'),
    ('pool-status-format-unknown', '', '', ['pool', 'status', '--format',
                                            'x'],
     "pool status: argument --format: invalid choice: 'x'"),
    ('recover-timeout-not-a-number', '', '',
     ['recover', '--timeout', 'soon', 'compute-1'],
     "recover: argument --timeout: invalid int value: 'soon'"),
    ('demo-host-unknown-escaped', '', '', ['demo', '--host', EVIL],
     'demo --host %s: the scenario demo has no such host' % EVIL_SHOWN),
    ('lock-url-closed-port-recover', '',
     'lock_url = redis://:Sekrit@127.0.0.1:1\n',
     ['recover', '--local', 'compute-1'],
     'Cannot reach the lock backend redis://:***@127.0.0.1:1'),
]

# [blazar] options left out of the file, by case.
DROPPED = {
    'password-missing': ['password'],
    'password-missing-plan': ['password'],
    'password-missing-return': ['password'],
    'password-missing-replenish': ['password'],
    'password-missing-recover-local': ['password'],
    'username-missing': ['username'],
    'project-name-missing': ['project_name'],
    'auth-url-missing': ['auth_url'],
}

# Faults the simulated cloud injects, by case: every answer fails.
FAULTS = {
    'blazar-503-on-lease-list': dict(service='blazar', method='GET',
                                     path=r'/leases', kind='503'),
    'blazar-503-on-lease-list-plan': dict(service='blazar', method='GET',
                                          path=r'/leases', kind='503'),
}

# Hosts fenced before the command runs, by case, as a monitor leaves them.
FENCED = {
    'lock-url-closed-port-recover': 'compute-1',
}

SCENARIOS = {
    'bad.yaml': 'hosts:\n  - name: [compute-1\n',
    'abc.yaml': 'hosts:\n  - name: compute-1\n    vcpus: abc\n',
    'flavor.yaml': ('hosts:\n  - name: compute-1\nservers:\n  - name: vm\n'
                    '    host: compute-1\n    flavor: m1.huge\n'),
    'full.yaml': ('flavors:\n  - {name: f, vcpus: 1, ram: 64, disk: 1}\n'
                  'hosts:\n  - {name: compute-1, vcpus: 2, '
                  'cpu_allocation_ratio: 1.0}\nservers:\n' +
                  ''.join('  - {name: vm-%d, host: compute-1, flavor: f}\n'
                          % i for i in range(3))),
}


def _drop(conf, keys):
    """Leave the ``[blazar]`` options ``keys`` out of the file ``conf``."""
    with open(conf) as read:
        text = read.read()
    head, blazar = text.split('[blazar]\n', 1)
    blazar, tail = blazar.split('[masakari_blazar]', 1)
    for key in keys:
        blazar = re.sub(r'(?m)^%s = .*\n' % key, '', blazar)
    with open(conf, 'w') as write:
        write.write(head + '[blazar]\n' + blazar + '[masakari_blazar]' + tail)


@pytest.mark.parametrize('case', CASES, ids=[c[0] for c in CASES])
def test_bad_input_ends_in_one_line_and_changes_nothing(
        case, runner, deployment, tmp_path):
    case_id, blazar, plugin, argv, expected = case
    tmp = str(tmp_path)
    values = {'tmp': tmp, 'service': deployment.project_id('service')}
    _file(tmp_path, 'a-file', 'not a directory')
    for name, text in SCENARIOS.items():
        _file(tmp_path, name, text)
    conf = cli.write_conf(tmp_path, runner, deployment, extra=blazar,
                          plugin=plugin.format(**values), tail=cli.FLOWS)
    _drop(conf, DROPPED.get(case_id, ()))
    if case_id in FAULTS:
        deployment.faults.add(count=1000, **FAULTS[case_id])
    if case_id in FENCED:
        deployment.fail_host(FENCED[case_id], forced_down=True)
    before = cli.snapshot(deployment)

    env = dict(os.environ, PYTHONWARNINGS='ignore')
    done = subprocess.run(
        [sys.executable, '-m', 'masakari_blazar.cmd.cli', '--config-file',
         conf] + [arg.format(**values) for arg in argv],
        capture_output=True, text=True, timeout=300, env=env)

    assert done.returncode != 0, done.stdout
    lines = done.stderr.strip().splitlines()
    # ``pytest -rP`` lists each case's line, for review.
    print(done.stderr.strip())
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(('masakari-blazar: error: ',
                                'masakari-blazar: configuration error: ')), \
        lines[0]
    assert expected.format(**values) in lines[0], lines[0]
    assert 'Traceback' not in done.stdout + done.stderr
    assert 'Sekrit' not in done.stdout + done.stderr
    assert lines[0].isprintable()
    assert cli.snapshot(deployment) == before
