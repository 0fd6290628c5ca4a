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

"""The pool's headroom: failures planned one after another."""

from masakari_blazar.decisions import failure
from masakari_blazar.decisions import headroom
from masakari_blazar.decisions import model
from masakari_blazar.decisions import planner

PLANNER = planner.Planner(['same_az', 'same_segment', 'best_fit'], 3,
                          planner.FALLBACK_SCHEDULER)


def res(vcpus, mem_gb, disk=20):
    return model.Resources(vcpus, mem_gb * 1024, disk)


def vm(name, mem_gb=4, vcpus=2):
    return model.Instance('uuid-%s' % name, name, res(vcpus, mem_gb))


def spare(name, mem_gb=32):
    return model.Target(name, res(16, mem_gb, 500), spare=model.Spare(
        name, 'id-%s' % name, 'lease-%s' % name, 'masakari-spare-%s' % name,
        'res-%s' % name))


def view(instances, targets):
    return failure.FailureView(instances, targets)


def failures(pool, hosts):
    """Each host's view sees the same pool, as a fresh read would."""
    return [(name, view(instances, [spare(s.hostname, s.free.memory_mb //
                                          1024) for s in pool]))
            for name, instances in hosts]


def test_failure_order_is_by_decreasing_ram_then_name():
    loads = {'b': res(4, 8), 'a': res(4, 8), 'c': res(8, 16), 'd': res(9, 4)}

    assert headroom.failure_order(loads) == ['c', 'a', 'b', 'd']


def test_each_failure_consumes_the_spares_it_takes():
    pool = [spare('spare-1'), spare('spare-2')]
    hosts = [('compute-1', [vm('a'), vm('b')]), ('compute-2', [vm('c')]),
             ('compute-3', [vm('d')])]

    absorbed, limit = headroom.absorb(PLANNER, failures(pool, hosts))

    assert [(s.host, s.spares) for s in absorbed] == [
        ('compute-1', ['spare-1']), ('compute-2', ['spare-2'])]
    assert limit.host == 'compute-3'
    assert list(limit.unplaced) == ['d (uuid-d)']
    assert not limit.fits


def test_a_failure_needing_two_spares_counts_once():
    pool = [spare('spare-1', 16), spare('spare-2', 16), spare('spare-3', 16)]
    hosts = [('compute-1', [vm('a', 12), vm('b', 12)]),
             ('compute-2', [vm('c', 12)]), ('compute-3', [vm('d', 12)])]

    absorbed, limit = headroom.absorb(PLANNER, failures(pool, hosts))

    assert [s.host for s in absorbed] == ['compute-1', 'compute-2']
    assert sorted(absorbed[0].spares) == ['spare-1', 'spare-2']
    assert limit.host == 'compute-3'


def test_every_failure_fits_when_spares_suffice():
    pool = [spare('spare-1'), spare('spare-2')]
    hosts = [('compute-1', [vm('a')]), ('compute-2', [vm('b')])]

    absorbed, limit = headroom.absorb(PLANNER, failures(pool, hosts))

    assert len(absorbed) == 2
    assert limit is None


def test_failures_are_read_lazily_and_stop_at_the_limit():
    read = []

    def lazily():
        for name in ('compute-1', 'compute-2', 'compute-3'):
            read.append(name)
            yield name, view([vm(name)], [spare('spare-1')])

    absorbed, limit = headroom.absorb(PLANNER, lazily())

    assert [s.host for s in absorbed] == ['compute-1']
    assert limit.host == 'compute-2'
    assert read == ['compute-1', 'compute-2']


def test_capacity_used_on_a_shared_host_is_deducted():
    """A host inside a reservation serves several failures' instances."""
    reservation = model.Reservation('r-1', model.HOST_RESERVATION, 'p')
    inside = model.Target('healed-1', res(16, 8, 500), spare=None,
                          committed=True, group='r-1')

    def reserved(name):
        return model.Instance('uuid-%s' % name, name, res(2, 6), reservation)

    absorbed, limit = headroom.absorb(PLANNER, [
        ('compute-1', view([reserved('a')], [inside])),
        ('compute-2', view([reserved('b')], [inside]))])

    assert [s.host for s in absorbed] == ['compute-1']
    assert limit.host == 'compute-2'


def test_summary_names_the_limit():
    result = {'headroom': 1, 'loaded_hosts': 2,
              'absorbed': [{'host': 'compute-1', 'instances': 2,
                            'spares': ['spare-1']}],
              'limit': {'host': 'compute-2', 'instances': 1,
                        'spares': [], 'unplaced': {'c (uuid-c)': 'full'}}}

    assert headroom.summary(result) == (
        'Headroom: N+1: the free spares absorb the failures of compute-1 (2 '
        'instance(s) -> spare-1); then compute-2 would not fit entirely: 1 '
        'instance(s) without a spare, e.g. c (uuid-c): full.')
    assert headroom.summary({'loaded_hosts': 0}).startswith(
        'Headroom: no running compute host')
    none = dict(result, headroom=0, absorbed=[])
    assert headroom.summary(none) == (
        'Headroom: N+0: the failure of the most loaded host, compute-2, '
        'would not fit entirely: 1 instance(s) without a spare, e.g. c '
        '(uuid-c): full.')
