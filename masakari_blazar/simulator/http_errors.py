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

"""Errors the simulated services raise, each carrying its HTTP status.

The model raises them and the HTTP layer renders them in the body shape of
the service they belong to, because the real clients parse those shapes:
novaclient reads ``{"badRequest": {"message": ...}}``, python-blazarclient
reads ``error_message`` (and a caller reads the status from
``BlazarClientException.kwargs['code']``), keystoneauth reads Placement's
``errors`` list, and openstacksdk Ironic's ``error_message``.
"""


class SimError(Exception):
    """An error with an HTTP status and a message meant for the client."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


class NovaError(SimError):
    """A failure as the Nova API reports it."""


class PlacementError(SimError):
    """A failure as Placement reports it, with its error ``code``."""

    def __init__(self, status, message, code='placement.undefined_code'):
        super().__init__(status, message)
        self.code = code


class BlazarError(SimError):
    """A Blazar exception: ``name`` is its class name, as seen in logs."""

    def __init__(self, status, message, name='BlazarException'):
        super().__init__(status, message)
        self.name = name


class KeystoneError(SimError):
    """A failure as Keystone reports it."""


class IronicError(SimError):
    """A failure as the Ironic API reports it.

    ``routing`` marks the errors Ironic raises while routing (pecan renders
    those webob exceptions with ``code``, ``title`` and ``description``)
    rather than in a handler (``faultcode``, ``faultstring``,
    ``debuginfo``); see ``simulator/ironic/api.py``.
    """

    def __init__(self, status, message, routing=False):
        super().__init__(status, message)
        self.routing = routing


def blazar(name, status, message):
    """Build a BlazarError named after the upstream exception class."""
    return BlazarError(status, message, name)


def not_enough_hosts():
    """``NotEnoughHostsAvailable``: a plain BlazarException, hence 500."""
    return blazar('NotEnoughHostsAvailable', 500, 'Not enough hosts available')
