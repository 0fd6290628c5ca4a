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

"""The option registry and what oslo-config-generator sees of it."""

from importlib import metadata
import os
import re

from oslo_config import cfg
import pytest

from masakari_blazar import conf as mb_conf
from masakari_blazar import exceptions

GROUPS = (mb_conf.PLUGIN_GROUP, mb_conf.BLAZAR_GROUP, mb_conf.NOVA_GROUP,
          mb_conf.PLACEMENT_GROUP, mb_conf.MASAKARI_GROUP,
          mb_conf.IRONIC_GROUP, mb_conf.REDFISH_GROUP)
SAMPLE = os.path.join(os.path.dirname(__file__), '..', '..', 'etc',
                      'masakari', 'masakari-blazar.conf.sample')
OPTION_LINE = re.compile(r'^#(\w+) =')


def listed():
    return {group: {opt.dest for opt in opts}
            for group, opts in mb_conf.list_opts()}


def test_list_opts_covers_every_registered_option(conf):
    names = listed()
    assert set(names) == set(GROUPS)
    for group in GROUPS:
        missing = set(conf[group]) - names[group]
        assert not missing, (group, missing)


def test_list_opts_lists_exactly_the_plugin_options(conf):
    assert listed()[mb_conf.PLUGIN_GROUP] == set(conf[mb_conf.PLUGIN_GROUP])


def test_list_opts_shows_password_auth_options_for_blazar():
    names = listed()[mb_conf.BLAZAR_GROUP]
    assert {'auth_type', 'auth_url', 'username', 'password',
            'project_name', 'user_domain_name', 'cafile', 'timeout',
            'service_type', 'region_name', 'valid_interfaces'} <= names


def test_listed_service_type_defaults_match_the_registered_ones(conf):
    for group, opts in mb_conf.list_opts():
        for opt in opts:
            if opt.dest == 'service_type':
                assert opt.default == conf[group].service_type, group
    assert conf.blazar.service_type == 'reservation'
    assert conf.nova.service_type == 'compute'
    assert conf.placement.service_type == 'placement'
    assert conf.masakari.service_type == 'instance-ha'


def test_list_opts_hands_out_copies():
    for _, opts in mb_conf.list_opts():
        for opt in opts:
            if opt.dest == 'service_type':
                opt.default = 'changed'
    assert all(opt.default != 'changed'
               for _, opts in mb_conf.list_opts() for opt in opts
               if opt.dest == 'service_type')


def test_register_opts_twice_is_harmless(conf):
    mb_conf.register_opts(conf)
    assert conf.masakari_blazar.max_spares_per_failure == 3


def test_defaults(conf):
    opts = conf.masakari_blazar
    assert opts.spare_lease_prefix == 'masakari-spare'
    assert opts.spare_lease_ids == []
    assert opts.spare_project_id is None
    assert opts.spare_lease_days == 3650
    assert opts.spare_preference == ['same_az', 'same_segment', 'best_fit']
    assert opts.max_spares_per_failure == 3
    assert opts.no_spare_action == 'scheduler'
    assert opts.reallocate_api == 'auto'
    assert opts.claim_aggregate == 'masakari-blazar-claims'
    assert opts.lock_url is None
    assert opts.lock_timeout == 120
    assert opts.sync_masakari_reserved is True
    assert opts.evacuation_concurrency == 50
    assert opts.monitor_fences_hosts is False
    assert opts.service_down_timeout == 180
    assert opts.poll_interval == 0.5
    assert opts.api_retries == 4
    assert opts.api_retry_delay == 1.0
    assert opts.api_retry_max_delay == 10.0
    assert opts.pool_min_size == 1
    assert opts.replenish_pool is False
    assert opts.spare_host_properties == ''
    # blazar-nova's own defaults (blazarnova/scheduler/filters/
    # blazar_filter.py, [blazar:physical:host]).
    assert opts.aggregate_freepool_name == 'freepool'
    assert opts.blazar_az_prefix == 'blazar_'


def test_spare_preference_accepts_only_known_criteria(conf):
    conf.set_override('spare_preference', ['best_fit', 'same_az'],
                      mb_conf.PLUGIN_GROUP)
    assert conf.masakari_blazar.spare_preference == ['best_fit', 'same_az']
    with pytest.raises(ValueError):
        conf.set_override('spare_preference', ['nearest'],
                          mb_conf.PLUGIN_GROUP)


@pytest.mark.parametrize('name,value', [
    ('no_spare_action', 'panic'),
    ('reallocate_api', 'always'),
    ('max_spares_per_failure', 0),
    ('lock_timeout', 0),
    ('api_retries', -1),
    ('pool_min_size', -1),
    ('poll_interval', 0),
    ('poll_interval', 0.01),
])
def test_invalid_values_are_refused(conf, name, value):
    with pytest.raises(ValueError):
        conf.set_override(name, value, mb_conf.PLUGIN_GROUP)


def test_entry_point_lists_the_options():
    points = [ep for ep in metadata.entry_points(group='oslo.config.opts')
              if ep.name == 'masakari_blazar']
    assert len(points) == 1
    assert points[0].load() is mb_conf.list_opts


def test_sample_config_shows_every_option():
    with open(SAMPLE) as sample:
        text = sample.read()
    sections = {}
    current = None
    for line in text.splitlines():
        if line.startswith('[') and line.endswith(']'):
            current = line[1:-1]
        elif current and OPTION_LINE.match(line):
            sections.setdefault(current, set()).add(
                OPTION_LINE.match(line).group(1))
    for group, names in listed().items():
        missing = names - sections.get(group, set())
        assert not missing, 'regenerate with tox -e genconfig: %s %s' % (
            group, sorted(missing))


@pytest.mark.parametrize('option,value', [
    ('spare_lease_days', 99999999), ('spare_lease_days', 0),
    ('claim_aggregate', ''), ('evacuation_concurrency', 0),
    ('lock_timeout', 0), ('no_spare_action', 'sometimes')])
def test_a_refused_value_is_one_line_before_anything_runs(tmp_path, option,
                                                          value):
    # As from a configuration file: oslo.config checks it only when read.
    path = tmp_path / 'masakari.conf'
    path.write_text('[masakari_blazar]\n%s = %s\n' % (option, value))
    conf = cfg.ConfigOpts()
    mb_conf.register_opts(conf)
    conf(['--config-file', str(path)], project='masakari-blazar-test')

    problems = mb_conf.option_problems(conf)
    assert len(problems) == 1 and problems[0].startswith(
        '[masakari_blazar] %s: ' % option), problems
    with pytest.raises(exceptions.ConfigError) as raised:
        mb_conf.require_valid(conf)
    assert str(raised.value) == problems[0]


def test_the_defaults_are_all_valid(conf):
    assert mb_conf.option_problems(conf) == []
    mb_conf.require_valid(conf)
