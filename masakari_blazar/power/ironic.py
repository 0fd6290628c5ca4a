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
"""The ``ironic`` power driver: the Ironic node of each spare.

For computes that an Ironic deploys and manages, as in a cloud whose
hypervisors are themselves bare-metal nodes.  openstacksdk's baremetal
proxy speaks to Ironic over the plugin's own Keystone session; the
``[ironic]`` section chooses the endpoint as ``[nova]`` does Nova's.
Ironic runs a power action in the background (``PUT .../states/power``
answers 202) and shows it in ``target_power_state`` until it is done,
which is what tells "powering on" from "on".
"""

from keystoneauth1.loading import adapter as ks_adapter
import openstack.connection
from openstack import exceptions as sdk_exc

from masakari_blazar.cloud import calls
from masakari_blazar import conf as mb_conf
from masakari_blazar import exceptions
from masakari_blazar.power import driver

# ironic/common/states.py
POWER_ON = 'power on'
POWER_OFF = 'power off'
_STATES = {POWER_ON: driver.ON, POWER_OFF: driver.OFF}
_TRANSITIONS = {POWER_ON: driver.POWERING_ON, POWER_OFF: driver.POWERING_OFF}


def is_transient(exc):
    """Keystone's transport failures, and Ironic's 5xx answers."""
    if isinstance(exc, sdk_exc.HttpException):
        return (exc.status_code or 0) >= 500
    return calls.is_transient(exc)


def sdk_options(group):
    """openstacksdk's names for the ``[ironic]`` endpoint options set."""
    adapter = {}
    ks_adapter.process_conf_options(group, adapter)
    options = {'baremetal_service_type': adapter['service_type']}
    if adapter.get('endpoint_override'):
        options['baremetal_endpoint_override'] = adapter['endpoint_override']
    if adapter.get('interface'):
        options['baremetal_interface'] = adapter['interface']
    if adapter.get('region_name'):
        options['region_name'] = adapter['region_name']
    return options


def power_state(node):
    """The driver's word for an Ironic node's power (see the module)."""
    transition = _TRANSITIONS.get(node.target_power_state)
    return transition or _STATES.get(node.power_state)


class Ironic(driver.PowerDriver):

    def __init__(self, conf, clients):
        super().__init__(conf, clients)
        self._group = conf[mb_conf.IRONIC_GROUP]
        self._call = calls.Caller.from_conf(conf[mb_conf.PLUGIN_GROUP],
                                            transient=is_transient)
        self._baremetal = None

    @property
    def baremetal(self):
        if self._baremetal is None:
            self._baremetal = openstack.connection.Connection(
                session=self.clients.session,
                **sdk_options(self._group)).baremetal
        return self._baremetal

    def node_name(self, host):
        return self._group.node_names.get(host, host)

    def target(self, host):
        return 'Ironic node %s' % self.node_name(host)

    def _do(self, host, what, call, fn):
        node = self.node_name(host)
        try:
            return self._call('Ironic', call % node, fn, node)
        except sdk_exc.NotFoundException:
            raise exceptions.PowerError(
                '%s of %s failed: Ironic has no node %s; name the node of '
                'each spare in [%s] node_names' % (
                    what, host, node, mb_conf.IRONIC_GROUP))
        except sdk_exc.SDKException as exc:
            raise exceptions.PowerError('%s of %s (Ironic node %s) failed: '
                                        '%s' % (what, host, node, ' '.join(
                                            str(exc).split())))

    def power_state(self, host):
        return power_state(self._do(
            host, 'reading the power state', 'GET /v1/nodes/%s',
            self.baremetal.get_node))

    def _switch(self, host, target):
        self._do(host, target.replace('power', 'powering'),
                 'PUT /v1/nodes/%s/states/power',
                 lambda node: self.baremetal.set_node_power_state(
                     node, target, wait=False))

    def power_on(self, host):
        self._switch(host, POWER_ON)

    def power_off(self, host):
        self._switch(host, POWER_OFF)
