"""Load a plan from its official text plus its completions (default: the Deyang plan), active and with its reporting
units set. Safe to run twice. Unlike import_plan it runs unattended, so a text that needs checking is refused."""

import json
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from targets.models import WorkPlan
from tasks.drafts import plan_read
from tasks.models import Task
from tasks.services import plan_apply_completions, plan_import

FIXTURES = settings.BASE_DIR / "fixtures"


class Command(BaseCommand):
    help = "从方案原文和补充信息载入工作方案（默认：德阳方案），直接开放填报。同名同期方案已存在时跳过。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", nargs="?", default=str(FIXTURES / "deyang_plan.txt"))
        parser.add_argument("--completions", default=str(FIXTURES / "deyang_completions.json"))

    def handle(self, *args, file: str, completions: str, **options) -> None:
        path = Path(file)
        try:
            extra = json.loads(Path(completions).read_text(encoding="utf-8"))
            text, result = plan_read(name=path.name, content=path.read_bytes(), completions=extra)
        except (OSError, ValueError) as error:
            raise CommandError(f"无法读取：{error}") from error
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from error
        if result.warnings:
            listed = "\n".join(f"第{w.line}行：{w.message}｜{w.text}" for w in result.warnings)
            raise CommandError(f"方案原文有需核对的地方，请用 import_plan 导入并在平台上核对：\n{listed}")
        meta = result.plan["plan"]
        if WorkPlan.objects.filter(title=meta["title"], start=meta["start"]).exists():
            self.stdout.write(f"方案《{meta['title']}》已存在，跳过。")
            return
        try:
            with transaction.atomic():
                plan = plan_import(data=result.plan, source_text=text)
                plan_apply_completions(plan=plan, data=extra)
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from error
        # Counted as the plan is written: 主要目标 (goal areas and their indicators), 主要工作 (tasks, and the
        # indicators written inside them), 保障措施.
        goal_indicators = plan.indicators.filter(area__isnull=False).count()
        task_indicators = plan.indicators.filter(area__isnull=True).count()
        tasks = plan.tasks.filter(kind=Task.Kind.TASK).count()
        safeguards = plan.tasks.filter(kind=Task.Kind.SAFEGUARD).count()
        in_tasks = f"（任务中另列{task_indicators}项指标）" if task_indicators else ""
        self.stdout.write(
            f"已载入《{plan.title}》：主要目标{plan.areas.count()}个领域、{goal_indicators}项指标；"
            f"主要工作{tasks}项任务{in_tasks}；保障措施{safeguards}项。"
        )
