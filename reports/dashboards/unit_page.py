"""A unit's own page (我的单位 / 我的任务): its quarters and its share of the city's figures."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Q,
)

from reports.figures.tallies import tallies
from reports.models import Rollup, Status, Submission, TaskReport
from reports.workflow.selectors import unit_obligation_counts, unit_sheet_summaries
from targets.models import Indicator, Period, WorkPlan
from targets.periods import portal_today
from units.models import Unit


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


@dataclass(frozen=True)
class PlanRecord:
    """A unit's record in one plan, over the quarters due so far: what it owed, how much it submitted on time and
    late, how often the office returned an item, and how much stands approved."""

    plan: WorkPlan
    quarters: int
    owed: int
    on_time: int
    late: int
    returned: int
    approved: int

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.owed if self.owed else None


def unit_record(*, unit: Unit, plans: list[WorkPlan]) -> list[PlanRecord]:
    """The unit's record in each of `plans` where it owes anything, in the order given (the plan bar's: open plans
    first). A few queries per plan."""
    today = portal_today()
    records = []
    for plan in plans:
        per_quarter = unit_obligation_counts(units=[unit], plan=plan)[unit.pk]
        if not per_quarter:
            continue
        due = [p for p in plan.periods.select_related("plan") if p.due_date < today]
        counts = tallies(periods=due, unit_ids=[unit.pk]).values()
        approved = sum(
            model.objects.filter(unit=unit, period__in=due, status=Status.APPROVED).count()
            for model in (Submission, TaskReport)
        )
        records.append(
            PlanRecord(
                plan=plan,
                quarters=len(due),
                owed=per_quarter * len(due),
                on_time=sum(c[0] for c in counts),
                late=sum(c[1] for c in counts),
                returned=sum(c[2] for c in counts),
                approved=approved,
            )
        )
    return records


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
