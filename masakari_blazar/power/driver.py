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
"""What the plugin needs of a spare's power, whatever reaches it.

The plugin needs little of a BMC: whether the host is on, and to switch
it.  Each driver says its states in the same few words, so that the
operator's tools and the plugin's decisions never depend on which driver
read them, and fails with a :class:`masakari_blazar.exceptions.PowerError`
that names the host and what was addressed.
"""

import abc

ON = 'on'
OFF = 'off'
POWERING_ON = 'powering on'
POWERING_OFF = 'powering off'


class PowerDriver(object, metaclass=abc.ABCMeta):
    """The power of every spare, reached one way.

    :param conf: the oslo.config object the engine or the command parsed.
    :param clients: the recovery's
        :class:`masakari_blazar.cloud.clients.Clients`, for drivers that
        reach an OpenStack service with the plugin's Keystone session.
    """

    #: False for a driver that leaves power alone.
    manages_power = True

    def __init__(self, conf, clients):
        self.conf = conf
        self.clients = clients

    @abc.abstractmethod
    def target(self, host):
        """What drives ``host``'s power, in words fit for any line."""

    @abc.abstractmethod
    def power_state(self, host):
        """:data:`ON`, :data:`OFF`, a transition, or None when unknown."""

    @abc.abstractmethod
    def power_on(self, host):
        """Ask for ``host`` to be powered on; returns once it is asked."""

    @abc.abstractmethod
    def power_off(self, host):
        """Ask for ``host`` to be powered off at once, as Ironic does."""
