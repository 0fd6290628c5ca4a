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

"""Would Blazar, ending every lease, delete an instance we moved?

This is the first invariant of the project put to the test: an evacuated
instance must never sit on a host that Blazar will later clean.  The one
exception is an instance of a reservation that Blazar deletes at the end of
that very reservation, exactly as it would have on its original host.

The check ends every lease of a simulated cloud, so it is for the tests and
the demo only.
"""

RESERVATION_SPEC = 'aggregate_instance_extra_specs:reservation'


def own_reservations(server):
    """The reservation ids whose end may delete ``server`` (a dict)."""
    own = set()
    hints = (server.get('scheduler_hints') or {}).get('reservation')
    if isinstance(hints, str):
        hints = [hints]
    own.update(hints or [])
    flavor = server.get('flavor') or {}
    spec = (flavor.get('extra_specs') or {}).get(RESERVATION_SPEC)
    if spec:
        own.add(spec)
    return own


def lost_instances(cloud, moved_ids):
    """End every lease of ``cloud``; return the moved instances it lost.

    :param moved_ids: ids of the instances the recovery moved.
    :returns: one line per moved instance that Blazar deleted although the
        reservation being ended was not its own.
    """
    own = {sid: own_reservations(cloud.server(sid)) for sid in moved_ids}
    lost = []
    for deleted in cloud.end_all_leases():
        if deleted['id'] not in own:
            continue
        if deleted.get('reservation_id') not in own[deleted['id']]:
            lost.append('%s (%s) was deleted on %s by the end of lease %s' % (
                deleted['name'], deleted['id'], deleted['host'],
                deleted.get('lease_id')))
    return lost
