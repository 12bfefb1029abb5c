"""Rebuild the rollups from the approved figures (the same as the nightly job)."""

from django.core.management.base import BaseCommand

from reports.figures.rollup import rollup_rebuild_plan
from reports.models import Status, Submission
from targets.models import WorkPlan


class Command(BaseCommand):
    help = "按审核通过的数据重建各指标的季度汇总值（与每晚的任务相同）；重复运行不会改变结果。"

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--verify",
            action="store_true",
            help="逐条核对每个汇总值（不跳过数据未变的季度）：用于数据库中的汇总值被直接改动之后。",
        )

    def handle(self, *args, **options) -> None:
        plans = WorkPlan.objects.filter(status=WorkPlan.Status.ACTIVE)
        if not plans.exists():
            self.stdout.write("没有开放填报的工作方案，未汇总。")
            return
        for plan in plans:
            written = rollup_rebuild_plan(plan=plan, verify=options["verify"])
            # Said in the plan's terms (indicators, quarters, approved figures): "0 rows written" read as a failure
            # after `make run`, whose approvals have already brought every rollup up to date.
            scope = f"{plan.indicators.count()}项指标、{plan.periods.count()}个季度"
            figures = Submission.objects.filter(period__plan=plan, status=Status.APPROVED).count()
            if written:
                self.stdout.write(
                    f"《{plan.title}》：已依据{figures}条审核通过的数据重新汇总{scope}，更新了{written}个汇总值。"
                )
            else:
                self.stdout.write(
                    f"《{plan.title}》：汇总已是最新——{scope}的汇总值与{figures}条审核通过的数据一致，无需改动。"
                )
