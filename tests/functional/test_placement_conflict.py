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

"""A Placement generation conflict is read again and retried.

Placement guards every provider with a generation: a write based on an old
read is refused with 409 ``placement.concurrent_update``, and the writer is
to read again and retry.  Here another writer (as Blazar or nova-compute
would) updates the spare's ``blazar_<host>`` provider between the plugin's
read and its write, once.
"""

from tests.functional import harness


def _interleave_a_writer(cloud, times):
    """Bump a ``blazar_`` provider's generation before ``times`` writes."""
    placement = cloud.placement
    real = placement.set_inventories
    left = [times]

    def set_inventories(rp_uuid, generation, inventories):
        provider = placement.provider(rp_uuid)
        if left[0] and provider.name.startswith('blazar_spare'):
            left[0] -= 1
            provider.generation += 1
        return real(rp_uuid, generation, inventories)

    placement.set_inventories = set_inventories
    return left


def _inventory_writes(cloud):
    return [(method, path) for service, method, path, _ in cloud.request_log
            if service == 'placement' and method == 'PUT' and
            path.endswith('/inventories')]


def test_a_generation_conflict_is_retried_and_the_recovery_finishes(
        runner):
    cloud = runner.cloud(harness.scenario('instance-reservation'))
    runner.prepare(cloud)
    left = _interleave_a_writer(cloud, times=2)
    result = runner.fail(cloud, 'compute-1')

    assert left == [0], 'the concurrent writer never came in'
    assert result.status == 'finished', result.messages
    # Two refused writes, then the one that counted.
    assert len(_inventory_writes(cloud)) == 3
    assert result.where('ir-vm-1') == result.where('ir-vm-2')
    result.assert_nothing_lost()


def test_conflicts_that_do_not_clear_end_in_one_line(runner):
    cloud = runner.cloud(harness.scenario('instance-reservation'))
    runner.prepare(cloud)
    _interleave_a_writer(cloud, times=100)
    result = runner.fail(cloud, 'compute-1')

    assert result.status == 'error'
    assert result.said('HTTP 409: resource provider generation conflict '
                       '(placement.concurrent_update)'), result.messages
