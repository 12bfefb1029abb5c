"""报送情况: units × quarters, how many of each unit's obligations were submitted on time, late, or not at all,
from the stored tallies (reports.figures.tallies). A fixed number of queries however many units and quarters."""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.utils.translation import gettext_lazy

from reports.figures.tallies import tallies
from reports.workflow.selectors import (
    unit_obligation_counts,
)
from targets.models import Period, WorkPlan
from targets.periods import portal_today
from units.models import Unit

ON_TIME, LATE, MISSING, NOT_DUE, PENDING = "on_time", "late", "missing", "not_due", "pending"


CELL_LABELS = {
    ON_TIME: gettext_lazy("按时"),
    LATE: gettext_lazy("逾期报送"),
    MISSING: gettext_lazy("未报"),
    NOT_DUE: gettext_lazy("未到期"),
    PENDING: gettext_lazy("填报中"),
}


NONE = (0, 0, 0)  # a unit's tally of a quarter in which it submitted nothing and had nothing returned


@dataclass(slots=True)  # one per unit and quarter: thousands per page, kept lean for the garbage collector
class Cell:
    owed: int
    on_time: int = 0
    late: int = 0
    due: datetime.date | None = None
    is_due: bool = True
    period_code: str = ""  # the cell links to the unit's sheet of this quarter

    @property
    def reported(self) -> int:
        return self.on_time + self.late

    @property
    def state(self) -> str:
        if self.reported >= self.owed:
            return LATE if self.late else ON_TIME
        if not self.is_due:
            return NOT_DUE if not self.reported else PENDING
        return MISSING

    @property
    def label(self) -> str:
        return CELL_LABELS[self.state]


@dataclass(slots=True)
class Rates:
    owed: int = 0
    reported: int = 0
    on_time: int = 0

    @property
    def completeness(self) -> float | None:
        return None if not self.owed else self.reported / self.owed

    @property
    def timeliness(self) -> float | None:
        return None if not self.owed else self.on_time / self.owed

    def add(self, cell: Cell) -> None:
        if cell.is_due:
            self.owed += cell.owed
            self.reported += cell.reported
            self.on_time += cell.on_time


@dataclass
class Heatmap:
    periods: list[Period]
    rows: list[tuple[Unit, list[Cell], Rates]]
    period_rates: list[Rates]
    total: Rates
    returned: Counter  # unit id → times the office returned one of its items in these quarters


def reporting_heatmap(
    *,
    plan: WorkPlan,
    units=None,
    periods: list[Period] | None = None,
    cells: bool = True,
    known: tuple[dict, dict] | None = None,
) -> Heatmap:
    """Units × quarters: how many of each unit's obligations were submitted on time, late, or not at all (only the
    given quarters when `periods` is set). From the stored tallies (reports.figures.tallies): a fixed number of queries.
    `cells=False` (the league) leaves each unit's cells out and keeps only the rates and returns. `known`: the units'
    obligation counts and the tallies, already read for at least these units and quarters (no query then)."""
    today = portal_today()
    periods = list(plan.periods.select_related("plan")) if periods is None else list(periods)
    every_unit = units is None
    units = list(Unit.objects.all() if every_unit else units)
    owed, counts = known or (
        unit_obligation_counts(units=units, plan=plan),
        tallies(periods=periods, unit_ids=None if every_unit else [u.pk for u in units]),
    )
    # Per quarter, not per cell: its due date (worked out from the quarter's end) and whether it has passed.
    quarters = [(p.pk, p.code, p.due_date, p.due_date < today) for p in periods]
    period_rates = [Rates() for _ in periods]
    total = Rates()
    returned = Counter()
    out_rows = []
    for unit in units:
        n = owed.get(unit.pk)
        if not n:
            continue
        row, unit_rates = [], Rates()
        for i, (pk, code, due, is_due) in enumerate(quarters):
            on_time, late, back = counts.get((unit.pk, pk), NONE)
            returned[unit.pk] += back
            if cells:
                row.append(Cell(owed=n, on_time=on_time, late=late, due=due, is_due=is_due, period_code=code))
            if is_due:  # Rates.add, inlined: this runs once per unit and quarter (8,000 times for a province)
                for rates in (unit_rates, period_rates[i], total):
                    rates.owed += n
                    rates.reported += on_time + late
                    rates.on_time += on_time
        out_rows.append((unit, row, unit_rates))
    return Heatmap(periods=periods, rows=out_rows, period_rates=period_rates, total=total, returned=returned)


# What one screen of the heatmap shows. Deyang's whole plan (12 quarters, 28 units) fits on one; a province's 40
# quarters × 200 units (8,000 cells) would not be read, so a longer plan shows the 12 quarters up to the chosen one
# with links to earlier and later ones, and more than 50 units come in pages. The .xlsx always has every cell.
HEATMAP_QUARTERS = 12


HEATMAP_UNITS = 50


@dataclass
class HeatmapView:
    periods: list[Period]  # the quarters shown
    rows: list[tuple[Unit, list[Cell], Rates]]  # this page's units, with their cells of the quarters shown
    period_rates: list[Rates]
    total: Rates  # the city's rates over every quarter and unit
    earlier: Period | None  # the quarter to choose to see the quarters before the shown ones
    later: Period | None
    page: Page

    @property
    def span(self) -> str:
        return f"{self.periods[0].label}–{self.periods[-1].label}" if self.periods else ""


def heatmap_view(*, plan: WorkPlan, periods: list[Period], period: Period, page: str | None) -> HeatmapView:
    """The part of the heatmap one screen shows: up to HEATMAP_QUARTERS quarters ending with `period` (or the first
    ones when it is early in the plan), and the `page`-th HEATMAP_UNITS units. A unit's rates, and the city's, stay
    those of the whole plan so far. Cells are made only for what is shown."""
    units = list(Unit.objects.all())
    known = (
        unit_obligation_counts(units=units, plan=plan),
        tallies(periods=periods),
    )  # read once for both parts
    whole = reporting_heatmap(plan=plan, units=units, periods=periods, cells=False, known=known)
    index = next((i for i, p in enumerate(periods) if p.pk == period.pk), len(periods) - 1)
    start = max(0, index + 1 - HEATMAP_QUARTERS)
    end = min(len(periods), start + HEATMAP_QUARTERS)
    shown = Paginator(whole.rows, HEATMAP_UNITS).get_page(page)
    part = reporting_heatmap(
        plan=plan, units=[unit for unit, _, _ in shown], periods=periods[start:end], known=known
    )
    return HeatmapView(
        periods=periods[start:end],
        rows=[(unit, cells, rates) for (unit, cells, _), (_, _, rates) in zip(part.rows, shown, strict=True)],
        period_rates=whole.period_rates[start:end],
        total=whole.total,
        earlier=periods[start - 1] if start > 0 else None,
        later=periods[min(len(periods), end + HEATMAP_QUARTERS) - 1] if end < len(periods) else None,
        page=shown,
    )
