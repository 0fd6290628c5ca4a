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

"""How API failures become one-line errors, and which are retried."""

from blazarclient import exception as blazar_exc
from keystoneauth1 import exceptions as ks_exc
from novaclient import exceptions as nova_exc
import pytest

from masakari_blazar.cloud import calls

from masakari_blazar import exceptions


def blazar_error(code):
    # What python-blazarclient's SessionClient raises for an HTTP error.
    return blazar_exc.BlazarClientException(
        'ERROR: Lease with id l-1 not found', code=code)


def nova_error(code):
    # What novaclient.exceptions.from_response builds.
    return nova_exc.from_response(
        type('Resp', (), {'status_code': code, 'headers': {
            'x-compute-request-id': 'req-1'}})(),
        {'conflictingRequest': {'message': 'Cannot add host', 'code': code}},
        '/os-aggregates/3/action', 'POST')


def test_blazar_status_is_in_kwargs_not_in_code():
    exc = blazar_error(404)
    assert exc.code == 500
    assert calls.http_status(exc) == 404


def test_blazar_exception_without_a_code_reports_its_class_code():
    assert calls.http_status(blazar_exc.BlazarClientException()) == 500
    assert calls.http_status(blazar_exc.NotAuthorized()) == 401


@pytest.mark.parametrize('code', [400, 404, 409, 500, 503])
def test_nova_status_is_its_code(code):
    exc = nova_error(code)
    assert isinstance(exc, nova_exc.ClientException)
    assert calls.http_status(exc) == code


def test_keystoneauth_http_error_status():
    assert calls.http_status(ks_exc.http.ServiceUnavailable()) == 503
    assert calls.http_status(ks_exc.http.NotFound()) == 404


def test_other_exceptions_have_no_status():
    assert calls.http_status(ValueError('x')) is None
    assert calls.http_status(ks_exc.ConnectFailure('refused')) is None


@pytest.mark.parametrize('exc,transient', [
    (ks_exc.ConnectFailure('Connection refused'), True),
    (ks_exc.ConnectTimeout('timed out'), True),
    (ks_exc.UnknownConnectionError('reset', OSError('reset')), True),
    (blazar_error(500), True),
    (blazar_error(503), True),
    (nova_error(502), True),
    (ks_exc.http.GatewayTimeout(), True),
    (blazar_error(400), False),
    (blazar_error(404), False),
    (blazar_error(409), False),
    (nova_error(400), False),
    (nova_error(409), False),
    (ks_exc.http.Unauthorized(), False),
    (ks_exc.EndpointNotFound('no reservation endpoint'), False),
    (ValueError('bug'), False),
])
def test_is_transient(exc, transient):
    assert calls.is_transient(exc) is transient


class Flaky(object):
    """A callable failing with ``failures`` in turn, then answering."""

    def __init__(self, *failures, answer='ok'):
        self.failures = list(failures)
        self.answer = answer
        self.calls = 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        self.args = (args, kwargs)
        if self.failures:
            raise self.failures.pop(0)
        return self.answer


def caller(retries=3):
    return calls.Caller(retries, delay=0.001, max_delay=0.002)


def test_transient_failures_are_retried_until_success():
    fn = Flaky(ks_exc.ConnectFailure('refused'), blazar_error(503),
               answer=['lease'])
    assert caller()('Blazar', 'GET /leases', fn, 'a', b=1) == ['lease']
    assert fn.calls == 3
    assert fn.args == (('a',), {'b': 1})


@pytest.mark.parametrize('failure', [blazar_error(404), nova_error(409),
                                     ks_exc.http.Forbidden()])
def test_client_errors_are_not_retried(failure):
    fn = Flaky(failure, answer='never')
    with pytest.raises(exceptions.ApiError) as exc:
        caller()('Nova', 'POST /os-aggregates/3/action add_host', fn)
    assert fn.calls == 1
    assert exc.value.status == calls.http_status(failure)


def test_server_errors_are_retried_n_times_then_fail_naming_the_call():
    fn = Flaky(*[blazar_error(503) for _ in range(10)])
    with pytest.raises(exceptions.ApiError) as exc:
        caller(retries=2)('Blazar', 'DELETE /leases/l-1', fn)
    assert fn.calls == 3
    err = exc.value
    assert (err.service, err.call, err.status) == (
        'Blazar', 'DELETE /leases/l-1', 503)
    assert str(err).startswith('Blazar call "DELETE /leases/l-1" failed: '
                               'HTTP 503: ')
    assert 'Lease with id l-1 not found' in str(err)
    assert '\n' not in str(err)


def test_zero_retries_means_one_attempt():
    fn = Flaky(nova_error(500), answer='never')
    with pytest.raises(exceptions.ApiError):
        caller(retries=0)('Nova', 'GET /os-services', fn)
    assert fn.calls == 1


def test_unreachable_service_is_described_as_such():
    fn = Flaky(*[ks_exc.ConnectFailure('Connection refused')] * 3)
    with pytest.raises(exceptions.ApiError) as exc:
        caller(retries=2)('Placement', 'GET /resource_providers', fn)
    assert fn.calls == 3
    assert exc.value.status is None
    assert 'cannot connect' in str(exc.value)
    assert 'Placement call "GET /resource_providers"' in str(exc.value)


def test_missing_endpoint_points_at_the_options():
    fn = Flaky(ks_exc.EndpointNotFound('reservation'))
    with pytest.raises(exceptions.ApiError, match='service_type, interface'):
        caller()('Blazar', 'GET /leases', fn)
    assert fn.calls == 1


def test_bad_credentials_point_at_the_blazar_section():
    fn = Flaky(ks_exc.http.Unauthorized('The request you have made '
                                        'requires authentication.'))
    with pytest.raises(exceptions.ApiError, match=r'\[blazar\] section'):
        caller()('Blazar', 'GET /leases', fn)
    assert fn.calls == 1


def test_errors_that_are_not_api_errors_pass_through_untouched():
    fn = Flaky(KeyError('hosts'))
    with pytest.raises(KeyError):
        caller()('Nova', 'GET /os-aggregates', fn)
    assert fn.calls == 1


def test_api_error_is_a_recovery_error():
    assert issubclass(exceptions.ApiError, exceptions.RecoveryError)
    for cls in (exceptions.ConfigError, exceptions.NoSpareFits,
                exceptions.SpareUnusable, exceptions.ClaimError):
        assert issubclass(cls, exceptions.RecoveryError)


class _Response(object):
    def __init__(self, body):
        self._body = body

    def json(self):
        if self._body is None:
            raise ValueError('not JSON')
        return self._body


@pytest.mark.parametrize('body,code', [
    ({'errors': [{'status': 409, 'title': 'Conflict',
                  'detail': 'resource provider generation conflict',
                  'code': 'placement.concurrent_update'}]},
     'placement.concurrent_update'),
    ({'errors': []}, None),
    ({'conflictingRequest': {'message': 'nova style'}}, None),
    (None, None),
])
def test_placement_error_codes_are_kept_on_the_error(body, code):
    exc = ks_exc.Conflict(response=_Response(body))

    def refused():
        raise exc

    with pytest.raises(exceptions.ApiError) as raised:
        calls.Caller(0, 0, 0)('Placement', 'PUT /x', refused)
    assert raised.value.status == 409
    assert raised.value.code == code
    if code:
        assert str(raised.value) == (
            'Placement call "PUT /x" failed: HTTP 409: resource provider '
            'generation conflict (placement.concurrent_update)')


def test_retrying_repeats_only_what_the_predicate_accepts():
    attempts = []

    def conflicted():
        attempts.append(1)
        raise exceptions.ApiError('Placement', 'PUT /x', 'conflict',
                                  status=409, code='other')

    with pytest.raises(exceptions.ApiError):
        calls.retrying(lambda e: e.code == 'placement.concurrent_update',
                       delay=0)(conflicted)
    assert len(attempts) == 1
    attempts.clear()
    with pytest.raises(exceptions.ApiError):
        calls.retrying(lambda e: e.status == 409, attempts=3,
                       delay=0)(conflicted)
    assert len(attempts) == 3
