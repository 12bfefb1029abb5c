"""Rebuild the rollups from the approved figures (the same as the nightly job)."""

from django.core.management.base import BaseCommand

from reports.rollup import rollup_rebuild_plan
from targets.models import WorkPlan


class Command(BaseCommand):
    help = "按审核通过的数据重建各指标的季度汇总值（与每晚的任务相同）；重复运行不会改变结果。"

    def handle(self, *args, **options) -> None:
        for plan in WorkPlan.objects.filter(status=WorkPlan.Status.ACTIVE):
            written = rollup_rebuild_plan(plan=plan)
            self.stdout.write(f"《{plan.title}》：写入{written}行汇总值。")
