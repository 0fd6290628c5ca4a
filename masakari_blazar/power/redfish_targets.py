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
"""Which BMC drives each spare's power, from ``[redfish]``.

BMC credentials often differ per host, and a configuration file readable
by every tool that reads masakari.conf is a poor place for many of them,
so a host's BMC is given either in ``[redfish] systems`` (with the
section's shared credentials) or in ``credentials_file``, a JSON file an
operator can keep readable by the engine alone.  Every problem is a
one-line :class:`masakari_blazar.exceptions.ConfigError` that never
quotes a value from the file, which may be a password.
"""

import collections
import json
import os
import urllib.parse

import jsonschema

from masakari_blazar import conf as mb_conf
from masakari_blazar import exceptions

#: Every Redfish resource lives under this root (DSP0266, "Resource URI").
SERVICE_ROOT = '/redfish/v1/'

Target = collections.namedtuple(
    'Target', 'host system base_url system_path username password verify')

_VERIFY = {'anyOf': [{'type': 'boolean'}, {'type': 'string',
                                           'minLength': 1}]}
SCHEMA = {
    'type': 'object',
    'additionalProperties': {
        'type': 'object',
        'required': ['system'],
        'additionalProperties': False,
        'properties': {
            'system': {'type': 'string', 'minLength': 1},
            'username': {'type': 'string'},
            'password': {'type': 'string'},
            'verify': _VERIFY,
        },
    },
}


def split_system(url):
    """``(scheme://authority, /redfish/v1/Systems/<id>)`` of a system URL.

    :raises ValueError: with what is wrong, for a URL that is no system's.
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ('http', 'https') or not parts.netloc:
        raise ValueError('is not an http(s) URL')
    if '@' in parts.netloc:
        raise ValueError('carries credentials in its address; give them as '
                         'username and password')
    path = parts.path.rstrip('/')
    prefix = SERVICE_ROOT + 'Systems/'
    if not path.startswith(prefix) or path == prefix.rstrip('/') or \
            '/' in path[len(prefix):]:
        raise ValueError('is not a system resource (%s<id>)' % prefix)
    return '%s://%s' % (parts.scheme, parts.netloc), path


def parse_verify(value):
    """sushy's ``verify``: a boolean, or the path of an existing CA bundle.

    :raises ValueError: for a path that does not exist.
    """
    if isinstance(value, bool):
        return value
    if value.strip().lower() in ('true', 'yes', '1'):
        return True
    if value.strip().lower() in ('false', 'no', '0'):
        return False
    if not os.path.isfile(value):
        raise ValueError('names no file (%s); give true, false or the path '
                         'of a CA bundle' % value)
    return value


def _schema_problem(error):
    """Where the file is wrong and what the schema expects, no value."""
    where = '/'.join(str(p) for p in error.absolute_path) or 'the top'
    if error.validator in ('required', 'additionalProperties'):
        return 'at %s: %s' % (where, error.message)
    if error.validator == 'anyOf':
        return 'at %s: must be true, false or the path of a CA bundle' % \
            where
    return 'at %s: must be %s %s' % (where, error.validator,
                                     error.validator_value)


def read_file(path):
    """Host -> its entry in the credentials file, checked."""
    name = '[%s] credentials_file %s' % (mb_conf.REDFISH_GROUP, path)
    try:
        with open(path, encoding='utf-8') as stream:
            data = json.load(stream)
    except OSError as exc:
        raise exceptions.ConfigError('%s cannot be read: %s' % (
            name, exc.strerror or exc))
    except ValueError as exc:
        # json's message quotes no value, only where parsing stopped.
        raise exceptions.ConfigError('%s is not JSON: %s' % (name, exc))
    error = jsonschema.exceptions.best_match(
        jsonschema.Draft7Validator(SCHEMA).iter_errors(data))
    if error is not None:
        raise exceptions.ConfigError('%s: %s' % (name, _schema_problem(
            error)))
    return data


def _target(host, system, username, password, verify, where):
    try:
        base_url, path = split_system(system)
    except ValueError as exc:
        raise exceptions.ConfigError('%s: the system of %s %s' % (
            where, host, exc))
    try:
        verify = parse_verify(verify)
    except ValueError as exc:
        raise exceptions.ConfigError('%s: verify of %s %s' % (
            where, host, exc))
    return Target(host, system, base_url, path, username, password, verify)


def load(group):
    """Host -> :class:`Target`, from the ``[redfish]`` options ``group``.

    :raises masakari_blazar.exceptions.ConfigError: naming the option or
        file entry to fix.
    """
    where = '[%s] systems' % mb_conf.REDFISH_GROUP
    targets = {host: _target(host, url, group.username, group.password,
                             group.verify, where)
               for host, url in group.systems.items()}
    if group.credentials_file:
        entries = read_file(group.credentials_file)
        twice = sorted(set(entries) & set(targets))
        if twice:
            raise exceptions.ConfigError(
                '%s and credentials_file both name %s; keep each host in '
                'one of them' % (where, ', '.join(twice)))
        where = '[%s] credentials_file' % mb_conf.REDFISH_GROUP
        for host, entry in entries.items():
            targets[host] = _target(
                host, entry['system'], entry.get('username'),
                entry.get('password'), entry.get('verify', True), where)
    return targets
