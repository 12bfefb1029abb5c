"""Rollups: approved figures → per-quarter values for the city and each unit, by the indicator's aggregation rule.

A rebuild computes the wanted rows and writes only the differences, in one transaction: running it twice
changes nothing, and a rebuild killed half-way leaves the previous values untouched.
"""

from collections import defaultdict
from decimal import Decimal

from django.db import transaction

from targets.models import Indicator, WorkPlan

from .models import Rollup, Status, Submission

FIELDS = ("value", "numerator", "denominator", "achieved_on", "reported", "expected")


def _city_row(
    indicator: Indicator, figures: list[Submission], expected: int, lead_unit_id: int | None
) -> dict:
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


def _unit_row(figure: Submission) -> dict:
    return {
        "value": Decimal(1 if figure.achieved else 0)
        if figure.indicator.kind == "milestone"
        else figure.value,
        "numerator": figure.numerator,
        "denominator": figure.denominator,
        "achieved_on": figure.achieved_on,
        "reported": 1,
        "expected": 1,
    }


def rollup_wanted(*, indicator: Indicator) -> dict[tuple[int, int | None], dict]:
    """The rows a rollup of this indicator should hold, keyed by (period id, unit id or None for the city)."""
    reporters = list(indicator.reporting_units.order_by("position", "id").values_list("pk", flat=True))
    approved = (
        Submission.objects.filter(indicator=indicator, status=Status.APPROVED, unit_id__in=reporters)
        .select_related("indicator")
        .order_by("period_id", "unit_id")
    )
    by_period: dict[int, list[Submission]] = defaultdict(list)
    for figure in approved:
        by_period[figure.period_id].append(figure)
    wanted = {}
    for period_id in indicator.plan.periods.values_list("pk", flat=True):
        figures = by_period.get(period_id, [])
        wanted[(period_id, None)] = _city_row(
            indicator, figures, len(reporters), reporters[0] if reporters else None
        )
        for figure in figures:
            wanted[(period_id, figure.unit_id)] = _unit_row(figure)
    return wanted


@transaction.atomic
def rollup_rebuild_indicator(*, indicator: Indicator) -> int:
    """Bring the indicator's rollup rows in line with its approved figures. Returns how many rows were written."""
    Indicator.objects.select_for_update(no_key=True).filter(
        pk=indicator.pk
    ).first()  # one rebuild of an indicator at a time
    wanted = rollup_wanted(indicator=indicator)
    existing = {(r.period_id, r.unit_id): r for r in Rollup.objects.filter(indicator=indicator)}
    stale = [r.pk for key, r in existing.items() if key not in wanted]
    create, update = [], []
    for (period_id, unit_id), values in wanted.items():
        row = existing.get((period_id, unit_id))
        if row is None:
            create.append(Rollup(indicator=indicator, period_id=period_id, unit_id=unit_id, **values))
        elif any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            update.append(row)
    Rollup.objects.filter(pk__in=stale).delete()
    Rollup.objects.bulk_create(create)
    for row in update:
        row.save(update_fields=[*FIELDS, "computed_at"])
    return len(stale) + len(create) + len(update)


def rollup_rebuild_plan(*, plan: WorkPlan) -> int:
    """Rebuild every indicator of the plan (the nightly job and `manage.py rollup`)."""
    return sum(rollup_rebuild_indicator(indicator=indicator) for indicator in plan.indicators.all())
