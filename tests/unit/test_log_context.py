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

"""Each log line names the recovery it belongs to, and only inside it."""

import logging
import threading

from masakari_blazar import log_context

NAME = 'masakari_blazar.test_log_context'
LOG = log_context.getLogger(NAME)


def _lines(caplog):
    return [r.getMessage() for r in caplog.records if r.name == NAME]


def test_lines_inside_a_recovery_name_it_and_others_do_not(caplog):
    with caplog.at_level(logging.INFO, logger=NAME):
        LOG.info('before')
        with log_context.recovery('n-1', 'compute-1'):
            LOG.info('claimed %s', 'spare-1')
            LOG.warning('retrying')
        LOG.info('after')

    assert _lines(caplog) == [
        'before',
        '[notification n-1 host compute-1] claimed spare-1',
        '[notification n-1 host compute-1] retrying',
        'after']


def test_a_percent_sign_in_a_name_survives_the_formatting(caplog):
    with caplog.at_level(logging.INFO, logger=NAME):
        with log_context.recovery('n-1', 'odd%shost'):
            LOG.info('%d spare(s)', 2)
            LOG.info('no arguments: 100%')

    assert _lines(caplog) == [
        '[notification n-1 host odd%shost] 2 spare(s)',
        '[notification n-1 host odd%shost] no arguments: 100%']


def test_a_recovery_in_another_thread_is_its_own(caplog):
    """Concurrent recoveries, one per (green)thread, do not mix."""
    inside = threading.Event()
    done = threading.Event()

    def other():
        with log_context.recovery('n-2', 'compute-2'):
            inside.set()
            done.wait(10)
            LOG.info('other')

    with caplog.at_level(logging.INFO, logger=NAME):
        worker = threading.Thread(target=other)
        worker.start()
        inside.wait(10)
        with log_context.recovery('n-1', 'compute-1'):
            LOG.info('mine')
        done.set()
        worker.join(10)

    assert sorted(_lines(caplog)) == [
        '[notification n-1 host compute-1] mine',
        '[notification n-2 host compute-2] other']
