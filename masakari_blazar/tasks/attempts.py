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

"""Instances that an earlier attempt of a notification left in ERROR.

The decision is :func:`masakari_blazar.decisions.retries.action`; this
module gives it Masakari's VMoves and Nova's servers, and acts on it.
"""

import collections

from masakari import exception
from masakari import objects
from masakari.objects import fields
from oslo_utils import timeutils

from masakari_blazar.decisions import retries
from masakari_blazar import exceptions

Attempt = collections.namedtuple('Attempt', 'status start_time')


def _naive(moment):
    return timeutils.normalize_time(moment) if moment else None


def _fault_created(server):
    created = (getattr(server, 'fault', None) or {}).get('created')
    return _naive(timeutils.parse_isotime(created)) if created else None


def action(server, history, failed_host):
    """:func:`retries.action` for a Nova server and its VMoves."""
    return retries.action(
        getattr(server, 'OS-EXT-STS:vm_state'),
        getattr(server, 'OS-EXT-SRV-ATTR:hypervisor_hostname'),
        _fault_created(server),
        [Attempt(v.status, _naive(v.start_time)) for v in history],
        failed_host)


def histories(context, notification_uuid):
    """Each instance's VMoves of the notification, oldest first."""
    by_instance = {}
    for vmove in sorted(objects.VMoveList.get_all_vmoves(
            context, notification_uuid), key=lambda v: v.id):
        by_instance.setdefault(vmove.instance_uuid, []).append(vmove)
    return by_instance


def attempted(context, notification_uuid):
    """Whether an evacuation of the notification was ever asked for."""
    return any(v.start_time for history in histories(
        context, notification_uuid).values() for v in history)


def reset_to_active(context, nova, vmove, where):
    """Reset an instance an earlier attempt left in ERROR to ACTIVE.

    A reset that fails is a RecoveryError naming the instance, which ends
    the notification in ERROR rather than FINISHED.
    """
    try:
        nova.reset_instance_state(context, vmove.instance_uuid,
                                  status='active')
    except Exception as exc:
        raise exceptions.RecoveryError(
            'Instance %s (%s) is in ERROR on %s after an earlier attempt '
            'of this notification, and resetting it to ACTIVE failed: %s' % (
                vmove.instance_name, vmove.instance_uuid, where, exc))


def take_up(context, nova, notification_uuid, failed_host, report):
    """Undo the ERROR that earlier attempts left, before a new one.

    An instance still on the failed host is reset to ACTIVE, so that
    Masakari lists it (even with ``ignore_instances_in_error_state``) and
    evacuates it as ACTIVE.  One already on another host is reset to
    ACTIVE there, with a VMove that says so: Masakari would not list it.
    """
    for uuid, history in sorted(histories(context,
                                          notification_uuid).items()):
        try:
            server = nova.get_server(context, uuid)
        except exception.NotFound:
            continue
        todo = action(server, history, failed_host)
        if todo is retries.Action.LEAVE:
            continue
        latest = history[-1]
        where = getattr(server, 'OS-EXT-SRV-ATTR:hypervisor_hostname')
        reset_to_active(context, nova, latest, where)
        if todo is retries.Action.EVACUATE_AGAIN:
            report('Instance %s (%s) was left in ERROR on %s by an earlier '
                   'attempt; reset it to ACTIVE, to evacuate it again' % (
                       latest.instance_name, uuid, where))
            continue
        now = timeutils.utcnow()
        objects.VMove(
            context=context, instance_uuid=uuid,
            instance_name=latest.instance_name,
            notification_uuid=notification_uuid, source_host=failed_host,
            dest_host=where, status=fields.VMoveStatus.SUCCEEDED,
            type=fields.VMoveType.EVACUATION, start_time=now, end_time=now,
            message='reset to ACTIVE on %s, where an earlier attempt left '
                    'it in ERROR' % where).create()
        report('Instance %s (%s) was left in ERROR on %s by an earlier '
               'attempt; reset it to ACTIVE there' % (
                   latest.instance_name, uuid, where))
