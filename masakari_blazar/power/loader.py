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
"""Load the configured power driver from its entry point.

Drivers are ``masakari_blazar.power_drivers`` entry points, found by
stevedore as OpenStack finds its drivers, so a driver of the operator's
own installs beside the plugin without changing it.
"""

from importlib import metadata

from stevedore import driver as st_driver
from stevedore import exception as st_exc

from masakari_blazar import conf as mb_conf
from masakari_blazar import exceptions

NAMESPACE = 'masakari_blazar.power_drivers'


def installed():
    """Names of the installed power drivers, sorted."""
    return sorted({point.name for point in
                   metadata.entry_points(group=NAMESPACE)})


def _failed(manager, entrypoint, exc):
    """A driver that cannot start fails the caller in one line.

    stevedore would log the error and go on without the driver.
    """
    if isinstance(exc, exceptions.RecoveryError):
        raise exc
    raise exceptions.ConfigError(
        'the power driver %s (%s) cannot be loaded: %s' % (
            entrypoint.name, entrypoint.value, exc))


def load(conf, clients):
    """The driver that ``[masakari_blazar] power_driver`` names, started."""
    name = conf[mb_conf.PLUGIN_GROUP].power_driver
    try:
        manager = st_driver.DriverManager(
            NAMESPACE, name, invoke_on_load=True,
            invoke_args=(conf, clients),
            on_load_failure_callback=_failed)
    except st_exc.NoMatches:
        raise exceptions.ConfigError(
            '[%s] power_driver: no power driver is named "%s"; the '
            'installed ones are %s' % (mb_conf.PLUGIN_GROUP, name,
                                       ', '.join(installed()) or 'none'))
    return manager.driver
