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

"""Which moving instances Nova's server group filters constrain, and how.

Nova's ServerGroupAffinityFilter and ServerGroupAntiAffinityFilter run on
an evacuation with the target given, as on a boot; the soft policies are
weighers, which a targeted evacuation does not use.  So only the members of
hard-policy groups get a :class:`model.ServerGroup`, with where the group's
other members run now.
"""

from masakari_blazar.decisions import model

HARD = (model.AFFINITY, model.ANTI_AFFINITY)


def policy(group):
    """The policy of a server group as Nova shows it, before 2.64 too."""
    return group.get('policy') or (group.get('policies') or [None])[0]


def hard_groups(groups, moving):
    """``{instance uuid: group}`` for the moving members of hard groups.

    :param groups: server groups as ``GET /os-server-groups`` lists them.
    :param moving: the uuids of the instances that move.
    """
    found = {}
    for group in groups:
        if policy(group) not in HARD:
            continue
        for uuid in group.get('members') or ():
            if uuid in moving:
                found[uuid] = group
    return found


def to_model(group, member_hosts, failed_host):
    """The :class:`model.ServerGroup` of ``group`` for this failure.

    :param member_hosts: ``{member uuid: host}`` for the members that do
        not move; a member that moves or whose host is unknown is left out.
    """
    on = {}
    for uuid in group.get('members') or ():
        host = member_hosts.get(uuid)
        if host and host != failed_host:
            on[host] = on.get(host, 0) + 1
    rules = group.get('rules') or {}
    return model.ServerGroup(
        id=group['id'], policy=policy(group),
        max_per_host=int(rules.get('max_server_per_host') or 1),
        elsewhere=tuple(sorted(on.items())))
