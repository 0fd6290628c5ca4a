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

"""Masakari's own account for Nova, tried the way Masakari loads it.

Masakari's ``prepare_HA_enabled_instances_task`` lists the failed host's
instances before any task of the plugin runs, with the account of the
``[DEFAULT] os_privileged_user_*`` options, loaded by the auth plugin that
``[keystone_authtoken] auth_type`` names
(``masakari.compute.nova.novaclient``).  A wrong password there shows only
once a host has failed, as a bare HTTP 401 in masakari-engine's log, so
``check`` asks Keystone for a token with it beforehand.
"""

from keystoneauth1 import exceptions as ks_exc
from keystoneauth1 import loading as ks_loading
from keystoneauth1 import session as ks_session

import masakari.conf  # noqa: F401  (registers the options read below)

# The options that name the account, in the order Masakari's docs list
# them; the domains have defaults.
OPTIONS = ('os_privileged_user_name', 'os_privileged_user_password',
           'os_privileged_user_tenant', 'os_privileged_user_auth_url')


def configured(conf):
    """Whether the configuration names the account at all.

    The plugin's command may be given a file without Masakari's own
    options (it needs only the plugin's); then there is nothing to try.
    """
    return any(getattr(conf, name) for name in OPTIONS)


def token_problem(conf):
    """Why Keystone gives Masakari's account no token, or None if it does.

    :returns: one line naming the option to fix.
    """
    missing = [name for name in OPTIONS if not getattr(conf, name)]
    if missing:
        return ('[DEFAULT] %s is not set: Masakari lists the failed host\'s '
                'instances with the os_privileged_user_* account' %
                ', '.join(missing))
    conf.import_group('keystone_authtoken', 'keystonemiddleware.auth_token')
    auth_type = conf.keystone_authtoken.auth_type
    if not auth_type:
        return ('[keystone_authtoken] auth_type is not set: Masakari loads '
                'its os_privileged_user_* account with that auth plugin')
    try:
        auth = ks_loading.get_plugin_loader(auth_type).load_from_options(
            auth_url=conf.os_privileged_user_auth_url,
            username=conf.os_privileged_user_name,
            password=conf.os_privileged_user_password,
            project_name=conf.os_privileged_user_tenant,
            user_domain_name=conf.os_user_domain_name,
            project_domain_name=conf.os_project_domain_name,
            system_scope=conf.os_system_scope)
        session = ks_session.Session(
            auth=auth, verify=(not conf.nova_api_insecure and
                               (conf.nova_ca_certificates_file or True)))
        session.get_token()
    except ks_exc.Unauthorized as exc:
        return ('Keystone refuses Masakari\'s os_privileged_user_* account '
                '(HTTP 401: %s): check [DEFAULT] os_privileged_user_password, '
                'os_privileged_user_name, os_privileged_user_tenant, '
                'os_user_domain_name and os_project_domain_name' % (
                    ' '.join(str(exc).split())))
    except (ks_exc.ConnectionError, ks_exc.DiscoveryFailure) as exc:
        return ('Keystone cannot be reached at [DEFAULT] '
                'os_privileged_user_auth_url %s (%s)' % (
                    conf.os_privileged_user_auth_url,
                    ' '.join(str(exc).split())[:300]))
    except ks_exc.ClientException as exc:
        return ('Keystone gives Masakari\'s os_privileged_user_* account no '
                'token: %s' % ' '.join(str(exc).split()))
    return None
