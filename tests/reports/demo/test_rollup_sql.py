"""The set-based rollup (reports.figures.rollup) against a plain Python reading of the aggregation rules, figure by figure,
on the demo data: every indicator, every quarter, city and unit rows alike. The reference below is the rollup as
it was written before it moved into SQL; it stays here, in the tests only, as the statement of the rules."""

from collections import defaultdict
from decimal import Decimal

import pytest

from reports.figures.rollup import rollup_rebuild_indicator, rollup_rebuild_plan
from reports.models import Rollup, Status, Submission
from targets.models import Indicator

FIELDS = ("value", "numerator", "denominator", "achieved_on", "reported", "expected")


def _city(indicator, figures, expected, lead_unit_id):
    row = dict.fromkeys(FIELDS)
    row["reported"], row["expected"] = len(figures), expected
    if not figures:
        return row
    if indicator.kind == Indicator.Kind.MILESTONE:
        dates = [f.achieved_on for f in figures if f.achieved]
        row["value"] = Decimal(1) if any(f.achieved for f in figures) else Decimal(0)
        row["achieved_on"] = min((d for d in dates if d), default=None)
        return row
    rule = indicator.aggregation
    if rule == Indicator.Aggregation.RATIO and indicator.has_ratio:
        numerator = sum((f.numerator or 0 for f in figures), Decimal(0))
        denominator = sum((f.denominator or 0 for f in figures), Decimal(0))
        row["numerator"], row["denominator"] = numerator, denominator
        row["value"] = (numerator * 100 / denominator).quantize(Decimal("0.0001")) if denominator else None
    elif rule == Indicator.Aggregation.RATIO:
        values = [f.value for f in figures if f.value is not None]
        row["value"] = (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.0001")) if values else None
    elif rule == Indicator.Aggregation.LEAD:
        lead = next((f for f in figures if f.unit_id == lead_unit_id), None)
        row["value"] = lead.value if lead else None
    elif rule == Indicator.Aggregation.LATEST:
        row["value"] = max(figures, key=lambda f: (f.reviewed_at, f.pk)).value
    else:
        row["value"] = sum((f.value for f in figures if f.value is not None), Decimal(0))
    return row


def _unit(indicator, figure):
    return {
        "value": Decimal(1 if figure.achieved else 0) if indicator.kind == "milestone" else figure.value,
        "numerator": figure.numerator,
        "denominator": figure.denominator,
        "achieved_on": figure.achieved_on,
        "reported": 1,
        "expected": 1,
    }


def reference(indicator):
    """The rows a rollup of this indicator should hold, keyed by (period id, unit id or None for the city)."""
    reporters = list(indicator.reporting_units.order_by("position", "id").values_list("pk", flat=True))
    approved = Submission.objects.filter(
        indicator=indicator, status=Status.APPROVED, unit_id__in=reporters
    ).order_by("period_id", "unit_id")
    by_period = defaultdict(list)
    for figure in approved:
        by_period[figure.period_id].append(figure)
    wanted = {}
    for period_id in indicator.plan.periods.values_list("pk", flat=True):
        figures = by_period.get(period_id, [])
        wanted[(period_id, None)] = _city(
            indicator, figures, len(reporters), reporters[0] if reporters else None
        )
        for figure in figures:
            wanted[(period_id, figure.unit_id)] = _unit(indicator, figure)
    return wanted


def held(indicator):
    return {
        (row["period_id"], row["unit_id"]): {name: row[name] for name in FIELDS}
        for row in Rollup.objects.filter(indicator=indicator).values("period_id", "unit_id", *FIELDS)
    }


def _same(a: dict, b: dict) -> bool:
    """Equal field by field; numbers compared as numbers (SQLite hands sums back as floats made Decimal)."""
    return a.keys() == b.keys() and all(
        (x is None and y is None) or (x is not None and y is not None and Decimal(x) == Decimal(y))
        if isinstance(x, Decimal | int) or isinstance(y, Decimal | int)
        else x == y
        for name in a
        for x, y in [(a[name], b[name])]
    )


@pytest.mark.django_db
def test_every_indicator_of_the_demo_data_rolls_up_as_the_rules_say(demo_plan):
    indicators = list(demo_plan.indicators.all())
    rules = {(i.kind == "milestone", i.aggregation, i.has_ratio) for i in indicators}
    assert len(rules) >= 4  # sums, ratios of sums, lead unit, milestones at least
    for indicator in indicators:
        wanted, rows = reference(indicator), held(indicator)
        assert rows.keys() == wanted.keys(), indicator.code
        for key, values in wanted.items():
            assert _same(rows[key], values), (indicator.code, key, rows[key], values)


@pytest.mark.django_db
def test_a_plan_rebuild_of_the_demo_data_rewrites_nothing(demo_plan):
    before = list(Rollup.objects.order_by("pk").values())
    assert rollup_rebuild_plan(plan=demo_plan) == 0
    assert list(Rollup.objects.order_by("pk").values()) == before


@pytest.mark.django_db
def test_a_figure_changed_behind_the_rollup_is_rewritten_alone(demo_plan):
    figure = Submission.objects.filter(
        period__plan=demo_plan, status=Status.APPROVED, indicator__aggregation="sum", value__isnull=False
    ).first()
    city = Rollup.objects.get(indicator=figure.indicator, period=figure.period, unit__isnull=True)
    Submission.objects.filter(pk=figure.pk).update(value=figure.value + 7)
    # Its unit row and its quarter's city row: nothing else.
    assert rollup_rebuild_plan(plan=demo_plan) == 2
    assert Rollup.objects.get(pk=city.pk).computed_at > city.computed_at  # the rewritten row says when
    assert _same(
        held(figure.indicator)[(figure.period_id, figure.unit_id)],
        reference(figure.indicator)[(figure.period_id, figure.unit_id)],
    )
    assert _same(
        held(figure.indicator)[(figure.period_id, None)],
        reference(figure.indicator)[(figure.period_id, None)],
    )


@pytest.mark.django_db
def test_a_unit_no_longer_reporting_leaves_the_rollup(demo_plan):
    indicator = next(i for i in demo_plan.indicators.order_by("position") if i.reporting_units.count() > 1)
    unit = indicator.reporting_units.order_by("-position").first()
    assert Rollup.objects.filter(indicator=indicator, unit=unit).exists()
    indicator.reporting_units.remove(unit)
    assert rollup_rebuild_indicator(indicator=indicator) > 0
    assert not Rollup.objects.filter(indicator=indicator, unit=unit).exists()
    wanted, rows = reference(indicator), held(indicator)
    assert rows.keys() == wanted.keys()
    assert all(_same(rows[key], wanted[key]) for key in wanted)
