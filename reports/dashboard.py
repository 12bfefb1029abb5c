"""Reads for the office's dashboards: goal-area standing, reporting timeliness, task board, unit league.

Each function runs a fixed number of queries however many units, quarters and figures there are.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Window,
)
from django.db.models.functions import RowNumber

from targets.models import GoalArea, Indicator, Period, WorkPlan
from targets.periods import portal_today
from targets.progress import Status as Standing
from tasks.models import Task, TaskResponsibility
from units.models import Unit, User

from .alerts import alerts_for_user
from .instructions import instruction_counts
from .models import Rollup, Status, TaskReport
from .progress import IndicatorStanding
from .selectors import (
    reopen_requests_pending,
    review_queue,
    review_queue_task_reports,
    unit_obligation_counts,
    unit_sheet_summaries,
)
from .tallies import tallies


def period_current(*, plan: WorkPlan, periods: list[Period] | None = None) -> Period | None:
    """The quarter being reported now: the latest one that has ended by the portal's today (else the first). Among
    `periods` when the caller holds them (the plan's, in order)."""
    today = portal_today()
    periods = list(plan.periods.select_related("plan")) if periods is None else periods
    ended = [p for p in periods if p.end < today]
    return ended[-1] if ended else (periods[0] if periods else None)


def _count(queryset) -> Subquery:
    """COUNT(*) of a queryset as a scalar subquery, so several counts come back in one query."""
    return Subquery(
        queryset.order_by().values(n=Func(F("pk"), function="COUNT")), output_field=IntegerField()
    )


def office_todo(*, user: User, plan: WorkPlan) -> dict[str, int]:
    """What waits for the office or a leader on the home page: open alerts, items to review (office only),
    reopen requests, instructions not yet answered by every unit. Two queries: the counts together, instructions."""
    counts = {"alerts": alerts_for_user(user=user)}
    office = user.role == User.Role.OFFICE
    if office:
        counts["figures"] = review_queue(user=user)
        counts["reports"] = review_queue_task_reports(user=user)
        counts["reopen"] = reopen_requests_pending()
    row = User.objects.filter(pk=user.pk).values(**{name: _count(qs) for name, qs in counts.items()}).get()
    todo = {"alerts": row["alerts"], **instruction_counts(plan=plan)}
    if office:
        todo["to_review"] = row["figures"] + row["reports"]
        todo["reopen"] = row["reopen"]
    return todo


@dataclass
class AreaCard:
    area: GoalArea | None
    title: str
    counts: Counter = field(default_factory=Counter)  # colour → number of indicators

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def area_cards(*, plan: WorkPlan, standings: list[IndicatorStanding]) -> list[AreaCard]:
    """Green/amber/red/grey counts per goal area (task indicators in a card of their own)."""
    cards = {
        area.pk: AreaCard(area=area, title=f"{area.number}. {area.headline}") for area in plan.areas.all()
    }
    tasks_card = AreaCard(area=None, title="任务中的指标")
    for standing in standings:
        card = cards.get(standing.indicator.area_id, tasks_card)
        card.counts[standing.progress.colour] += 1
    return [*cards.values(), *([tasks_card] if tasks_card.total else [])]


# --- reporting timeliness --------------------------------------------------------------------------------------

ON_TIME, LATE, MISSING, NOT_DUE, PENDING = "on_time", "late", "missing", "not_due", "pending"
CELL_LABELS = {ON_TIME: "按时", LATE: "逾期报送", MISSING: "未报", NOT_DUE: "未到期", PENDING: "填报中"}
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
    *, plan: WorkPlan, units=None, periods: list[Period] | None = None, cells: bool = True
) -> Heatmap:
    """Units × quarters: how many of each unit's obligations were submitted on time, late, or not at all (only the
    given quarters when `periods` is set). From the stored tallies (reports.tallies): a fixed number of queries.
    `cells=False` (the league) leaves each unit's cells out and keeps only the rates and returns."""
    today = portal_today()
    periods = list(plan.periods.select_related("plan")) if periods is None else list(periods)
    every_unit = units is None
    units = list(Unit.objects.all() if every_unit else units)
    owed = unit_obligation_counts(units=units, plan=plan)
    counts = tallies(periods=periods, unit_ids=None if every_unit else [u.pk for u in units])
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
        return f"{self.periods[0].code}–{self.periods[-1].code}" if self.periods else ""


def heatmap_view(*, plan: WorkPlan, periods: list[Period], period: Period, page: str | None) -> HeatmapView:
    """The part of the heatmap one screen shows: up to HEATMAP_QUARTERS quarters ending with `period` (or the first
    ones when it is early in the plan), and the `page`-th HEATMAP_UNITS units. A unit's rates, and the city's, stay
    those of the whole plan so far. Cells are made only for what is shown."""
    whole = reporting_heatmap(plan=plan, periods=periods, cells=False)
    index = next((i for i, p in enumerate(periods) if p.pk == period.pk), len(periods) - 1)
    start = max(0, index + 1 - HEATMAP_QUARTERS)
    end = min(len(periods), start + HEATMAP_QUARTERS)
    shown = Paginator(whole.rows, HEATMAP_UNITS).get_page(page)
    part = reporting_heatmap(plan=plan, units=[unit for unit, _, _ in shown], periods=periods[start:end])
    return HeatmapView(
        periods=periods[start:end],
        rows=[(unit, cells, rates) for (unit, cells, _), (_, _, rates) in zip(part.rows, shown, strict=True)],
        period_rates=whole.period_rates[start:end],
        total=whole.total,
        earlier=periods[start - 1] if start > 0 else None,
        later=periods[min(len(periods), end + HEATMAP_QUARTERS) - 1] if end < len(periods) else None,
        page=shown,
    )


def quarter_rates(*, plan: WorkPlan, period: Period) -> Rates:
    """One quarter's completeness and timeliness over every unit that owes something: the heatmap's column for the
    quarter, without reading the units themselves (the home page needs only these rates)."""
    due = period.due_date
    is_due = due < portal_today()
    counts = tallies(periods=[period])
    rates = Rates()
    for unit_id, owed in unit_obligation_counts(units=None, plan=plan).items():
        if owed:
            on_time, late, _ = counts.get((unit_id, period.pk), NONE)
            rates.add(Cell(owed=owed, on_time=on_time, late=late, due=due, is_due=is_due))
    return rates


# --- task board --------------------------------------------------------------------------------------------------

PROGRESS_ORDER = {"delayed": 0, "not_started": 1, "": 2, "in_progress": 3, "done": 4}


@dataclass
class TaskRow:
    task: Task
    cells: dict[int, TaskReport | None]  # unit id → latest report (any status but draft)

    @property
    def delayed(self) -> int:
        return sum(1 for r in self.cells.values() if r and r.progress == "delayed")


def latest_task_reports(*, plan: WorkPlan) -> dict[tuple[int, int], TaskReport]:
    """Per (task, unit): its latest report that is not a draft. One query, which returns only those (the database
    ranks each pair's reports by quarter), not every report of every quarter."""
    latest = (
        TaskReport.objects.filter(task__plan=plan)
        .exclude(status=Status.DRAFT)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("task_id"), F("unit_id")],
                order_by=[F("period__year").desc(), F("period__quarter").desc()],
            )
        )
        .filter(rank=1)
        .order_by()
        .values("pk")
    )
    # Ranked as narrow rows (ids only), then read: ranking the whole reports sorted their texts on disk (75 ms at
    # province scale), and the default ordering joined four tables to sort the result.
    reports = (
        TaskReport.objects.filter(pk__in=latest)
        .order_by()
        .only("task_id", "unit_id", "progress", "status", "period_id", "progress_text")
    )
    return {(report.task_id, report.unit_id): report for report in reports}


def delayed_task_counts(*, plan: WorkPlan) -> Counter:
    """Per unit: its tasks whose latest report says 滞后, as on the task board (not every delayed report of every
    quarter). Counted by the database: the delayed reports with no later report of the same task and unit (an
    index probe each, where ranking every report of the plan sorted 36,000 rows at province scale)."""
    later = (
        TaskReport.objects.filter(task_id=OuterRef("task_id"), unit_id=OuterRef("unit_id"))
        .exclude(status=Status.DRAFT)
        .filter(
            Q(period__year__gt=OuterRef("period__year"))
            | Q(period__year=OuterRef("period__year"), period__quarter__gt=OuterRef("period__quarter"))
        )
    )
    return Counter(
        dict(
            TaskReport.objects.filter(task__plan=plan, progress=TaskReport.Progress.DELAYED)
            .exclude(status=Status.DRAFT)
            .exclude(Exists(later))
            .order_by()
            .values("unit_id")
            .annotate(n=Count("id"))
            .values_list("unit_id", "n")
        )
    )


def task_board(*, plan: WorkPlan) -> tuple[list[Unit], list[TaskRow]]:
    """Tasks × responsible units with each unit's latest reported progress; tasks with delays first."""
    assigned: dict[int, set[int]] = defaultdict(set)
    for row in TaskResponsibility.objects.filter(task__plan=plan).prefetch_related("group__members"):
        assigned[row.task_id].update(
            [row.unit_id] if row.unit_id else [m.pk for m in row.group.members.all()]
        )
    latest = latest_task_reports(plan=plan)
    units = [u for u in Unit.objects.all() if any(u.pk in ids for ids in assigned.values())]
    tasks = Task.objects.filter(plan=plan).select_related("section").order_by("kind", "position")
    rows = [TaskRow(task=t, cells={u: latest.get((t.pk, u)) for u in assigned[t.pk]}) for t in tasks]
    rows.sort(key=lambda r: (-r.delayed, r.task.kind, r.task.position))
    return units, rows


# --- unit league -------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class LeagueRow:
    unit: Unit
    rates: Rates
    returned: int
    delayed_tasks: int
    red_indicators: int

    @property
    def score(self) -> tuple:
        return (
            -(self.rates.timeliness or 0),
            -(self.rates.completeness or 0),
            self.returned,
            self.red_indicators,
        )


def unit_league(*, plan: WorkPlan, heatmap: Heatmap, standings: list[IndicatorStanding]) -> list[LeagueRow]:
    """Units ranked by on-time rate, then completeness, then fewest returned items and red indicators."""
    lagging = [s.indicator.pk for s in standings if s.progress.status == Standing.LAGGING]
    # Counted in the database, and asked even when nothing lags (an empty IN would skip the query: the page's
    # query count would then depend on the data).
    red = Counter(
        dict(
            Indicator.reporting_units.through.objects.filter(indicator__plan=plan)
            .values("unit_id")
            .annotate(n=Count("id", filter=Q(indicator_id__in=lagging)))
            .values_list("unit_id", "n")
        )
    )
    delayed = delayed_task_counts(plan=plan)
    rows = [
        LeagueRow(
            unit=u,
            rates=r,
            returned=heatmap.returned[u.pk],
            delayed_tasks=delayed[u.pk],
            red_indicators=red[u.pk],
        )
        for u, _, r in heatmap.rows
    ]
    return sorted(rows, key=lambda r: r.score)


def red_count(standings: list[IndicatorStanding]) -> int:
    return sum(1 for s in standings if s.progress.status == Standing.LAGGING)


# --- a unit's own page ---------------------------------------------------------------------------------------------


@dataclass
class UnitQuarter:
    period: Period
    owed: int
    submitted: int  # submitted or approved
    returned: int

    @property
    def missing(self) -> int:
        return self.owed - self.submitted

    @property
    def overdue(self) -> bool:
        return self.missing > 0 and self.period.due_date < portal_today()


def unit_quarters(*, unit: Unit, plan: WorkPlan) -> list[UnitQuarter]:
    """Every quarter open for reporting with what the unit owes, has submitted and had returned; newest first."""
    today = portal_today()
    periods = [p for p in plan.periods.select_related("plan") if p.start <= today]
    summaries = unit_sheet_summaries(units=[unit], periods=periods)
    return [
        UnitQuarter(
            period=s.period,
            owed=s.obligations,
            submitted=s.by_status.get(Status.SUBMITTED, 0) + s.by_status.get(Status.APPROVED, 0),
            returned=s.by_status.get(Status.RETURNED, 0),
        )
        for s in summaries
    ]


@dataclass
class Contribution:
    indicator: Indicator
    own: Decimal | None
    city: Decimal | None

    @property
    def share(self) -> float | None:
        if self.own is None or not self.city or self.indicator.kind in ("rate", "milestone", "relative"):
            return None
        return float(self.own / self.city)


SUMMED_KINDS = (Indicator.Kind.CUMULATIVE, Indicator.Kind.INCREMENT)


def unit_contributions(*, unit: Unit, plan: WorkPlan, period: Period) -> list[Contribution]:
    """For each indicator the unit reports: its approved figure this quarter beside the city value. For a
    cumulative or increment indicator (累计 / 新增) both are the sums since the plan began, as its target counts
    them: one quarter's 0.48亿元 beside a target of 22亿元 would read as far behind."""
    indicators = list(Indicator.objects.filter(plan=plan, reporting_units=unit).order_by("position", "id"))
    summed = {i.pk for i in indicators if i.kind in SUMMED_KINDS}
    up_to_now = Q(period__year__lt=period.year) | Q(
        period__year=period.year, period__quarter__lte=period.quarter
    )
    rows = (
        Rollup.objects.filter(indicator__in=indicators)
        .filter(Q(period=period) | Q(up_to_now, indicator__in=summed))
        .filter(Q(unit=unit) | Q(unit__isnull=True))
        .values_list("indicator_id", "unit_id", "period_id", "value")
    )
    own: dict[int, Decimal | None] = {}
    city: dict[int, Decimal | None] = {}
    for indicator_id, unit_id, period_id, value in rows:
        values = own if unit_id else city
        if indicator_id in summed:
            if value is not None:
                values[indicator_id] = (values.get(indicator_id) or Decimal(0)) + value
        elif period_id == period.pk:
            values[indicator_id] = value
    return [Contribution(indicator=i, own=own.get(i.pk), city=city.get(i.pk)) for i in indicators]
