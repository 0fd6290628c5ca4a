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

"""Which Masakari ``reserved`` flags must change to match the Blazar pool.

Masakari's ``reserved_host`` and ``rh_priority`` methods only start when
Masakari's own database lists a reserved host in the segment, and they
offer those hosts one by one.  With Blazar as the truth about spares, the
flag should be set on exactly the free spares registered in such segments.
Hosts of ``auto`` and ``auto_priority``-only segments are left alone.
"""

from masakari.objects import fields

METHODS = fields.FailoverSegmentRecoveryMethod
RESERVED_METHODS = (METHODS.RESERVED_HOST, METHODS.RH_PRIORITY)


def changes(hosts, free_spares):
    """The flag changes that bring Masakari in step.

    :param hosts: ``(name, reserved, segment recovery_method)`` tuples of
        the hosts registered in Masakari.
    :param free_spares: names of the free spares in the Blazar pool.
    :returns: sorted ``(name, new reserved value)`` pairs.
    """
    result = []
    for name, reserved, method in hosts:
        if method not in RESERVED_METHODS:
            continue
        wanted = name in free_spares
        if bool(reserved) != wanted:
            result.append((name, wanted))
    return sorted(result)
