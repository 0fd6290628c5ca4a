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

"""``masakari-blazar replenish``: the spare pool topped up on request.

The same step as after each claim when ``replenish_pool`` is on
(:mod:`masakari_blazar.recovery.replenish`), run by an operator whether or
not it is, under the claim lock so that no recovery claims meanwhile.
"""

from masakari_blazar.cloud import claim_lock
from masakari_blazar import exceptions
from masakari_blazar.recovery import replenish
from masakari_blazar.recovery import spare_recovery


def main(conf, dry_run=False):
    """Top the pool up; one line on why when it stays below the minimum."""
    recovery = spare_recovery.SpareRecovery(conf)
    if dry_run:
        lines, missing = replenish.replenish(recovery, dry_run=True)
    else:
        with claim_lock.spare_pool_lock(conf):
            lines, missing = replenish.replenish(recovery)
    for line in lines[:-1] if missing else lines:
        print(line)
    if missing:
        raise exceptions.RecoveryError(lines[-1])
    return 0
