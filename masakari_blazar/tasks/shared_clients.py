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

"""One set of clients per notification, shared by all of its tasks.

Each task of a recovery used to build its own clients, and so its own
Keystone session: a token and a Nova version discovery per task, all on
the critical path before the first evacuation.  A keystoneauth session is
safe to share between greenthreads and renews its token itself, so the
tasks of one notification share one, within one engine process.

The clients are built again when the options they are built from change
(a test reconfiguring the engine, say), and only the most recent
notifications keep theirs.
"""

import collections
import threading

from oslo_config import cfg

from masakari_blazar.cloud import clients as mb_clients
from masakari_blazar import conf as mb_conf

#: Notifications whose clients are kept; an engine recovers a few hosts
#: at once, so older ones have ended.
KEPT = 32

_GROUPS = (mb_conf.PLUGIN_GROUP, mb_conf.BLAZAR_GROUP, mb_conf.NOVA_GROUP,
           mb_conf.PLACEMENT_GROUP)
_lock = threading.Lock()
_kept = collections.OrderedDict()


def _options(conf):
    """What the clients are built from: ``{(group, option): value}``."""
    return {(group, name): _value(conf[group], name)
            for group in _GROUPS if group in conf for name in conf[group]}


def _value(group, name):
    # An option whose default names another that this process never
    # registered (``$state_path``) has no value; it builds no client.
    try:
        return repr(group[name])
    except cfg.Error:
        return None


def _changed(before, now):
    """Whether an option the clients were built from has another value.

    Loading the credentials registers the auth plugin's own options, so
    options that appeared since are not a change.
    """
    return any(before[key] != value for key, value in now.items()
               if key in before)


def for_notification(conf, notification_uuid):
    """The :class:`Clients` of ``notification_uuid``'s recovery."""
    options = _options(conf)
    with _lock:
        kept = _kept.get(notification_uuid)
        if kept is None or _changed(kept[0], options):
            kept = (options, mb_clients.Clients(conf))
        _kept[notification_uuid] = (options, kept[1])
        _kept.move_to_end(notification_uuid)
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return kept[1]
