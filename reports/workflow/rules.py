"""Validation rules (ValidationRule, kept by the office per plan) applied to figures: on submission (an error refuses
it, a warning asks for the reason in 说明), beforehand in the Excel import's preview, and every night over the approved
figures (数据质量). The comparison is a pure function on a figure and the values around it; `rule_context` fetches
those values for many figures in two queries."""

import operator
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from reports.models import QualityIssue, Status, Submission, ValidationRule
from targets.display import decimal_text
from targets.models import Period, WorkPlan
from targets.periods import portal_now
from units.models import Unit

COMPARE = {"<=": operator.le, ">=": operator.ge, "==": operator.eq}
SYMBOLS = {"<=": "≤", ">=": "≥", "==": "="}


@dataclass(frozen=True)
class Figure:
    """What a rule looks at: one unit's value of one indicator in one quarter."""

    indicator_id: int
    unit_id: int
    period_id: int
    value: Decimal | None
    local: bool = False  # a county's or zone's (a rule against the city's figure applies to these)
    submission_id: int | None = None


@dataclass
class Context:
    """The values a set of figures is compared with."""

    values: dict[tuple[int, int, int], Decimal]  # (indicator, unit, quarter) → value
    city: dict[tuple[int, int], Decimal]  # (indicator, quarter) → the value a city-level unit reported
    previous: dict[int, int]  # quarter → the quarter before it


@dataclass(frozen=True)
class Violation:
    rule: ValidationRule
    figure: Figure
    other: Decimal
    message: str

    @property
    def is_error(self) -> bool:
        return self.rule.severity == ValidationRule.Severity.ERROR

    @property
    def expected(self) -> str:
        """The range the rule allows: ≤ 100, ≥ 3, = 2.5."""
        return f"{SYMBOLS[self.rule.operator]} {decimal_text(self.other)}"


def rule_check(rule: ValidationRule, figure: Figure, context: Context) -> Violation | None:
    """The rule's verdict on one figure: None when it holds, or when there is nothing to compare with yet (no value,
    no previous quarter, the city's figure not in, a city-level unit's own figure)."""
    if figure.value is None or figure.indicator_id != rule.indicator_id:
        return None
    other = _other(rule, figure, context)
    if other is None or COMPARE[rule.operator](figure.value, other):
        return None
    return Violation(rule=rule, figure=figure, other=other, message=_message(rule, figure.value, other))


def _other(rule: ValidationRule, figure: Figure, context: Context) -> Decimal | None:
    if rule.compare == ValidationRule.Compare.PREVIOUS:
        before = context.previous.get(figure.period_id)
        return context.values.get((rule.indicator_id, figure.unit_id, before)) if before else None
    if rule.compare == ValidationRule.Compare.INDICATOR:
        return context.values.get((rule.other_indicator_id, figure.unit_id, figure.period_id))
    if rule.compare == ValidationRule.Compare.CITY:
        return context.city.get((rule.indicator_id, figure.period_id)) if figure.local else None
    return rule.constant


def _message(rule: ValidationRule, value: Decimal, other: Decimal) -> str:
    uom = rule.indicator.uom
    against = {
        ValidationRule.Compare.PREVIOUS: _("上季度的数值"),
        ValidationRule.Compare.INDICATOR: (
            _("指标%(code)s %(name)s的数值")
            % {"code": rule.other_indicator.code, "name": rule.other_indicator.name}
            if rule.other_indicator_id
            else ""
        ),
        ValidationRule.Compare.CITY: _("市级单位报送的数值"),
        ValidationRule.Compare.CONSTANT: "",
    }[rule.compare]
    other_uom = rule.other_indicator.uom if rule.compare == ValidationRule.Compare.INDICATOR else uom
    return _("%(rule)s：指标%(code)s的数值%(value)s%(uom)s，应%(op)s%(against)s%(other)s%(other_uom)s") % {
        "rule": rule.name,
        "code": rule.indicator.code,
        "value": decimal_text(value),
        "uom": uom,
        "op": rule.get_operator_display(),
        "against": f"{against}（" if against else "",
        "other": decimal_text(other),
        "other_uom": f"{other_uom}）" if against else other_uom,
    }


def rules_active(*, plan: WorkPlan, indicator_ids=None) -> list[ValidationRule]:
    """The plan's active rules (of these indicators), with the indicators their messages name. One query."""
    rules = ValidationRule.objects.filter(plan=plan, active=True).select_related(
        "indicator", "other_indicator"
    )
    if indicator_ids is not None:
        rules = rules.filter(indicator_id__in=indicator_ids)
    return list(rules)


def rule_context(
    *, plan: WorkPlan, rules: list[ValidationRule], figures: list[Figure], approved: bool
) -> Context:
    """The values `rules` compare `figures` with: previous quarters, other indicators, the city's figures (only
    approved ones for the nightly check; what the units typed, at submission). Two queries."""
    periods = list(Period.objects.filter(plan=plan).order_by("year", "quarter").values_list("pk", flat=True))
    previous = dict(zip(periods[1:], periods[:-1], strict=True))
    indicators = {r.indicator_id for r in rules} | {
        r.other_indicator_id for r in rules if r.other_indicator_id
    }
    units = {f.unit_id for f in figures}
    quarters = {f.period_id for f in figures} | {
        previous[f.period_id] for f in figures if f.period_id in previous
    }
    rows = Submission.objects.filter(indicator_id__in=indicators, period_id__in=quarters, value__isnull=False)
    if approved:
        rows = rows.filter(status=Status.APPROVED)
    values, city = {}, {}
    for indicator_id, unit_id, period_id, value, kind in rows.values_list(
        "indicator_id", "unit_id", "period_id", "value", "unit__kind"
    ):
        if unit_id in units:
            values[(indicator_id, unit_id, period_id)] = value
        if kind not in Unit.LOCAL_KINDS:
            city.setdefault((indicator_id, period_id), value)
    return Context(values=values, city=city, previous=previous)


def figure_violations(*, item: Submission) -> list[Violation]:
    """The active rules a figure breaks, as it is submitted. One query when no rule concerns its indicator."""
    rules = rules_active(plan=item.period.plan, indicator_ids=[item.indicator_id])
    if not rules:
        return []
    figure = Figure(
        item.indicator_id,
        item.unit_id,
        item.period_id,
        item.value,
        item.unit.kind in Unit.LOCAL_KINDS,
        item.pk,
    )
    context = rule_context(plan=item.period.plan, rules=rules, figures=[figure], approved=False)
    return [v for rule in rules if (v := rule_check(rule, figure, context))]


def _violations(*, plan: WorkPlan, approved: bool, **scope) -> list[Violation]:
    """The figures of the plan's rule indicators (within `scope`, only approved ones if `approved`) against its active
    rules. Three queries."""
    rules = rules_active(plan=plan)
    figures = Submission.objects.filter(
        indicator__in=[r.indicator_id for r in rules], value__isnull=False, **scope
    )
    if approved:
        figures = figures.filter(status=Status.APPROVED)
    figures = [
        Figure(indicator_id, unit_id, period_id, value, kind in Unit.LOCAL_KINDS, pk)
        for pk, indicator_id, unit_id, period_id, value, kind in figures.values_list(
            "pk", "indicator_id", "unit_id", "period_id", "value", "unit__kind"
        )
    ]
    context = rule_context(plan=plan, rules=rules, figures=figures, approved=approved)
    return [v for rule in rules for figure in figures if (v := rule_check(rule, figure, context))]


def period_violations(*, plan: WorkPlan, period: Period) -> list[Violation]:
    """Every figure of one quarter (draft to approved, as typed) against the plan's active rules, for the command
    line (manage.py data_quality)."""
    return _violations(plan=plan, approved=False, period=period)


def sheet_violations(*, unit: Unit, period: Period, indicator_ids: list[int]) -> list[Violation]:
    """The active rules the unit's figures of the quarter (of these indicators) break as they now stand, drafts
    included: what figure_violations says of each, for them all at once (the Excel import's preview). Three
    queries."""
    return _violations(
        plan=period.plan, approved=False, unit=unit, period=period, indicator_id__in=indicator_ids
    )


def quality_check(*, plan: WorkPlan) -> list[Violation]:
    """Every approved figure of the plan against its active rules (a rule added later finds the figures approved
    before it): the office's 数据质量 list is replaced by what is found. Returns the violations."""
    found = _violations(plan=plan, approved=True)
    now = portal_now()
    QualityIssue.objects.filter(rule__plan=plan).delete()
    QualityIssue.objects.bulk_create(
        QualityIssue(rule=v.rule, submission_id=v.figure.submission_id, message=v.message, found_at=now)
        for v in found
    )
    return found
