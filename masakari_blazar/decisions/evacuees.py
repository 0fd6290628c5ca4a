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

"""Which instances Masakari would move off a failed host.

Masakari's ``prepare_HA_enabled_instances_task`` decides that, from
``[host_failure]`` options; ``plan`` and the pool's headroom must count
the same instances that a real recovery would move, so they read the same
options and apply the same rule here.
"""

from oslo_utils import strutils


def would_move(server, ha_key, evacuate_all, ignore_error):
    """Whether Masakari would evacuate ``server`` (Nova's dict of it).

    :param ha_key: ``[host_failure] ha_enabled_instance_metadata_key``.
    :param evacuate_all: ``[host_failure] evacuate_all_instances``.
    :param ignore_error: ``[host_failure] ignore_instances_in_error_state``.
    """
    if ignore_error and server.get('OS-EXT-STS:vm_state') == 'error':
        return False
    return evacuate_all or ha_enabled(server, ha_key)


#: The server metadata key of an instance's evacuation priority: an integer,
#: higher first, 0 when unset or not an integer.  Like Masakari's
#: ``HA_Enabled`` it is set by the instance's owner or the operator.
PRIORITY_KEY = 'HA_Priority'


def priority(server):
    """The evacuation priority of ``server`` (Nova's dict of it)."""
    value = (server.get('metadata') or {}).get(PRIORITY_KEY)
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def ha_enabled(server, ha_key):
    """Whether ``server`` carries Masakari's HA flag (``ha_key``)."""
    return strutils.bool_from_string(
        (server.get('metadata') or {}).get(ha_key, False))


def ha_key(conf):
    """Masakari's ``[host_failure] ha_enabled_instance_metadata_key``."""
    import masakari.conf  # noqa: F401  (registers [host_failure])
    return conf.host_failure.ha_enabled_instance_metadata_key


def selector(conf):
    """:func:`would_move` with Masakari's configured ``[host_failure]``."""
    key = ha_key(conf)
    opts = conf.host_failure
    return lambda server: would_move(
        server, key, opts.evacuate_all_instances,
        opts.ignore_instances_in_error_state)
