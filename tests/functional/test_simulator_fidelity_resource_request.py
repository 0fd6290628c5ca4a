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

"""Fidelity of the simulated scheduler and Placement to the flavor's
whole resource request; each test quotes the fact it checks.

The facts are those of doc/source/upstream-behaviour.rst ("The resource
request of a flavor"); the tests drive the simulator only through the
real python-novaclient and keystoneauth over HTTP.
"""

import pytest

from tests.functional import conftest

PINNED = {'hw:cpu_policy': 'dedicated'}


def _cloud(sim_cloud_factory, specs, hosts):
    return sim_cloud_factory({
        'flavors': [{'name': 'f', 'vcpus': 2, 'ram': 1024, 'disk': 10,
                     'extra_specs': specs}],
        'hosts': [dict(name='compute-1', cpu_dedicated_set='0-3',
                       traits=['HW_CPU_X86_AVX2', 'CUSTOM_FAST'])] + hosts,
        'servers': [{'name': 'vm', 'host': 'compute-1', 'flavor': 'f'}]})


def _evacuate(cloud, host):
    nova = conftest.nova_for(cloud)
    conftest.force_down(nova, 'compute-1')
    server_id = cloud.server('vm')['id']
    nova.servers.evacuate(server_id, host=host)
    return conftest.wait_for(
        lambda: cloud.server('vm')['task_state'] is None and
        nova.servers.get(server_id))


def _usages(cloud, host):
    placement = conftest.placement_for(cloud)
    root = placement.get('/resource_providers?name=%s' % host).json()[
        'resource_providers'][0]
    return placement.get('/resource_providers/%s/usages'
                         % root['uuid']).json()['usages']


REFUSED = 'refused'


@pytest.mark.parametrize('specs,hosts,pcpus', [
    (PINNED, [{'name': 'compute-2'}], REFUSED),
    (PINNED, [{'name': 'compute-2', 'cpu_dedicated_set': '4-7'}], 2),
    ({'trait:CUSTOM_FAST': 'required'}, [{'name': 'compute-2'}], REFUSED),
    ({'trait:CUSTOM_FAST': 'required'},
     [{'name': 'compute-2', 'traits': ['CUSTOM_FAST']}], None),
    ({'trait:HW_CPU_X86_AVX2': 'forbidden'}, [{'name': 'compute-2'}],
     REFUSED),
    ({'trait:HW_CPU_X86_AVX2': 'forbidden'},
     [{'name': 'compute-2', 'traits': []}], None),
    ({'resources:VCPU': '0', 'resources:PCPU': '1'},
     [{'name': 'compute-2', 'cpu_dedicated_set': '4'}], 1),
])
def test_the_flavor_request_decides_the_target(sim_cloud_factory, specs,
                                               hosts, pcpus):
    """Placement first: no allocation candidate, no host.

    "hw:cpu_policy=dedicated asks PCPU instead of VCPU"; PCPU inventory
    comes from ``[compute] cpu_dedicated_set``; ``trait:NAME=required``
    and ``=forbidden`` go to Placement as ``required=NAME,!NAME``; a host
    with no candidate fails the evacuation with NoValidHost.
    """
    cloud = _cloud(sim_cloud_factory, specs, hosts)
    server = _evacuate(cloud, 'compute-2')
    if pcpus == REFUSED:
        assert server.status == 'ERROR'
        assert server.fault['message'].startswith('No valid host was found')
        return
    assert (server.status, getattr(server, 'OS-EXT-SRV-ATTR:host')) == (
        'ACTIVE', 'compute-2')
    usages = _usages(cloud, 'compute-2')
    assert (usages.get('PCPU'), usages['VCPU']) == (pcpus,
                                                    0 if pcpus else 2)


def test_pinned_cpus_fill_the_pcpu_inventory(sim_cloud_factory):
    """PCPU is never overcommitted: ratio 1.0, one per dedicated CPU.

    A 2-PCPU instance evacuated to a host with a 1-CPU dedicated set has
    no candidate, whatever VCPU the host has.
    """
    cloud = _cloud(sim_cloud_factory, PINNED,
                   [{'name': 'compute-2', 'cpu_dedicated_set': '4'}])
    assert _evacuate(cloud, 'compute-2').status == 'ERROR'


def test_max_unit_refuses_what_the_capacity_would_hold(sim_cloud_factory):
    """max_unit: no single allocation above it, whatever the ratio.

    The VCPU inventory of a 4-CPU host has max_unit 4; at ratio 16 its
    capacity is 64, but a 6-vCPU instance has no candidate there.
    """
    cloud = sim_cloud_factory({
        'flavors': [{'name': 'f', 'vcpus': 6, 'ram': 1024, 'disk': 10}],
        'hosts': [{'name': 'compute-1'},
                  {'name': 'compute-2', 'vcpus': 4}],
        'servers': [{'name': 'vm', 'host': 'compute-1', 'flavor': 'f'}]})
    assert _evacuate(cloud, 'compute-2').status == 'ERROR'


def test_allocation_candidates_take_required_and_forbidden_traits(
        sim_cloud_factory):
    """``required`` from 1.17, ``!`` forbidden from 1.22, else 400."""
    cloud = _cloud(sim_cloud_factory, {}, [{'name': 'compute-2'}])
    placement = conftest.placement_for(cloud)

    def roots(query, version='1.29'):
        body = placement.get('/allocation_candidates?resources=VCPU:1&' +
                             query, microversion=version).json()
        return sorted(s['root_provider_uuid']
                      for s in body['provider_summaries'].values())

    node = {h: cloud.state.hosts[h].node_uuid
            for h in ('compute-1', 'compute-2')}
    assert roots('required=CUSTOM_FAST') == [node['compute-1']]
    assert roots('required=!CUSTOM_FAST') == [node['compute-2']]
    assert roots('required=HW_CPU_X86_AVX2') == sorted(node.values())
    answer = placement.get(
        '/allocation_candidates?resources=VCPU:1&required=!CUSTOM_FAST',
        microversion='1.21', raise_exc=False)
    assert answer.status_code == 400
