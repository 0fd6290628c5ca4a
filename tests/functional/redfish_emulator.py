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
"""sushy-tools' Redfish emulator, with its fake system driver, on 127.0.0.1.

The redfish power driver is tested against a real Redfish service rather
than against answers written for it: the emulator Ironic's own CI uses.
Its fake driver keeps each system's power in a state directory and, as
hardware does, applies a reset a few seconds after it is asked (1 to 11 s,
``sushy_tools/emulator/resources/systems/fakedriver.py``).  HTTP basic
authentication is on, from an htpasswd file with a bcrypt digest, the only
kind the emulator accepts.
"""

import os
import shutil
import subprocess
import sys
import time
import uuid

import bcrypt
import pytest
import requests

from tests.functional import backend_server

USERNAME = 'admin'
PASSWORD = 's3cret-bmc-password'


class RedfishEmulator(backend_server.BackendServer):
    """One emulator serving ``systems`` (name -> initial power, On/Off)."""

    kind = 'redfish'

    def __init__(self, directory, systems):
        self.executable = os.path.join(os.path.dirname(sys.executable),
                                       'sushy-emulator')
        if not os.path.exists(self.executable):
            self.executable = shutil.which('sushy-emulator')
        if not self.executable:
            pytest.skip('sushy-tools is not installed (test-requirements)')
        self.directory = str(directory)
        self.systems = {name: str(uuid.uuid5(uuid.NAMESPACE_DNS, name))
                        for name in systems}
        self._write_config(systems)
        self._choose_ports()

    def _write_config(self, systems):
        auth_file = os.path.join(self.directory, 'htpasswd')
        digest = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(4))
        with open(auth_file, 'w') as stream:
            stream.write('%s:%s\n' % (USERNAME, digest.decode()))
        fake = [{'uuid': self.systems[name], 'name': name,
                 'power_state': power, 'nics': []}
                for name, power in systems.items()]
        self.config = os.path.join(self.directory, 'emulator.conf')
        with open(self.config, 'w') as stream:
            stream.write('SUSHY_EMULATOR_FAKE_SYSTEMS = %r\n' % fake)
            stream.write('SUSHY_EMULATOR_STATE_DIR = %r\n' % os.path.join(
                self.directory, 'state'))
            stream.write('SUSHY_EMULATOR_AUTH_FILE = %r\n' % auth_file)

    def _choose_ports(self):
        self.port = backend_server.free_port()

    @property
    def base_url(self):
        return 'http://127.0.0.1:%d' % self.port

    def system_url(self, name):
        return '%s/redfish/v1/Systems/%s' % (self.base_url,
                                             self.systems[name])

    def _start_on_ports(self):
        self.log = open(os.path.join(self.directory, 'emulator.log'), 'ab')
        self.process = subprocess.Popen(
            [self.executable, '--fake', '--config', self.config,
             '--interface', '127.0.0.1', '--port', str(self.port)],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while self.process.poll() is None:
            try:
                answer = requests.get(
                    self.base_url + '/redfish/v1/Systems',
                    auth=(USERNAME, PASSWORD), timeout=2)
                members = {m['@odata.id'].rsplit('/', 1)[-1]
                           for m in answer.json().get('Members', [])}
                if members == set(self.systems.values()):
                    return True
            except (requests.RequestException, ValueError):
                pass
            if time.monotonic() > deadline:
                self.kill()
                raise AssertionError('sushy-emulator did not start; see %s'
                                     % self.log.name)
            time.sleep(0.1)
        return False

    def power(self, name):
        """The system's power as the emulator holds it, read over HTTP."""
        answer = requests.get(self.system_url(name),
                              auth=(USERNAME, PASSWORD), timeout=5)
        answer.raise_for_status()
        return answer.json()['PowerState']

    def stop(self):
        super().stop()
        if getattr(self, 'log', None):
            self.log.close()
