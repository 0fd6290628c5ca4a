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

"""Claims whose recovery has stopped, and the command that finishes each.

Masakari 22 runs an ERROR notification once more and then marks it FAILED
for good (doc/source/upstream-behaviour.rst); the plugin's claim outlives
it.  Such a spare is out of the pool until an operator acts, which nothing
else tells them, so ``pool status`` names it with what to run.
"""

ERROR = 'error'
FAILED = 'failed'


def advice(spare, notification, status, failed_host, holds_servers):
    """One line on a spare whose claim needs the operator, or None.

    :param status: the Masakari status of the claiming notification, or
        None when Masakari no longer has it.
    :param failed_host: the notification's host name, or None if unknown.
    :param holds_servers: whether instances reached the spare.
    """
    held = 'spare %s is held by notification %s, ' % (spare, notification)
    if status == ERROR:
        return held + (
            'which ended ERROR: Masakari runs it once more at its next '
            'process_unfinished_notifications_interval and marks it FAILED '
            'if it fails again; its progress details say why')
    if status == FAILED:
        held += 'which Masakari marked FAILED and never runs again: '
    elif status is None:
        held += 'which Masakari no longer has: '
    else:
        return None
    recover = ('"masakari-blazar recover %s" recovers the instances left '
               'on it' % failed_host if failed_host else
               '"masakari-blazar recover HOST" recovers the instances left '
               'on its failed host')
    if holds_servers:
        return held + ('%s; spare %s keeps the instances that reached it, '
                       'and "masakari-blazar return %s" makes it a spare '
                       'again once it is empty' % (recover, spare, spare))
    return held + ('"masakari-blazar return %s" gives it back to the pool, '
                   'then %s' % (spare, recover))
