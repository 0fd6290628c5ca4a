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

"""The plugin's errors, each fit to show an operator as it is.

Masakari turns any exception it does not know into a generic "Failed to
execute host failure flow" message, so every failure the plugin can foresee
is raised as a :class:`RecoveryError` whose text is one line that names what
failed and what to fix.  The tasks hand that text to Masakari inside a
``HostRecoveryFailureException``, which keeps it in the notification.
"""

from masakari_blazar import safe_text


class RecoveryError(Exception):
    """A failure whose message is fit to show an operator as it is.

    The message is made so when the error is made: it may name a tenant's
    instance or lease, or a URL with credentials, and it reaches terminals,
    logs and the notification's progress details.
    """

    def __init__(self, message=''):
        super().__init__(safe_text.clean(message))


class ConfigError(RecoveryError):
    """The plugin's configuration cannot work."""


class ApiError(RecoveryError):
    """A call to Blazar, Nova or Placement failed for good."""

    def __init__(self, service, call, detail, status=None, code=None):
        self.service = service
        self.call = call
        self.status = status
        # The service's own name for the error, where its answer has one
        # (Placement's errors[].code, e.g. placement.concurrent_update).
        self.code = code
        super().__init__('%s call "%s" failed: %s' % (service, call, detail))


class NoSpareFits(RecoveryError):
    """No spare can hold some instance, and the fallback is to fail."""


class SpareUnusable(RecoveryError):
    """A host offered as the target is not a free, healthy spare."""


class ClaimError(RecoveryError):
    """A spare could not be claimed, detached or returned."""


class PowerError(RecoveryError):
    """A host's power could not be read or switched through its driver."""
