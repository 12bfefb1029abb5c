"""单位排名: units ranked by on-time rate, completeness, returns and lagging indicators."""

from collections import Counter
from dataclasses import dataclass

from django.db.models import (
    Count,
    Q,
)

from reports.dashboards.heatmap import Heatmap, Rates
from reports.dashboards.task_board import delayed_task_counts
from reports.figures.selectors import IndicatorStanding
from targets.engine import ProgressStatus
from targets.models import Indicator, WorkPlan
from units.models import Unit


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
    """Every unit that owes something, ranked by on-time rate, then completeness, then fewest returned items and red
    indicators (the evaluation's record of every unit; the ranking people read is unit_ranking)."""
    lagging = [s.indicator.pk for s in standings if s.progress.status == ProgressStatus.LAGGING]
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


def unit_ranking(*, plan: WorkPlan, heatmap: Heatmap, standings: list[IndicatorStanding]) -> list[LeagueRow]:
    """单位排名 (the dashboard and the bulletin): the units that report to the office, in unit_league's order. The
    office's own unit, which reviews them, is not ranked (it may owe task reports of its own: the heatmap and the
    evaluation show them)."""
    return [
        row
        for row in unit_league(plan=plan, heatmap=heatmap, standings=standings)
        if row.unit.kind != Unit.Kind.OFFICE
    ]
