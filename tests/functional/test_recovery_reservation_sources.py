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

"""Which reservation an instance belongs to, end to end.

Blazar's allocation table lists instance reservations as well as host
reservations (an instance reservation once per slot, as the real-services
cross-check showed).  Only a host reservation of the failed host may claim
an instance that carries no hint; an instance reservation's own instances
carry its flavor.
"""

from tests.functional import harness


def _one_slot_and_a_plain_server(spec):
    lease = [item for item in spec['leases']
             if item.get('type') == 'instance'][0]
    lease['amount'] = 1
    lease['hosts'] = ['compute-1']
    spec['servers'] = [s for s in spec['servers'] if s['name'] != 'ir-vm-2']
    spec['servers'].append({'name': 'plain-vm-2', 'host': 'compute-1',
                            'flavor': 'm1.small', 'project': 'demo',
                            'metadata': {'HA_Enabled': 'True'}})


def test_instance_reservation_allocation_does_not_claim_plain_servers(
        runner):
    """An unhinted server on a host with one instance-reservation slot.

    It is unreserved: the allocation Blazar lists for the host belongs to
    an instance reservation, not to a host reservation, so it shares the
    instance reservation's spare instead of costing a spare of its own.
    """
    cloud = runner.cloud(harness.scenario('instance-reservation',
                                          _one_slot_and_a_plain_server))
    runner.prepare(cloud)
    result = runner.fail(cloud, 'compute-1')

    assert result.status == 'finished'
    assert result.where('plain-vm-2') == result.where('ir-vm-1')
    assert list(result.claims()) == [result.where('ir-vm-1')]
    assert not result.said('of host reservation')
    result.assert_nothing_lost()


def forced_unreserved(spec):
    """An admin's forced placement put a plain instance on compute-1."""
    spec['servers'].append({'name': 'forced-vm', 'host': 'compute-1',
                            'flavor': 'm1.small', 'project': 'demo',
                            'metadata': {'HA_Enabled': 'True'}})


def test_an_unhinted_instance_on_a_reserved_host_is_unreserved(runner):
    """Nova shows the boot-time hints from 2.100, beyond python-novaclient.

    forced-vm was booted without the ``reservation`` hint, so the
    BlazarFilter refuses it on the spare that joins the reservation; it
    gets a spare of its own, and stays out of the reservation, whose end
    would delete it.  Nova pages the servers one by one here: every page
    is read.
    """
    cloud = runner.cloud(harness.scenario('host-reservation',
                                          forced_unreserved),
                         nova_max_limit=1)
    runner.prepare(cloud)
    result = runner.fail(cloud, 'compute-1')

    assert result.status == 'finished', result.messages
    joined = result.where('reserved-vm-1')
    assert result.where('reserved-vm-2') == joined
    assert result.where('forced-vm') not in {joined, 'compute-1'}
    assert not result.said('Failed to evacuate')
    result.assert_nothing_lost()
