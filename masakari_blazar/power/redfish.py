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
"""The ``redfish`` power driver: each spare's BMC, reached directly.

For computes that no Ironic manages.  sushy, the Redfish library Ironic
uses, speaks to the BMC.  Like Ironic's own redfish power interface
(``ironic/drivers/modules/redfish/power.py``), "power off" is the
``ForceOff`` reset: a spare holds no instance, and a graceful shutdown
that the operating system ignores would leave it on.  sushy's own retries
of 5xx answers are turned off so that the plugin's ``api_retries`` govern
a BMC as they do every API.
"""

import sushy
from sushy import exceptions as sushy_exc

from masakari_blazar.cloud import calls
from masakari_blazar import conf as mb_conf
from masakari_blazar import exceptions
from masakari_blazar.power import driver
from masakari_blazar.power import redfish_targets

_STATES = {
    sushy.PowerState.ON: driver.ON,
    sushy.PowerState.OFF: driver.OFF,
    sushy.PowerState.POWERING_ON: driver.POWERING_ON,
    sushy.PowerState.POWERING_OFF: driver.POWERING_OFF,
}
_RESETS = {
    driver.ON: sushy.ResetType.ON,
    driver.OFF: sushy.ResetType.FORCE_OFF,
}


def is_transient(exc):
    """A BMC that does not answer, or answers 5xx, may answer next time."""
    if isinstance(exc, sushy_exc.ConnectionError):
        return True
    return isinstance(exc, sushy_exc.HTTPError) and \
        (exc.status_code or 0) >= 500


class Redfish(driver.PowerDriver):

    def __init__(self, conf, clients):
        super().__init__(conf, clients)
        self._targets = redfish_targets.load(conf[mb_conf.REDFISH_GROUP])
        self._call = calls.Caller.from_conf(conf[mb_conf.PLUGIN_GROUP],
                                            transient=is_transient)

    def _target_of(self, host):
        target = self._targets.get(host)
        if target is None:
            raise exceptions.PowerError(
                'no BMC is known for %s: add it to [%s] systems or '
                'credentials_file' % (host, mb_conf.REDFISH_GROUP))
        return target

    def target(self, host):
        return 'BMC %s' % self._target_of(host).system

    def _system(self, target):
        root = sushy.Sushy(target.base_url, username=target.username,
                           password=target.password, verify=target.verify,
                           server_side_retries=0)
        return root.get_system(target.system_path)

    def _do(self, host, what, step):
        target = self._target_of(host)
        try:
            return self._call('Redfish', what,
                              lambda: step(self._system(target)))
        except sushy_exc.SushyError as exc:
            raise exceptions.PowerError('%s of %s (BMC %s) failed: %s' % (
                what, host, target.system, ' '.join(str(exc).split())))

    def power_state(self, host):
        return self._do(host, 'reading the power state',
                        lambda system: _STATES.get(system.power_state))

    def power_on(self, host):
        self._do(host, 'powering on',
                 lambda system: system.reset_system(_RESETS[driver.ON]))

    def power_off(self, host):
        self._do(host, 'powering off',
                 lambda system: system.reset_system(_RESETS[driver.OFF]))
