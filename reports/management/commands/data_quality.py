"""Print the figures of one quarter that break the plan's validation rules (draft to approved, as typed): indicator
code, unit code, quarter, rule, severity, value and the range the rule allows. The outlier checks are to come."""

import json

from django.core.management.base import BaseCommand, CommandError

from reports.workflow.rules import period_violations
from targets.models import Period, WorkPlan
from targets.periods import parse_period_code
from units.models import Unit


class Command(BaseCommand):
    help = "列出某季度不符合校验规则的数据（草稿至已审核）：指标编号、单位代码、季度、规则、级别、数值和允许范围。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--period", required=True, help="季度，如 2025Q2")
        parser.add_argument("--plan", help="方案编号或标题（平台有多个方案时必填）")
        parser.add_argument("--json", action="store_true", dest="as_json", help="以 JSON 输出")

    def handle(self, *args, period: str, plan: str | None, as_json: bool, **options) -> None:
        chosen = _plan(plan)
        try:
            year, quarter = parse_period_code(period)
        except ValueError as error:
            raise CommandError(f"季度 {period} 的写法不对，请写成 2025Q2") from error
        found = Period.objects.filter(plan=chosen, year=year, quarter=quarter).first()
        if found is None:
            raise CommandError(f"《{chosen.title}》没有 {period} 这个季度")
        violations = period_violations(plan=chosen, period=found)
        units = dict(
            Unit.objects.filter(pk__in={v.figure.unit_id for v in violations}).values_list("pk", "code")
        )
        rows = [
            {
                "indicator": v.rule.indicator.code,
                "unit": units[v.figure.unit_id],
                "quarter": found.code,
                "rule": v.rule.name,
                "method": "rule",
                "severity": v.rule.severity,
                "value": float(v.figure.value),
                "expected": v.expected,
                "message": v.message,
            }
            for v in violations
        ]
        if as_json:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for row in rows:
            self.stdout.write(
                f"{row['indicator']}\t{row['unit']}\t{row['quarter']}\t{row['severity']}\t{row['message']}"
            )
        self.stdout.write(f"《{chosen.title}》{found.label}：{len(rows)}项数据不符合校验规则。")


def _plan(named: str | None) -> WorkPlan:
    plans = WorkPlan.objects.exclude(status=WorkPlan.Status.DRAFT)
    if named:
        plan = plans.filter(pk=int(named)).first() if named.isdigit() else plans.filter(title=named).first()
        if plan is None:
            raise CommandError(f"没有方案 {named}")
        return plan
    if plans.count() > 1:
        listed = "；".join(f"{p.pk}：{p.title}" for p in plans)
        raise CommandError(f"平台有多个方案，请用 --plan 指明：{listed}")
    plan = plans.first()
    if plan is None:
        raise CommandError("平台还没有工作方案")
    return plan
