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
"""The power of the spares: read it, switch it, through pluggable drivers.

Spares sit idle by design, and an operator may keep some of them powered
off.  The plugin reaches a spare's power through a driver loaded by name
(:mod:`masakari_blazar.power.loader`), as Ironic and Nova load theirs, so
that a site with its own BMC tooling can ship its own.
"""
