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

"""Text fit to show: no credential, and no control character.

What the plugin writes reaches people who should see neither: a
notification's progress details are readable by every Masakari API user
with access to it, and a CLI line goes to an operator's terminal.  So
every line that leaves the plugin goes through :func:`clean`:

* credentials in URLs (``redis://:secret@host``) and in ``key=value``
  text are masked, with oslo.utils' masker for the latter;
* control characters -- a newline in an instance name that would forge a
  progress line, an escape sequence that would drive the terminal -- are
  shown escaped (``\\n``, ``\\x1b``), since names are set by tenants.
"""

import re

from oslo_utils import strutils

MASK = '***'
# scheme://user:password@ -- the user may be empty (redis://:pw@host).
_URL_PASSWORD = re.compile(
    r'(?P<head>\b[a-zA-Z][a-zA-Z0-9+.-]*://[^:@/\s]*:)[^@/\s]*(?P<at>@)')


def mask(text):
    """``text`` with the passwords of URLs and ``key=value`` pairs hidden."""
    text = _URL_PASSWORD.sub(r'\g<head>%s\g<at>' % MASK, text)
    return strutils.mask_password(text, secret=MASK)


def printable(text):
    """``text`` with each non-printable character shown as its escape."""
    if text.isprintable():
        return text
    return ''.join(
        char if char.isprintable() else
        char.encode('unicode_escape').decode('ascii') for char in text)


def clean(text):
    """What may be shown to anyone: :func:`mask` then :func:`printable`."""
    return printable(mask(str(text)))
