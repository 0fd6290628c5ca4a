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

"""The package layout's rules, read from the imports themselves.

``doc/source/contributing.rst`` ("Where a change belongs") states them;
this test keeps them true.  Every import counts, the ones inside functions
too, since a lazy import is still a dependency.
"""

import ast
import configparser
import importlib.util
import os
import pkgutil
import sys

import pytest

ROOT = os.path.join(os.path.dirname(__file__), '..', '..')
PACKAGE = 'masakari_blazar'

# What each subpackage may import from the project.  The top-level modules
# (conf, exceptions, log_context, safe_text) are open to all but the
# simulator.
TOP = {'masakari_blazar.conf', 'masakari_blazar.exceptions',
       'masakari_blazar.log_context', 'masakari_blazar.safe_text'}
MAY_IMPORT = {
    'decisions': {'decisions'},
    'cloud': {'decisions', 'cloud'},
    'power': {'decisions', 'cloud', 'power'},
    'recovery': {'decisions', 'cloud', 'power', 'recovery'},
    'tasks': {'decisions', 'cloud', 'power', 'recovery', 'tasks'},
    'commands': {'decisions', 'cloud', 'power', 'recovery', 'commands',
                 'local'},
    'local': {'decisions', 'cloud', 'power', 'recovery', 'commands',
              'local', 'simulator'},
    'cmd': {'decisions', 'cloud', 'power', 'recovery', 'commands', 'local',
            'cmd'},
    'simulator': {'simulator'},
}
# Besides the standard library, the decisions may read configuration and
# use oslo's pure helpers and Masakari's constants, and nothing that talks
# to a service.
DECISIONS_MAY_USE = ('oslo_config', 'oslo_serialization', 'oslo_utils',
                     'masakari.conf', 'masakari.objects.fields')
# Standard-library modules that do I/O over the network or processes.
IO_STDLIB = {'socket', 'http', 'urllib', 'subprocess', 'ssl', 'asyncio',
             'socketserver', 'wsgiref', 'threading'}
# What the engine must never load: the operator's side and the stand-ins.
NOT_IN_ENGINE = ('commands', 'cmd', 'local', 'simulator')


def _modules():
    """``{dotted name: path}`` of every module of the package."""
    found = {}
    base = os.path.join(ROOT, PACKAGE)
    for directory, _, files in os.walk(base):
        for name in files:
            if not name.endswith('.py'):
                continue
            rel = os.path.relpath(os.path.join(directory, name), ROOT)
            dotted = rel[:-3].replace(os.sep, '.')
            if dotted.endswith('.__init__'):
                dotted = dotted[:-len('.__init__')]
            found[dotted] = os.path.join(directory, name)
    return found


MODULES = _modules()


def _is_module(name):
    """Whether ``name`` is a module, found on disk without importing it.

    ``from a import b`` imports the module ``a.b`` when there is one, and
    otherwise the name ``b`` of ``a``.
    """
    parts = name.split('.')
    spec = importlib.util.find_spec(parts[0])
    paths = spec.submodule_search_locations if spec else None
    for part in parts[1:]:
        found = [m for m in pkgutil.iter_modules(paths or ())
                 if m.name == part]
        if not found:
            return False
        paths = ([os.path.join(found[0].module_finder.path, part)]
                 if found[0].ispkg else None)
    return True


def _imports(path):
    """Every module name ``path`` imports, resolved to a module."""
    names = set()
    for node in ast.walk(ast.parse(open(path).read())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            assert node.level == 0, '%s: relative import' % path
            for alias in node.names:
                candidate = '%s.%s' % (node.module, alias.name)
                names.add(candidate if _is_module(candidate) else
                          node.module)
    return names


IMPORTS = {name: _imports(path) for name, path in MODULES.items()}


def _area(module):
    """The subpackage a project module belongs to; None at the top."""
    parts = module.split('.')
    if len(parts) > 2 or (len(parts) == 2 and
                          MODULES[module].endswith('__init__.py')):
        return parts[1]
    return None


def _project(names):
    return {n for n in names if n == PACKAGE or n.startswith(PACKAGE + '.')}


@pytest.mark.parametrize('module', sorted(MODULES))
def test_each_module_imports_only_what_its_folder_may(module):
    area = _area(module)
    if area is None:
        allowed_areas = set(MAY_IMPORT)
    else:
        allowed_areas = MAY_IMPORT[area]
    for imported in _project(IMPORTS[module]):
        if imported == PACKAGE:
            continue
        if imported in TOP:
            assert area != 'simulator', (
                '%s imports %s: the simulator stands for the cloud and '
                'knows nothing of the plugin' % (module, imported))
            continue
        assert _area(imported) in allowed_areas, (
            '%s (%s) imports %s (%s); %s may import only %s' % (
                module, area, imported, _area(imported), area,
                sorted(allowed_areas)))


@pytest.mark.parametrize('module', sorted(
    m for m in MODULES if _area(m) == 'decisions'))
def test_the_decisions_do_no_io(module):
    for imported in IMPORTS[module] - _project(IMPORTS[module]):
        top = imported.split('.')[0]
        if top in sys.stdlib_module_names:
            assert top not in IO_STDLIB, '%s imports %s' % (module, imported)
            continue
        assert imported.startswith(DECISIONS_MAY_USE), (
            '%s imports %s: the decisions take what was read as plain '
            'values, so they are tested without a cloud' % (module,
                                                            imported))


def _entry_points(group):
    parser = configparser.ConfigParser()
    parser.read(os.path.join(ROOT, 'setup.cfg'))
    lines = parser['entry_points'][group].strip().splitlines()
    return {line.split('=')[0].strip(): line.split('=')[1].strip()
            for line in lines}


def _closure(start):
    seen = set()
    todo = list(start)
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        # Importing a.b.c runs a/__init__ and a/b/__init__ too.
        parts = module.split('.')
        todo.extend('.'.join(parts[:i]) for i in range(2, len(parts)))
        todo.extend(m for m in _project(IMPORTS.get(module, ()))
                    if m in MODULES)
    return seen


def test_the_engine_never_loads_the_operator_side_or_the_simulator():
    tasks = _entry_points('masakari.task_flow.tasks')
    assert tasks, 'setup.cfg lists no masakari.task_flow.tasks'
    start = {target.split(':')[0] for target in tasks.values()}
    assert start <= set(MODULES), start - set(MODULES)
    engine = _closure(start)
    reached = sorted(m for m in engine if _area(m) in NOT_IN_ENGINE)
    assert not reached, (
        'masakari-engine loads the tasks, and through them %s' % reached)


def test_the_rules_see_every_folder():
    areas = {_area(m) for m in MODULES} - {None}
    assert areas == set(MAY_IMPORT), areas ^ set(MAY_IMPORT)


def test_the_rules_would_catch_a_leak():
    """The checks above read real imports: a planted one is caught."""
    saved = IMPORTS.copy()
    IMPORTS['masakari_blazar.recovery.replenish'] = (
        saved['masakari_blazar.recovery.replenish'] |
        {'masakari_blazar.commands.pool_status'})
    try:
        with pytest.raises(AssertionError):
            test_the_engine_never_loads_the_operator_side_or_the_simulator()
        with pytest.raises(AssertionError):
            test_each_module_imports_only_what_its_folder_may(
                'masakari_blazar.recovery.replenish')
    finally:
        IMPORTS.clear()
        IMPORTS.update(saved)


def test_from_imports_resolve_to_the_module_they_load():
    """``from masakari.objects import fields`` loads only Masakari's enums.

    The decisions may use those constants, and nothing else of
    ``masakari.objects``, whose other modules reach the database.
    """
    assert _is_module('masakari.objects.fields')
    assert not _is_module('collections.namedtuple')
    decisions = 'masakari_blazar.decisions.reserved_flags'
    assert 'masakari.objects.fields' in IMPORTS[decisions]
    saved = IMPORTS[decisions]
    IMPORTS[decisions] = saved | {'masakari.objects.base'}
    try:
        with pytest.raises(AssertionError):
            test_the_decisions_do_no_io(decisions)
    finally:
        IMPORTS[decisions] = saved
