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

"""The Masakari API: how the command line reads and changes Masakari.

The commands run beside Masakari, not inside it, so they ask masakari-api
as ``openstack segment ...`` does, and need nothing of Masakari's database.
The client is openstacksdk's instance-ha proxy over the ``[blazar]``
keystoneauth session, with the ``[masakari]`` section choosing the
endpoint, as ``[nova]`` and ``[placement]`` do.  Every failure becomes one
:class:`masakari_blazar.exceptions.ApiError` line that names what to fix.
"""

from keystoneauth1 import exceptions as ks_exc
from openstack.config import cloud_region
from openstack.config import defaults
from openstack import connection
from openstack import exceptions as sdk_exc
from oslo_utils import timeutils

from masakari_blazar.cloud import calls
from masakari_blazar import conf as mb_conf
from masakari_blazar.decisions import segments as segments_mod
from masakari_blazar import exceptions

SERVICE = 'Masakari'
# 1.1 added notifications' recovery_workflow_details and 1.2 segments'
# enabled flag (masakari.api.api_version_request); the Masakari the
# plugin needs answers them.
MICROVERSION = '1.2'
# Where masakari-api listens by default (masakari.conf.service).
EXAMPLE_ENDPOINT = 'http://HOST:15868/v1'

GROUP = mb_conf.MASAKARI_GROUP
NO_ENDPOINT = ('no Masakari (instance-ha) endpoint in the Keystone catalog; '
               'set [%s] endpoint_override, or check [%s] interface and '
               'region_name' % (GROUP, GROUP))
ENDPOINT = ('[%s] endpoint_override (or the catalog\'s instance-ha '
            'endpoint)' % GROUP)
UNREACHABLE = 'check %s and that masakari-api runs there' % ENDPOINT
NOT_MASAKARI = 'is %s Masakari\'s API, such as %s?' % (
    ENDPOINT, EXAMPLE_ENDPOINT)
TOKEN_REFUSED = ('masakari-api refused the token of the [%s] credentials: '
                 'its [keystone_authtoken] must name the Keystone of [%s] '
                 'auth_url' % (mb_conf.BLAZAR_GROUP, mb_conf.BLAZAR_GROUP))
SERVER_FAILED = 'masakari-api failed; its log says why'


def _one_line(text):
    return ' '.join(str(text).split())


def _with_hint(text, hint):
    return '%s; %s' % (_one_line(text).rstrip('.'), hint)


def _http_detail(exc, not_found):
    text = 'HTTP %s: %s' % (exc.status_code,
                            _one_line(exc.details or exc.message))
    if exc.status_code == 401:
        return _with_hint(text, TOKEN_REFUSED)
    if exc.status_code == 404 and not_found:
        return _with_hint(text, not_found)
    if exc.status_code and exc.status_code >= 500:
        return _with_hint(text, SERVER_FAILED)
    return text


def describe(exc, not_found=None):
    """``exc`` in one line, naming what to fix.

    :param not_found: what a 404 means for the call, when it means more
        than Masakari's own message says.
    """
    if isinstance(exc, sdk_exc.HttpException):
        return _http_detail(exc, not_found)
    if isinstance(exc, (ks_exc.EndpointNotFound,
                        sdk_exc.ServiceDisabledException)):
        return NO_ENDPOINT
    if isinstance(exc, sdk_exc.ConfigException):
        # The endpoint's version document is another service's.
        return _with_hint(exc, NOT_MASAKARI)
    if isinstance(exc, ks_exc.ConnectionError):
        return _with_hint('cannot connect (%s)' % _one_line(exc),
                          UNREACHABLE)
    if isinstance(exc, ks_exc.ClientException):
        return calls.describe(exc)
    return _one_line(exc)


class MasakariApi(object):
    """Masakari's segments, hosts and notifications, through its API.

    :param clients: a :class:`masakari_blazar.cloud.clients.Clients`,
        whose session carries the ``[blazar]`` credentials.
    """

    def __init__(self, conf, clients):
        self._conf = conf
        self._clients = clients
        self._conn = None

    def _proxy(self):
        if self._conn is None:
            config = dict(defaults.get_defaults(),
                          instance_ha_default_microversion=MICROVERSION)
            # openstacksdk reads the adapter options from the oslo.config
            # section named after the project, [masakari].
            region = cloud_region.from_conf(
                self._conf, session=self._clients.session,
                service_types={'instance-ha'}, config=config,
                app_name='masakari-blazar')
            self._conn = connection.Connection(config=region)
        return self._conn.instance_ha

    def _call(self, what, fn, not_found=None):
        try:
            return fn(self._proxy())
        except (sdk_exc.SDKException, ks_exc.ClientException) as exc:
            status = (exc.status_code
                      if isinstance(exc, sdk_exc.HttpException)
                      else calls.http_status(exc))
            raise exceptions.ApiError(SERVICE, what, describe(exc, not_found),
                                      status=status) from exc

    def segments(self):
        """Every segment with its hosts, by name."""
        listed = self._call('GET /segments',
                            lambda proxy: list(proxy.segments()),
                            not_found=NOT_MASAKARI)
        result = []
        for segment in listed:
            hosts = self._call(
                'GET /segments/%s/hosts' % segment.uuid,
                lambda proxy: list(proxy.hosts(segment.uuid)))
            result.append(segments_mod.Segment(
                name=segment.name,
                recovery_method=segment.recovery_method,
                enabled=segment.is_enabled is not False,
                uuid=segment.uuid,
                members=tuple(segments_mod.Member(
                    host.name, host.uuid, bool(host.reserved),
                    bool(host.on_maintenance)) for host in hosts)))
        return sorted(result, key=lambda s: s.name)

    def segments_or_reason(self):
        """``(segments, None)``, or ``(None, why)`` when Masakari fails.

        For the commands that work without Masakari, and say what they
        could not know.
        """
        try:
            return self.segments(), None
        except exceptions.ApiError as exc:
            return None, str(exc)

    def set_reserved(self, segment, member, reserved):
        """Set one host's reserved flag, as an operator would.

        ``openstack segment host update --reserved`` makes the same call.
        """
        self._call(
            'PUT /segments/%s/hosts/%s' % (segment.uuid, member.uuid),
            lambda proxy: proxy.update_host(member.uuid, segment.uuid,
                                            reserved=reserved))

    def create_notification(self, hostname, payload):
        """Post a COMPUTE_HOST notification; returns its uuid."""
        notification = self._call(
            'POST /notifications (%s)' % hostname,
            lambda proxy: proxy.create_notification(
                type='COMPUTE_HOST', hostname=hostname,
                generated_time=timeutils.utcnow().isoformat(
                    timespec='seconds'),
                payload=dict(payload)),
            not_found=NOT_MASAKARI)
        return notification.notification_uuid

    def _notification(self, notification_uuid):
        return self._call(
            'GET /notifications/%s' % notification_uuid,
            lambda proxy: proxy.get_notification(notification_uuid))

    def notification(self, notification_uuid):
        """A notification's status and recovery_workflow_details."""
        notification = self._notification(notification_uuid)
        return notification.status, notification.recovery_workflow_details

    def notification_source(self, notification_uuid):
        """``(status, source host uuid)``, or None if Masakari has none."""
        try:
            notification = self._notification(notification_uuid)
        except exceptions.ApiError as exc:
            if exc.status == 404:
                return None
            raise
        return notification.status, notification.source_host_uuid

    def notification_status(self, notification_uuid):
        """A notification's status, or None if Masakari has no such one."""
        found = self.notification_source(notification_uuid)
        return found[0] if found else None
