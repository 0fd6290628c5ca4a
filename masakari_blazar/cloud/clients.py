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

"""Blazar, Nova and Placement clients over one keystoneauth session.

The session and its credentials come from the ``[blazar]`` section through
``keystoneauth1.loading``, exactly as other OpenStack services load theirs;
``[nova]`` and ``[placement]`` choose the endpoints and keystoneauth's own
retries of each request (``connect_retries``, ``status_code_retries`` and
their delays), which the plugin's retries of each call
(:mod:`masakari_blazar.cloud.calls`) wrap.  Nova is spoken to at the newest
microversion both sides support: python-novaclient for the actions, and
keystoneauth for the reads of servers, at up to 2.100, so that the
boot-time ``reservation`` scheduler hint is visible where Nova shows it
(python-novaclient stops at 2.96, which hides it).
"""

import urllib.parse

from blazarclient import client as blazar_client
from keystoneauth1 import loading as ks_loading
from keystoneauth1.loading import adapter as ks_adapter
import novaclient
from novaclient import api_versions
from novaclient import client as nova_client

from masakari_blazar.cloud import calls
from masakari_blazar import conf as mb_conf
from masakari_blazar import exceptions

PLACEMENT_MICROVERSION = '1.14'
#: The newest Nova microversion whose answers the plugin reads: 2.100
#: shows the boot-time scheduler hints, which decide who is reserved.
NOVA_READ_MICROVERSION = (2, 100)
# What the simulated cloud's Keystone lists in its catalog to name itself
# (doc/source/simulator.rst).
SIMULATOR_SERVICE_TYPE = 'masakari-blazar-simulator'

# The adapter options that python-blazarclient and python-novaclient hand
# to the keystoneauth Adapter they are built on; the version options are
# theirs to choose.
_CLIENT_KEYS = ('service_type', 'service_name', 'interface', 'region_name',
                'endpoint_override', 'connect_retries', 'connect_retry_delay',
                'status_code_retries', 'status_code_retry_delay',
                'retriable_status_codes')


def _endpoint_kwargs(conf, group):
    kwargs = {}
    try:
        ks_adapter.process_conf_options(conf[group], kwargs)
    except TypeError as exc:
        raise exceptions.ConfigError('[%s] %s' % (group, exc))
    return {k: v for k, v in kwargs.items()
            if k in _CLIENT_KEYS and v is not None}


def _missing_credential(group_conf):
    """The first credential option the auth plugin needs but has no value.

    keystoneauth marks only auth_url required: without a password it
    raises a bare ``Exception`` once Keystone answers, without a username
    Keystone answers 401, and without a project the token is unscoped, so
    that every catalog lookup fails as if an endpoint option were wrong.
    An application credential carries its project scope itself.
    """
    def given(*names):
        return any(getattr(group_conf, name, None) for name in names)

    auth_type = group_conf.auth_type
    if 'applicationcredential' in auth_type:
        return None
    if 'password' in auth_type:
        if not given('username', 'user_id'):
            return 'username (or user_id)'
        if not given('password'):
            return 'password'
    if not given('project_name', 'project_id', 'tenant_name', 'tenant_id',
                 'domain_name', 'domain_id', 'system_scope'):
        return 'project_name (or project_id, or a domain or system scope)'
    return None


def _bad_auth_url(group_conf):
    """Why ``auth_url`` cannot be Keystone's address, or None.

    keystoneauth takes any string: a value that is no URL fails much
    later, in version discovery or as an empty catalog, and the message
    then points at the endpoint options instead of at this one.
    """
    url = getattr(group_conf, 'auth_url', None)
    if not url:
        return None
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ('http', 'https') or not parts.hostname:
        return 'is not a URL; give Keystone\'s, such as ' \
            'https://keystone.example.com/identity/v3'
    return None


class Clients(object):
    """The clients one recovery uses, built lazily from configuration."""

    def __init__(self, conf):
        self._conf = conf
        self.call = calls.Caller.from_conf(conf[mb_conf.PLUGIN_GROUP])
        self._session = None
        self._blazar = None
        self._nova = None
        self._nova_newest = None
        self._nova_reads = None
        self._placement = None

    @property
    def session(self):
        if self._session is None:
            group = mb_conf.BLAZAR_GROUP
            try:
                auth = ks_loading.load_auth_from_conf_options(
                    self._conf, group)
            except Exception as exc:
                raise exceptions.ConfigError(
                    'Cannot load the [%s] credentials: %s' % (group, exc))
            if auth is None:
                raise exceptions.ConfigError(
                    '[%s] auth_type is not set; configure the Keystone '
                    'credentials that masakari-blazar uses for Blazar, Nova '
                    'and Placement in the [%s] section' % (group, group))
            missing = _missing_credential(self._conf[group])
            if missing:
                raise exceptions.ConfigError(
                    '[%s] %s is not set; the Keystone credentials of the '
                    '[%s] section need it' % (group, missing, group))
            bad_url = _bad_auth_url(self._conf[group])
            if bad_url:
                raise exceptions.ConfigError('[%s] auth_url %s %s' % (
                    group, self._conf[group].auth_url, bad_url))
            self._session = ks_loading.load_session_from_conf_options(
                self._conf, group, auth=auth)
        return self._session

    def simulated(self):
        """Whether the ``[blazar]`` credentials reach the simulated cloud.

        ``recover --local`` leaves its recovery in a scratch database that
        Masakari never sees, which only the simulated cloud can afford.
        """
        access = self.call('Keystone', 'POST /v3/auth/tokens',
                           self.session.auth.get_access, self.session)
        return bool(access.service_catalog.get_urls(
            service_type=SIMULATOR_SERVICE_TYPE))

    @property
    def blazar(self):
        if self._blazar is None:
            self._blazar = blazar_client.Client(
                session=self.session,
                **_endpoint_kwargs(self._conf, mb_conf.BLAZAR_GROUP))
        return self._blazar

    def _nova_version(self):
        """The newest Nova microversion, discovered once for both clients."""
        if self._nova_newest is None:
            adapter = ks_loading.load_adapter_from_conf_options(
                self._conf, mb_conf.NOVA_GROUP, session=self.session,
                raise_exc=True)
            data = self.call('Nova', 'GET / (version discovery)',
                             adapter.get_endpoint_data)
            if data is None:
                raise exceptions.ConfigError(
                    'No Nova endpoint found; check the [%s] options' %
                    mb_conf.NOVA_GROUP)
            self._nova_newest = tuple(data.max_microversion or (2, 1))
        return self._nova_newest

    @property
    def nova(self):
        if self._nova is None:
            newest = min(self._nova_version(),
                         (novaclient.API_MAX_VERSION.ver_major,
                          novaclient.API_MAX_VERSION.ver_minor))
            self._nova = nova_client.Client(
                api_versions.APIVersion('%d.%d' % newest),
                session=self.session,
                **_endpoint_kwargs(self._conf, mb_conf.NOVA_GROUP))
        return self._nova

    @property
    def nova_reads(self):
        """Nova's API for reads at the newest microversion the plugin knows.

        A keystoneauth adapter rather than python-novaclient, which refuses
        a microversion newer than its own newest.
        """
        if self._nova_reads is None:
            newest = min(self._nova_version(), NOVA_READ_MICROVERSION)
            self._nova_reads = ks_loading.load_adapter_from_conf_options(
                self._conf, mb_conf.NOVA_GROUP, session=self.session,
                default_microversion='%d.%d' % newest, raise_exc=True)
        return self._nova_reads

    def nova_at(self, version):
        """Nova at a fixed microversion, on the same session and endpoint.

        Masakari's evacuation code expects the answers of its own
        microversion (2.53), whatever the newest one is.
        """
        return nova_client.Client(
            version, session=self.session,
            **_endpoint_kwargs(self._conf, mb_conf.NOVA_GROUP))

    @property
    def placement(self):
        if self._placement is None:
            self._placement = ks_loading.load_adapter_from_conf_options(
                self._conf, mb_conf.PLACEMENT_GROUP, session=self.session,
                default_microversion=PLACEMENT_MICROVERSION,
                raise_exc=True)
        return self._placement
