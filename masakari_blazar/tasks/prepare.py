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

"""blazar_prepare_spare_task: admit the instances on their spares."""

from masakari_blazar.decisions import planner
from masakari_blazar.tasks import base


class PrepareSpareTask(base.SpareTask):
    """Admit the instances on their spares: aggregates and Placement."""

    def __init__(self, context, novaclient, **kwargs):
        # The failure's names too, for the log (base.naming_the_recovery).
        kwargs['requires'] = ['spare_plan', 'host_name', 'notification_uuid']
        super().__init__(context, novaclient, **kwargs)

    @base.naming_the_recovery
    def execute(self, spare_plan, host_name, notification_uuid):
        plan = planner.Plan.from_dict(spare_plan)
        with base.failing_clearly(self):
            report = self.recovery(notification_uuid).admit(plan)
        self.report(report or ['The spares need no reservation change'], 1.0)
