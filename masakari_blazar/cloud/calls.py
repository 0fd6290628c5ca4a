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

"""How calls to the cloud's APIs are made, retried, and turned into errors.

Transient failures (5xx answers, timeouts, refused connections) are retried
with a bounded exponential backoff, through tenacity, before they become
one-line :class:`masakari_blazar.exceptions.ApiError` failures.
"""

from blazarclient import exception as blazar_exc
from keystoneauth1 import exceptions as ks_exc
from novaclient import exceptions as nova_exc
import tenacity

from masakari_blazar import exceptions
from masakari_blazar import log_context

LOG = log_context.getLogger(__name__)


def http_status(exc):
    """The HTTP status behind a client exception, or None.

    python-blazarclient keeps the real status in ``kwargs['code']`` while its
    ``code`` attribute stays 500, so the two libraries need different reads.
    """
    if isinstance(exc, blazar_exc.BlazarClientException):
        return exc.kwargs.get('code')
    if isinstance(exc, nova_exc.ClientException):
        return exc.code
    if isinstance(exc, ks_exc.HttpError):
        return exc.http_status
    return None


def _api_wg_error(exc):
    """The first error of an API-WG style answer (Placement's), or {}."""
    response = getattr(exc, 'response', None)
    try:
        error = response.json()['errors'][0]
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        return {}
    return error if isinstance(error, dict) else {}


def error_code(exc):
    """The service's code for the error (placement.concurrent_update)."""
    return _api_wg_error(exc).get('code')


def retrying(should_retry, attempts=5, delay=0.5, max_delay=5):
    """Repeat a step while ``should_retry(ApiError)`` says a repeat helps.

    For refusals that a service resolves by itself (Blazar finishing a
    lease's end) or that its protocol says to repeat after reading again
    (Placement's generation conflicts); the step is repeated whole, so it
    must read what it changes.
    """
    return tenacity.Retrying(
        stop=tenacity.stop_after_attempt(attempts),
        wait=tenacity.wait_exponential(multiplier=delay, max=max_delay),
        retry=tenacity.retry_if_exception(
            lambda e: (isinstance(e, exceptions.ApiError) and
                       should_retry(e))),
        reraise=True)


def is_transient(exc):
    """Whether repeating the same call may succeed."""
    if isinstance(exc, ks_exc.SSLError):
        return False
    if isinstance(exc, (ks_exc.ConnectionError, ks_exc.DiscoveryFailure,
                        ks_exc.RetriableConnectionFailure)):
        return True
    status = http_status(exc)
    return status is not None and status >= 500


def describe(exc):
    """The failure in one line, naming the option to fix if one is to blame.

    Shared with :mod:`masakari_blazar.cloud.masakari_api`, whose calls go
    over the same keystoneauth session and fail the same ways.
    """
    if isinstance(exc, ks_exc.DiscoveryFailure):
        return ('Keystone cannot be reached (%s); check [blazar] auth_url'
                % ' '.join(str(exc).split())[:300])
    if isinstance(exc, ks_exc.EndpointNotFound):
        return ('no endpoint in the Keystone catalog (%s); check the '
                'service_type, interface and region_name options' % exc)
    if isinstance(exc, (ks_exc.Unauthorized, ks_exc.MissingAuthPlugin,
                        ks_exc.AuthorizationFailure)):
        return ('authentication failed (%s); check the credentials in the '
                '[blazar] section' % exc)
    if isinstance(exc, ks_exc.ConnectionError):
        return 'cannot connect (%s)' % exc
    status = http_status(exc)
    error = _api_wg_error(exc)
    text = ' '.join(str(error.get('detail') or exc).split())
    if error.get('code'):
        text = '%s (%s)' % (text, error['code'])
    if status:
        return 'HTTP %s: %s' % (status, text)
    return text


CLIENT_ERRORS = (blazar_exc.BlazarClientException, nova_exc.ClientException,
                 ks_exc.ClientException)


class Caller(object):
    """Runs API calls with bounded retries and one-line failures."""

    def __init__(self, retries, delay, max_delay, transient=is_transient):
        self._retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(retries + 1),
            wait=tenacity.wait_exponential(multiplier=delay, max=max_delay),
            retry=tenacity.retry_if_exception(transient),
            before_sleep=self._log_retry,
            reraise=True)

    @staticmethod
    def _log_retry(state):
        LOG.warning('Retrying after a transient failure (attempt %d): %s',
                    state.attempt_number, state.outcome.exception())

    def __call__(self, service, call, fn, *args, **kwargs):
        """Call ``fn``, naming it ``call`` on ``service`` when it fails."""
        try:
            return self._retrying(fn, *args, **kwargs)
        except CLIENT_ERRORS as exc:
            raise exceptions.ApiError(service, call, describe(exc),
                                      status=http_status(exc),
                                      code=error_code(exc)) from exc

    @classmethod
    def from_conf(cls, group, transient=is_transient):
        """Retries as the plugin's options say; ``transient`` picks which.

        A power driver's library (sushy, openstacksdk) raises errors of its
        own, so it says itself which of them a repeat may cure.
        """
        return cls(group.api_retries, group.api_retry_delay,
                   group.api_retry_max_delay, transient)
