"""Fill the current plan with demo data (demo mode only); does nothing when the plan already has reports."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reports.demo.services import DemoDataExists, demo_data_generate
from tasks.selectors import plan_current

LABELS = {
    "obligations": "应报",
    "submissions": "指标数据",
    "task_reports": "任务进展报告",
    "approved": "已审核",
    "submitted": "待审核",
    "returned": "已退回待修改",
    "draft": "草稿",
    "missing": "未报",
    "returned_and_resubmitted": "退回后重新提交",
    "late": "逾期提交",
    "evidence": "佐证材料",
    "instructions": "批示",
    "instruction_replies": "批示答复",
    "users_created": "新建演示账号",
    "unit_review": "待单位审核",
    "proxy": "办公室代填",
}


class Command(BaseCommand):
    help = (
        "生成演示数据（仅演示模式）：2022Q3–2025Q2 每季度各单位的指标数据和任务进展，按填报、提交、审核流程写入。"
        "方案已有填报数据时不做任何修改。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--seed", type=int, default=2025, help="随机种子；相同种子生成相同数据")

    def handle(self, *args, seed: int, **options) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("演示数据只能在演示模式（DEMO_MODE）下生成")
        plan = plan_current()
        if plan is None:
            raise CommandError("尚未载入工作方案，请先运行 python manage.py load_plan")
        try:
            counts = demo_data_generate(plan=plan, seed=seed)
        except DemoDataExists:
            self.stdout.write(f"《{plan.title}》已有填报数据（演示数据已存在），未做任何修改。")
            return
        summary = "，".join(f"{label}{counts[name]}" for name, label in LABELS.items() if name in counts)
        self.stdout.write(f"《{plan.title}》演示数据已生成：{summary}。")
