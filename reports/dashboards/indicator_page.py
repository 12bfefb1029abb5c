"""One indicator's chart page: each reporting unit's approved figure per quarter, and how many figures of the
quarter still wait for approval."""

from dataclasses import dataclass
from decimal import Decimal

from reports.models import Rollup, Status, Submission
from targets.models import Indicator, Period
from units.models import Unit


@dataclass
class UnitFigures:
    history: list[
        tuple[Unit, list[Decimal | None]]
    ]  # each reporting unit's value per quarter, in the plan's order
    breakdown: list[tuple[str, float | None]]  # each reporting unit's value in the chosen quarter
    pending: int  # figures of the chosen quarter not yet approved


def indicator_unit_figures(*, indicator: Indicator, period: Period, periods: list[Period]) -> UnitFigures:
    """The indicator's figures by unit (as the rollup holds the approved ones), over the plan's `periods` and in
    the chosen `period`. Three queries."""
    grid: dict[int, dict[int, Decimal | None]] = {}  # unit id → period id → value, as plain values
    for unit_id, period_id, value in Rollup.objects.filter(
        indicator=indicator, unit__isnull=False, period__in=periods
    ).values_list("unit_id", "period_id", "value"):
        grid.setdefault(unit_id, {})[period_id] = value
    reporters = list(indicator.reporting_units.all())
    return UnitFigures(
        history=[(unit, [grid.get(unit.pk, {}).get(p.pk) for p in periods]) for unit in reporters],
        breakdown=[
            (unit.name, float(grid[unit.pk][period.pk]) if period.pk in grid.get(unit.pk, {}) else None)
            for unit in reporters
        ],
        pending=Submission.objects.filter(indicator=indicator, period=period)
        .exclude(status=Status.APPROVED)
        .count(),
    )
