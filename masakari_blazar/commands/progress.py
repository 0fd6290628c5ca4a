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

"""Printing a notification's progress details as they arrive.

Masakari keeps each task's progress details with the notification; the
demo and ``masakari-blazar recover`` read them over and over while the
recovery runs, in-process or through the Masakari API, and print each
line once.
"""

from masakari_blazar import safe_text

POLL = 0.2


class ProgressPrinter(object):
    """Says each progress detail once, in the order the tasks report them.

    ``update`` takes the tasks as ``[{'task': name, 'details': [{'message':
    ...}, ...]}, ...]``, the shape of :meth:`LocalEngine.notification`.
    """

    def __init__(self, say):
        self.say = say
        self.seen = set()
        self.last = None

    def update(self, tasks):
        for task in tasks:
            for number, detail in enumerate(task['details']):
                message = detail.get('message')
                key = (task['task'], number, message)
                if key not in self.seen:
                    self.seen.add(key)
                    # Masakari's own tasks write tenant-set names as they
                    # are; a newline in one would forge a line here.
                    self.last = safe_text.clean(message)
                    self.say('  [%s] %s' % (safe_text.clean(task['task']),
                                            self.last))


def from_api(workflow_details):
    """The tasks of Masakari's ``recovery_workflow_details`` (API 1.1)."""
    return [{'task': item.get('name'),
             'details': [dict(d) for d in item.get('progress_details') or []]}
            for item in workflow_details or []]


def follow_local(engine, notification_uuid, worker, printer):
    """Print progress until the in-process engine's ``worker`` ends."""
    while worker.is_alive():
        worker.join(POLL)
        try:
            printer.update(engine.notification(notification_uuid)['progress'])
        except Exception:  # the engine may hold the database; read later
            continue
    printer.update(engine.notification(notification_uuid)['progress'])
