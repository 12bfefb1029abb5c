"""Reads of where the plan stands: the progress engine (targets.progress) applied to the rollup values."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Prefetch

from targets.models import Indicator, IndicatorMilestone, Period, WorkPlan
from targets.progress import Point, Progress, Target, Thresholds, progress_at

from .models import Rollup


@dataclass
class IndicatorStanding:
    indicator: Indicator
    period: Period
    progress: Progress
    reported: int  # units with an approved figure this quarter
    expected: int  # units that report it

    @property
    def completeness(self) -> str:
        return f"{self.reported}/{self.expected}"


def _target(indicator: Indicator, plan: WorkPlan) -> Target:
    return Target(
        kind=indicator.kind,
        direction=indicator.direction,
        comparison=indicator.comparison,
        target_value=indicator.target_value,
        factor=indicator.factor,
        baseline_value=indicator.baseline_value,
        start=plan.start,
        target_date=indicator.target_date,
        milestones=tuple((m.date, m.value) for m in indicator.milestones.all()),
    )


def thresholds_of(plan: WorkPlan) -> Thresholds:
    return Thresholds(amber_ratio=plan.amber_ratio, rate_amber_points=plan.rate_amber_points)


def plan_standings(
    *, plan: WorkPlan, period: Period, indicators=None, periods: list[Period] | None = None
) -> list[IndicatorStanding]:
    """Every indicator's progress at the end of `period`, from the city rollup rows. A fixed number of queries (one
    fewer when the caller already holds the plan's `periods`)."""
    periods = list(plan.periods.all()) if periods is None else periods
    index = next(i for i, p in enumerate(periods) if p.pk == period.pk)
    chosen = indicators if indicators is not None else Indicator.objects.filter(plan=plan)
    chosen = list(
        chosen.select_related("area")
        .annotate(reporter_count=Count("reporting_units"))
        .prefetch_related(Prefetch("milestones", IndicatorMilestone.objects.order_by("date")))
        .order_by("position", "id")
    )
    # Plain tuples, not Rollup instances: a province's plan has tens of thousands of city rows to read.
    rows: dict[int, dict[int, tuple]] = defaultdict(dict)
    for indicator_id, period_id, *values in Rollup.objects.filter(
        indicator__in=chosen, unit__isnull=True, period__in=periods[: index + 1]
    ).values_list(
        "indicator_id",
        "period_id",
        "value",
        "numerator",
        "denominator",
        "achieved_on",
        "reported",
        "expected",
    ):
        rows[indicator_id][period_id] = values
    quarter_ends = [p.end for p in periods]
    ends = quarter_ends[: index + 1]
    thresholds = thresholds_of(plan)
    standings = []
    empty = (None, None, None, None, 0, None)
    for indicator in chosen:
        mine = rows.get(indicator.pk, {})
        points = []
        for p, end in zip(periods[: index + 1], ends, strict=True):
            value, numerator, denominator, achieved_on, _, _ = mine.get(p.pk, empty)
            points.append(
                Point(
                    end=end,
                    value=value,
                    numerator=numerator,
                    denominator=denominator,
                    achieved_on=achieved_on,
                )
            )
        current = mine.get(period.pk)
        standings.append(
            IndicatorStanding(
                indicator=indicator,
                period=period,
                progress=progress_at(
                    _target(indicator, plan), points, index, thresholds=thresholds, quarter_ends=quarter_ends
                ),
                reported=current[4] if current else 0,
                expected=current[5] if current else indicator.reporter_count,
            )
        )
    return standings
