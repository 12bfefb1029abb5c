"""The demo's second plan (演示数据, demo mode only): see reports.demo.next_plan. Does nothing when it exists."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reports.demo.next_plan import TITLE, demo_next_plan
from reports.models import Submission
from targets.models import WorkPlan
from targets.periods import portal_today


class Command(BaseCommand):
    help = "生成演示用的第二个方案（仅演示模式）：接续试点方案、承接基线，2025年7月1日开放，报送截至今天已到期的季度；试点方案随之结束。"

    def handle(self, *args, **options) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("演示数据只能在演示模式（DEMO_MODE）下生成")
        pilot = WorkPlan.objects.exclude(title=TITLE).order_by("start", "pk").first()
        if pilot is None:
            raise CommandError("尚未载入工作方案，请先运行 python manage.py load_plan 和 demo_data")
        plan = demo_next_plan(pilot=pilot, today=portal_today())
        if plan is None:
            self.stdout.write(f"《{TITLE}》已存在，未做任何修改。")
            return
        quarters = Submission.objects.filter(period__plan=plan).values("period").distinct().count()
        self.stdout.write(f"已生成《{plan.title}》：接续《{pilot.title}》，已报送{quarters}个季度。")
