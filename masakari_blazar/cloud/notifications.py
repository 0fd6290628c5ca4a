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
"""Versioned notifications of what happens to the spares.

Watcher, or an operator's own tooling, can act when a spare is claimed,
cooled, warmed or returned, and when fewer spares are warm than
``warm_spares``.  They go out on Masakari's notification transport (the
``[oslo_messaging_notifications]`` section masakari-engine reads, whose
``driver`` is empty, sending nothing, unless the operator sets one), on
Masakari's ``versioned_notifications`` topic, with payloads that are
oslo.versionedobjects primitives as Nova's and Masakari's are, so that a
consumer can tell a version it does not know.  The payloads are
documented in ``doc/source/notifications.rst``.

A notification that cannot be sent is logged and dropped: it never fails
the recovery or the command that made the change.
"""

import socket

import oslo_messaging
from oslo_versionedobjects import base as ovo_base
from oslo_versionedobjects import fields as ovo_fields

from masakari_blazar import log_context

LOG = log_context.getLogger(__name__)

TOPIC = 'versioned_notifications'
CLAIMED = 'masakari_blazar.spare.claimed'
RETURNED = 'masakari_blazar.spare.returned'
COOLED = 'masakari_blazar.spare.cooled'
WARMED = 'masakari_blazar.spare.warmed'
WARM_BELOW = 'masakari_blazar.pool.warm_below_count'


class _Payload(ovo_base.VersionedObject):
    OBJ_PROJECT_NAMESPACE = 'masakari_blazar'
    OBJ_SERIAL_NAMESPACE = 'masakari_blazar_object'


@ovo_base.VersionedObjectRegistry.register_if(False)
class SparePayload(_Payload):
    """One spare and what just happened to it."""

    # Version 1.0: Initial version
    VERSION = '1.0'
    fields = {
        'hostname': ovo_fields.StringField(),
        # The spare lease that held it, or holds it now.
        'lease': ovo_fields.StringField(nullable=True),
        # The Masakari notification whose recovery claimed it.
        'notification_uuid': ovo_fields.StringField(nullable=True),
        'power_state': ovo_fields.StringField(nullable=True),
    }


@ovo_base.VersionedObjectRegistry.register_if(False)
class WarmPoolPayload(_Payload):
    """The warm part of the pool, below the count the operator set."""

    # Version 1.0: Initial version
    VERSION = '1.0'
    fields = {
        'warm': ovo_fields.IntegerField(),
        'cold': ovo_fields.IntegerField(),
        'warm_spares': ovo_fields.IntegerField(),
    }


class SpareNotifier(object):
    """Sends the notifications of one configuration.

    The transport is made at the first notification (under a
    millisecond), so that a recovery that sends none makes none.
    """

    def __init__(self, conf):
        self._conf = conf
        self._notifier = None

    def _get(self):
        if self._notifier is None:
            self._notifier = oslo_messaging.Notifier(
                oslo_messaging.get_notification_transport(self._conf),
                publisher_id='masakari-blazar:%s' % (
                    getattr(self._conf, 'host', None) or
                    socket.gethostname()),
                topics=[TOPIC])
        return self._notifier

    def _send(self, priority, event_type, payload):
        try:
            notifier = self._get()
            if notifier.is_enabled():
                primitive = payload.obj_to_primitive()
                # A payload made for one notification has every field
                # changed: that says nothing, and Masakari drops it too.
                primitive.pop('%s.changes' % payload.OBJ_SERIAL_NAMESPACE,
                              None)
                getattr(notifier, priority)({}, event_type, primitive)
        except Exception as exc:  # a notification never fails the caller
            LOG.warning('Could not send notification %s: %s', event_type,
                        exc)

    def spare(self, event_type, hostname, lease=None,
              notification_uuid=None, power_state=None):
        self._send('info', event_type, SparePayload(
            hostname=hostname, lease=lease,
            notification_uuid=notification_uuid, power_state=power_state))

    def warm_below(self, warm, cold, warm_spares):
        self._send('warn', WARM_BELOW, WarmPoolPayload(
            warm=warm, cold=cold, warm_spares=warm_spares))
