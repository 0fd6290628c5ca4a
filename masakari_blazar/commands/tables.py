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

"""Plain-text tables for the command line."""

from masakari_blazar import safe_text


def table(rows, columns):
    """Left-aligned columns; ``columns`` are ``(key, title)`` pairs.

    Cells may hold tenant-set names, so each is shown clean (an escape
    sequence in a lease name would otherwise drive the terminal).
    """
    cells = [[safe_text.clean(row.get(key, '')) for key, _ in columns]
             for row in rows]
    widths = [max([len(title)] + [len(line[i]) for line in cells])
              for i, (_, title) in enumerate(columns)]
    lines = ['  '.join(title.ljust(w) for (_, title), w in
                       zip(columns, widths)).rstrip()]
    for line in cells:
        lines.append('  '.join(cell.ljust(w) for cell, w in
                               zip(line, widths)).rstrip())
    return '\n'.join(lines)


def resources(res):
    if not res:
        return '-'
    return '%d vCPU / %d MB / %d GB' % (res['vcpus'], res['memory_mb'],
                                        res['disk_gb'])


def pool_table(rows):
    """The spare pool, from :func:`pool_reader.pool_rows`.

    The POWER column shows only where a power driver read it.
    """
    columns = [('host', 'SPARE'), ('lease', 'LEASE'), ('az', 'AZ'),
               ('free', 'FREE (vCPU / RAM / disk)'), ('used', 'USED')]
    if any(r.power is not None for r in rows):
        columns.append(('power', 'POWER'))
    columns.append(('state', 'STATE'))
    return table([{'host': r.hostname, 'lease': r.lease, 'state': r.state,
                   'az': r.az or '-', 'free': resources(r.free),
                   'used': resources(r.used), 'power': r.power or '-'}
                  for r in rows], columns)
