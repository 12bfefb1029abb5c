"""Load a plan from its structured JSON form (default: the Deyang plan fixture). Safe to run twice."""

import json
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from targets.models import WorkPlan
from tasks.services import plan_apply_completions, plan_import

DEFAULT_FIXTURE = settings.BASE_DIR / "fixtures" / "deyang_plan.json"


class Command(BaseCommand):
    help = "载入工作方案（JSON，export_plan 的格式加原文）。同名同期方案已存在时跳过。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", nargs="?", default=str(DEFAULT_FIXTURE))

    def handle(self, *args, file: str, **options) -> None:
        path = Path(file)
        data = json.loads(path.read_text(encoding="utf-8"))
        meta = data["plan"]
        if WorkPlan.objects.filter(title=meta["title"], start=meta["start"]).exists():
            self.stdout.write(f"方案《{meta['title']}》已存在，跳过。")
            return
        source_file = meta.get("source_file")
        source_text = (path.parent / source_file).read_text(encoding="utf-8") if source_file else ""
        completions_file = meta.get("completions_file")
        completions = (
            json.loads((path.parent / completions_file).read_text(encoding="utf-8"))
            if completions_file
            else {}
        )
        try:
            with transaction.atomic():
                plan = plan_import(data=data, source_text=source_text)
                plan_apply_completions(plan=plan, data=completions)
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from error
        self.stdout.write(
            f"已载入《{plan.title}》：{plan.areas.count()}个目标领域，{plan.indicators.count()}项指标，"
            f"{plan.tasks.count()}项任务（含保障措施）。"
        )
