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

"""``masakari-blazar sync-reserved``: Masakari's reserved flags, in step
with the spare pool.

Which flags change is decided by
:func:`masakari_blazar.decisions.reserved_flags.changes`; each change goes
through the Masakari API, as ``openstack segment host update --reserved``
would make it.
"""

from masakari_blazar.cloud import masakari_api
from masakari_blazar.cloud import pool_reader
from masakari_blazar.decisions import reserved_flags
from masakari_blazar.recovery import spare_recovery


def main(conf, dry_run=False):
    """Set, or with ``dry_run`` show, the flags that must change."""
    recovery = spare_recovery.SpareRecovery(conf)
    masakari = masakari_api.MasakariApi(conf, recovery.clients)
    segments = masakari.segments()
    free = {r.hostname for r in pool_reader.pool_rows(recovery)
            if r.state == pool_reader.FREE}
    where = {member.name: (segment, member) for segment in segments
             for member in segment.members}
    todo = reserved_flags.changes(
        [(name, member.reserved, segment.recovery_method)
         for name, (segment, member) in where.items()], free)
    for name, reserved in todo:
        if not dry_run:
            masakari.set_reserved(*where[name], reserved=reserved)
        print('%s %s: reserved=%s' % ('Would set' if dry_run else 'Set',
                                      name, reserved))
    if not todo:
        print('Masakari\'s reserved flags already match the spare pool.')
    return 0
