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

"""Keystone v3 under ``/identity``: password tokens, the catalog, trusts.

Enough for keystoneauth's ``password`` and ``v3password`` plugins (which
Masakari's Nova client builds on every call), for service clients that
discover their endpoints from the catalog, for keystonemiddleware's token
validation, and for Blazar, which makes a trust per host and per lease and
later acts through trust-scoped tokens.  Every user is treated as admin.

The handlers take a ``cloud``: anything with ``users``, ``projects``,
``tokens``, ``user_id(name)`` and, optionally, ``trusts`` (a TrustStore)
and ``catalog`` ((type, name, url) triples: the real-services harness
lists services on ports of their own; the simulated cloud serves them all
under one root, as SERVICES says, names itself there, and lists the
masakari-api of its ``masakari_url`` setting as ``instance-ha``).
"""

import datetime
import threading
import uuid

from keystoneauth1 import fixture

from masakari_blazar.simulator import http_errors
from masakari_blazar.simulator import web

DOMAIN_ID = 'default'
DOMAIN_NAME = 'Default'
REGION = 'RegionOne'
# The simulated cloud names itself in the catalog, which every client reads
# anyway, so that "masakari-blazar recover --local" can tell it from a real
# cloud (doc/source/simulator.rst).  The real-services harness lists a
# catalog of its own, without it.
SIMULATOR_SERVICE_TYPE = 'masakari-blazar-simulator'
# (catalog type, name, path under the server root)
SERVICES = (('identity', 'keystone', '/identity'),
            ('compute', 'nova', '/compute/v2.1'),
            ('placement', 'placement', '/placement'),
            ('reservation', 'blazar', '/reservation/v1'),
            ('baremetal', 'ironic', '/baremetal'),
            (SIMULATOR_SERVICE_TYPE, 'simulator', ''))
# Masakari's service type, under which its clients look for masakari-api.
MASAKARI_SERVICE_TYPE = 'instance-ha'


class TokenStore(object):
    """Issued tokens: id -> the token body's user and scope."""

    def __init__(self):
        self._tokens = {}
        self._lock = threading.Lock()

    def issue(self, record):
        token_id = uuid.uuid4().hex
        with self._lock:
            self._tokens[token_id] = record
        return token_id

    def get(self, token_id):
        with self._lock:
            return self._tokens.get(token_id)


class TrustStore(object):
    """Trusts made through OS-TRUST: id -> the trust's body."""

    def __init__(self):
        self._trusts = {}
        self._lock = threading.Lock()

    def create(self, body):
        trust = dict(body, id=uuid.uuid4().hex)
        with self._lock:
            self._trusts[trust['id']] = trust
        return trust

    def get(self, trust_id):
        with self._lock:
            return self._trusts.get(trust_id)

    def delete(self, trust_id):
        with self._lock:
            return self._trusts.pop(trust_id, None)


def _unauthorized():
    return http_errors.KeystoneError(
        401, 'The request you have made requires authentication.')


def _find_project(cloud, scope):
    project = (scope or {}).get('project')
    if not project:
        return None
    for name, project_id in cloud.projects.items():
        if project.get('id') == project_id or project.get('name') == name:
            return name, project_id
    raise _unauthorized()


def _authenticate(cloud, identity):
    methods = identity.get('methods') or []
    if 'password' in methods:
        user = identity.get('password', {}).get('user', {})
        domain = user.get('domain', {})
        if domain and domain.get('name', DOMAIN_NAME) != DOMAIN_NAME and \
                domain.get('id', DOMAIN_ID) != DOMAIN_ID:
            raise _unauthorized()
        name = user.get('name') or user.get('id')
        if cloud.users.get(name) != user.get('password'):
            raise _unauthorized()
        return name
    if 'token' in methods:
        record = cloud.tokens.get(identity.get('token', {}).get('id'))
        if record is None:
            raise http_errors.KeystoneError(
                404, 'Could not find token: %s.'
                % identity.get('token', {}).get('id'))
        return record['user_name']
    raise _unauthorized()


def catalog(cloud, base_url):
    """The (type, name, url) triples a token lists."""
    listed = getattr(cloud, 'catalog', None)
    if listed:
        return list(listed)
    services = [(service_type, name, base_url + path)
                for service_type, name, path in SERVICES]
    masakari_url = getattr(cloud, 'config', {}).get('masakari_url')
    if masakari_url:
        services.append((MASAKARI_SERVICE_TYPE, 'masakari', masakari_url))
    return services


def _token_body(cloud, base_url, record):
    trust = record.get('trust') or {}
    token = fixture.V3Token(
        user_id=record['user_id'], user_name=record['user_name'],
        user_domain_id=DOMAIN_ID, user_domain_name=DOMAIN_NAME,
        project_id=record.get('project_id'),
        project_name=record.get('project_name'),
        project_domain_id=DOMAIN_ID if record.get('project_id') else None,
        project_domain_name=DOMAIN_NAME if record.get('project_id') else None,
        issued=record['issued'], expires=record['expires'],
        audit_id=record['audit_id'], trust_id=trust.get('id'),
        trust_impersonation=trust.get('impersonation'),
        trustee_user_id=trust.get('trustee_user_id'),
        trustor_user_id=trust.get('trustor_user_id'))
    if record.get('project_id'):
        for role in ('admin', 'member', 'reader'):
            token.add_role(name=role, id=role)
        for service_type, name, url in catalog(cloud, base_url):
            service = token.add_service(service_type, name=name)
            service.add_standard_endpoints(public=url, internal=url,
                                           admin=url, region=REGION)
    return token


def _trust_scope(cloud, scope):
    """The trust a token is scoped to, and that trust's project."""
    ref = (scope or {}).get('OS-TRUST:trust')
    if not ref:
        return None, None
    trusts = getattr(cloud, 'trusts', None)
    trust = trusts.get(ref.get('id')) if trusts is not None else None
    if trust is None:
        raise http_errors.KeystoneError(404, 'Could not find trust: %s.'
                                        % ref.get('id'))
    for name, project_id in cloud.projects.items():
        if project_id == trust.get('project_id'):
            return trust, (name, project_id)
    raise _unauthorized()


def issue_token(req, cloud):
    """POST /v3/auth/tokens (project- or trust-scoped)."""
    auth = (req.json() or {}).get('auth', {})
    user_name = _authenticate(cloud, auth.get('identity', {}))
    trust, project = _trust_scope(cloud, auth.get('scope'))
    if trust is None:
        project = _find_project(cloud, auth.get('scope'))
    now = datetime.datetime.utcnow()
    record = {'user_name': user_name,
              'user_id': cloud.user_id(user_name),
              'project_name': project[0] if project else None,
              'project_id': project[1] if project else None,
              'issued': now, 'expires': now + datetime.timedelta(days=1),
              'audit_id': uuid.uuid4().hex, 'trust': trust}
    token_id = cloud.tokens.issue(record)
    return web.Response(201, _token_body(cloud, req.base_url, record),
                        {'X-Subject-Token': token_id})


def validate_token(req, cloud):
    """GET /v3/auth/tokens: keystonemiddleware's validation call."""
    record = cloud.tokens.get(req.header('X-Subject-Token'))
    if record is None:
        raise http_errors.KeystoneError(404, 'Could not find token: %s.'
                                        % req.header('X-Subject-Token'))
    return web.Response(200, _token_body(cloud, req.base_url, record),
                        {'X-Subject-Token': req.header('X-Subject-Token')})


def show_project(req, cloud, project_id):
    """GET /v3/projects/{id}.

    Nova checks that a project exists before it gives it access to a
    private flavor, as Blazar's instance-reservation flavors are.
    """
    for name, known_id in cloud.projects.items():
        if project_id in (known_id, name):
            return web.Response(200, {'project': {
                'id': known_id, 'name': name, 'domain_id': DOMAIN_ID,
                'enabled': True, 'is_domain': False, 'parent_id': DOMAIN_ID,
                'description': '', 'tags': []}})
    raise http_errors.KeystoneError(404, 'Could not find project: %s.'
                                    % project_id)


def _trusts(cloud):
    trusts = getattr(cloud, 'trusts', None)
    if trusts is None:
        raise http_errors.KeystoneError(
            404, 'The resource could not be found.')
    return trusts


def create_trust(req, cloud):
    """POST /v3/OS-TRUST/trusts: Blazar's trust per host and per lease."""
    body = (req.json() or {}).get('trust') or {}
    trust = _trusts(cloud).create(body)
    return web.Response(201, {'trust': trust})


def show_trust(req, cloud, trust_id):
    trust = _trusts(cloud).get(trust_id)
    if trust is None:
        raise http_errors.KeystoneError(404, 'Could not find trust: %s.'
                                        % trust_id)
    return web.Response(200, {'trust': trust})


def delete_trust(req, cloud, trust_id):
    if _trusts(cloud).delete(trust_id) is None:
        raise http_errors.KeystoneError(404, 'Could not find trust: %s.'
                                        % trust_id)
    return web.Response(204)


def _version(base_url):
    return {'id': 'v3.14', 'status': 'stable',
            'updated': '2020-04-07T00:00:00Z',
            'links': [{'rel': 'self', 'href': base_url + '/identity/v3/'}],
            'media-types': [{'base': 'application/json',
                             'type': 'application/vnd.openstack.identity-v3'
                                     '+json'}]}


def versions(req, cloud):
    return web.Response(300, {'versions': {'values': [_version(
        req.base_url)]}})


def version(req, cloud):
    return web.Response(200, {'version': _version(req.base_url)})


ROUTES = (
    ('GET', r'', versions),
    ('GET', r'/v3', version),
    ('POST', r'/v3/auth/tokens', issue_token),
    ('GET', r'/v3/auth/tokens', validate_token),
    ('GET', r'/v3/projects/(?P<project_id>[^/]+)', show_project),
    ('POST', r'/v3/OS-TRUST/trusts', create_trust),
    ('GET', r'/v3/OS-TRUST/trusts/(?P<trust_id>[^/]+)', show_trust),
    ('DELETE', r'/v3/OS-TRUST/trusts/(?P<trust_id>[^/]+)', delete_trust),
)

# Routes a caller may use without a token.
PUBLIC = (versions, version, issue_token)


def render_error(exc):
    titles = {401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found'}
    return web.Response(exc.status, {'error': {
        'code': exc.status, 'message': exc.message,
        'title': titles.get(exc.status, 'Error')}})
