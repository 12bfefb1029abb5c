"""Print the figures of one quarter (draft to approved, as typed) that break the plan's validation rules or are
outliers, checked as submission checks them (reports/workflow/quality.py): indicator code, unit code, quarter, rule
or outlier method, severity, value and the expected range. An outlier is a warning: submission asks for its reason."""

import json

from django.core.management.base import BaseCommand, CommandError

from reports.models import ValidationRule
from reports.workflow.quality import period_outliers
from reports.workflow.rules import period_violations
from targets.display import decimal_text
from targets.models import Period, WorkPlan
from targets.periods import parse_period_code
from units.models import Unit

SEVERITY = {ValidationRule.Severity.ERROR: "错误", ValidationRule.Severity.WARNING: "警告"}


class Command(BaseCommand):
    help = (
        "列出某季度（草稿至已审核）不符合校验规则的数据和异常值：指标编号、单位代码、季度、规则或检查方法、"
        "级别、数值和允许（通常）范围。"
    )

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
        outliers = period_outliers(plan=chosen, period=found)
        units = dict(
            Unit.objects.filter(
                pk__in={v.figure.unit_id for v in violations} | {o.figure.unit_id for o in outliers}
            ).values_list("pk", "code")
        )
        rows = [
            {
                "indicator": v.rule.indicator.code,
                "unit": units[v.figure.unit_id],
                "quarter": found.code,
                "rule": v.rule.name,
                "method": "rule",
                "severity": v.rule.severity,
                "value": v.figure.value,
                "expected": v.expected,
                "message": v.message,
            }
            for v in violations
        ] + [
            {
                "indicator": o.indicator_code,
                "unit": units[o.figure.unit_id],
                "quarter": found.code,
                "rule": o.method_name,
                "method": o.outlier.method,
                "severity": ValidationRule.Severity.WARNING.value,
                "value": o.figure.value,
                "expected": o.expected,
                "message": o.message,
            }
            for o in outliers
        ]
        if as_json:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2, default=float))
            return
        for row in rows:
            fields = [row["indicator"], row["unit"], row["quarter"], row["rule"], SEVERITY[row["severity"]]]
            fields += [decimal_text(row["value"]), row["expected"], row["message"]]
            self.stdout.write("\t".join(fields))
        self.stdout.write(
            f"《{chosen.title}》{found.label}：{len(violations)}项不符合校验规则，{len(outliers)}项异常值。"
        )


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
