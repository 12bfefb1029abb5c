"""Print every indicator's standing at a quarter (read by tools with --json)."""

import json

from django.core.management.base import BaseCommand, CommandError

from reports.figures.selectors import plan_standings
from targets.models import Period
from targets.periods import parse_period_code
from tasks.selectors import plan_current


def _number(value):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(round(value, 4))


class Command(BaseCommand):
    help = "输出各指标在某季度末的进展：数值、应达值、目标、状态、预计期末值、报送单位数。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--period", required=True, help="季度，如 2025Q2")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args, period: str, **options) -> None:
        plan = plan_current()
        if plan is None:
            raise CommandError("没有工作方案，请先运行 load_plan")
        try:
            year, quarter = parse_period_code(period)
        except ValueError as error:
            raise CommandError(str(error)) from error
        quarter_row = Period.objects.filter(plan=plan, year=year, quarter=quarter).first()
        if quarter_row is None:
            raise CommandError(f"方案中没有季度 {period}")
        rows = [
            {
                "code": s.indicator.code,
                "name": s.indicator.name,
                "value": _number(s.progress.value),
                "expected": _number(s.progress.expected),
                "target": _number(s.progress.target),
                "status": s.progress.status,
                "status_label": s.progress.label,
                "projected_end": _number(s.progress.projected_end),
                "reported_units": s.reported,
                "expected_units": s.expected,
            }
            for s in plan_standings(plan=plan, period=quarter_row)
        ]
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for row in rows:
            self.stdout.write(
                f"{row['code']:<10} {row['status_label']:<4} 值 {row['value']} / 应达 {row['expected']} / 目标 {row['target']}"
                f"  报送 {row['reported_units']}/{row['expected_units']}  {row['name']}"
            )
