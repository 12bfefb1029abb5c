"""Print a plan's structure as JSON on stdout (the shape other tools read)."""

import json

from django.core.management.base import BaseCommand, CommandError

from targets.models import WorkPlan
from tasks.selectors import plan_current, plan_export


class Command(BaseCommand):
    help = "以 JSON 输出工作方案的结构（目标、指标、任务、保障措施及责任单位）。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--plan", type=int, help="方案编号（默认：当前方案）")

    def handle(self, *args, plan: int | None = None, **options) -> None:
        work_plan = WorkPlan.objects.filter(pk=plan).first() if plan else plan_current()
        if work_plan is None:
            raise CommandError("没有找到工作方案，请先运行 load_plan")
        self.stdout.write(json.dumps(plan_export(plan=work_plan), ensure_ascii=False, indent=2))
