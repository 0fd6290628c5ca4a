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

"""The simulator's settings, with the defaults of the real services.

Every default follows the upstream one where one exists, so a test that
does not mention a setting sees the behaviour of a stock deployment.
"""

DEFAULTS = {
    # nova.conf [DEFAULT] service_down_time: seconds without a heartbeat
    # before Nova calls a compute service down.
    'service_down_time': 60,
    # Real seconds an evacuation takes to finish (Nova is asynchronous):
    # a number, or a seeded distribution drawn per server (see durations).
    'evacuation_delay': 0.2,
    # Real seconds from the end of an Ironic power-on (the BMC reports
    # 'power on') until nova-compute heartbeats again: POST, the OS boot
    # and the service start, minutes on real hardware and compressed here
    # like evacuation_delay.  A number, or a seeded distribution drawn per
    # host name (see durations).
    'boot_delay': 1.0,
    # Real seconds an Ironic power action runs, while the node shows its
    # target_power_state and holds the conductor's lock (seconds with an
    # IPMI or Redfish BMC; the fake power interface is immediate).  A
    # number, or a seeded distribution drawn per host name.
    'power_action_delay': 0.1,
    # The rebuilds one compute host runs at once (see nova/rebuilds.py):
    # oslo.messaging's [DEFAULT] executor_thread_pool_size, the RPC
    # server's pool that rebuild_instance runs in; later ones wait.
    'rebuild_slots': 64,
    # How many running rebuilds a host serves at full speed; beyond, they
    # share it and each slows down.  No upstream counterpart (a model of
    # a host's shared disk, network and CPU); 0: no shared cost.
    'rebuild_parallelism': 0,
    # nova.conf [api] max_limit: the most items one page of a list holds.
    'nova_max_limit': 1000,
    # Nova 34 refuses to add or remove a host with instances to or from an
    # aggregate when that changes the host's AZ (nova/compute/api.py,
    # ensure_no_instances_need_to_move_az_when_host_added/_removed).  False
    # models a Nova without that check, where Blazar's healing can take a
    # failed host with instances out of its reservation.
    'nova_az_instance_check': True,
    # [physical:host] enable_polling_monitor: off upstream.
    'blazar_monitor': False,
    # [physical:host] polling_interval, in simulated seconds.
    'blazar_polling_interval': 60,
    # [physical:host] healing_interval, in minutes (0: heal every future
    # reservation at once).
    'blazar_healing_interval': 60,
    # Only the ChameleonCloud fork offers PUT /v1/os-hosts/{id}/allocation.
    'reallocate_api': False,
    # [nova] aggregate_freepool_name
    'freepool_name': 'freepool',
    # [manager] minutes_before_end_lease
    'minutes_before_end_lease': 60,
    # nova.conf [DEFAULT] default_availability_zone
    'default_availability_zone': 'nova',
    # How long a 'timeout' fault holds the connection before closing it.
    'fault_timeout': 5.0,
    # Real seconds between background passes over due events.
    'tick_interval': 0.5,
    # The URL of a masakari-api serving beside the simulated cloud (e.g.
    # http://127.0.0.1:15868/v1), listed in the Keystone catalog as the
    # instance-ha service, so that python-masakariclient, openstacksdk and
    # "masakari-blazar recover" find it as in a deployment.  None lists no
    # Masakari: the simulator serves none.
    'masakari_url': None,
}


def merge(*layers):
    """Defaults overridden by each layer in turn; unknown keys refused."""
    result = dict(DEFAULTS)
    for layer in layers:
        for key, value in (layer or {}).items():
            if key not in DEFAULTS:
                raise ValueError('Unknown simulator setting %r (known: %s)'
                                 % (key, ', '.join(sorted(DEFAULTS))))
            result[key] = value
    return result
