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


def plan_standings(*, plan: WorkPlan, period: Period, indicators=None) -> list[IndicatorStanding]:
    """Every indicator's progress at the end of `period`, from the city rollup rows. A fixed number of queries."""
    periods = list(plan.periods.all())
    index = next(i for i, p in enumerate(periods) if p.pk == period.pk)
    chosen = indicators if indicators is not None else Indicator.objects.filter(plan=plan)
    chosen = list(
        chosen.select_related("area")
        .annotate(reporter_count=Count("reporting_units"))
        .prefetch_related(Prefetch("milestones", IndicatorMilestone.objects.order_by("date")))
        .order_by("position", "id")
    )
    rows: dict[int, dict[int, Rollup]] = defaultdict(dict)
    for row in Rollup.objects.filter(
        indicator__in=chosen, unit__isnull=True, period__in=periods[: index + 1]
    ):
        rows[row.indicator_id][row.period_id] = row
    quarter_ends = [p.end for p in periods]
    thresholds = thresholds_of(plan)
    standings = []
    for indicator in chosen:
        mine = rows.get(indicator.pk, {})
        points = [
            Point(
                end=p.end,
                value=mine[p.pk].value if p.pk in mine else None,
                numerator=mine[p.pk].numerator if p.pk in mine else None,
                denominator=mine[p.pk].denominator if p.pk in mine else None,
                achieved_on=mine[p.pk].achieved_on if p.pk in mine else None,
            )
            for p in periods[: index + 1]
        ]
        current = mine.get(period.pk)
        standings.append(
            IndicatorStanding(
                indicator=indicator,
                period=period,
                progress=progress_at(
                    _target(indicator, plan), points, index, thresholds=thresholds, quarter_ends=quarter_ends
                ),
                reported=current.reported if current else 0,
                expected=current.expected if current else indicator.reporter_count,
            )
        )
    return standings
