"""Reads of where the plan stands: the progress engine (targets.engine) applied to the rollup values.

The dashboards read each indicator's standing as the rollup stored it (reports.figures.standings keeps the Standing rows);
a stored standing whose target or thresholds have changed since it was computed is ignored and the standing is
computed here afresh, so a page never shows one computed for an old target."""

import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Func, IntegerField, OuterRef, Subquery
from django.utils.translation import gettext as _

from reports.models import Rollup, Standing
from targets.engine import Point, Progress, Target, Thresholds, progress_at
from targets.models import Indicator, IndicatorMilestone, Period, WorkPlan
from targets.periods import QUARTER_NAMES, quarter_of

# Part of every stored standing's fingerprint: raise it when the progress engine's rules change, and the stored
# standings computed by the old rules stop being used (the next rollup of the plan recomputes them).
ENGINE_VERSION = 3  # 2: no projection at or after the target date; 3: the basis quarter and held figures
CITY_FIELDS = ("value", "numerator", "denominator", "achieved_on", "reported", "expected", "held")


def quarter_label(day: datetime.date) -> str:
    """The quarter a day falls in, as users read it: 2025年第一季度."""
    year, quarter = quarter_of(day)
    return f"{year}年{QUARTER_NAMES[quarter]}"


@dataclass(slots=True)
class IndicatorStanding:
    indicator: Indicator
    period: Period
    progress: Progress
    reported: int  # units with an approved figure this quarter
    expected: int  # units that report it
    basis_end: datetime.date | None = None  # end of the last quarter with approved data the standing rests on
    held: int = 0  # figures up to this quarter withdrawn from approval, counted at the values approved

    @property
    def completeness(self) -> str:
        return f"{self.reported}/{self.expected}"

    @property
    def note(self) -> str:
        """What the standing rests on, as the office reads it beside the status: 依据2025年第一季度数据；2025年第二季度
        数据尚未审核通过；1项已审核数据正在重新打开修改，暂按原审核值计. Empty without approved data."""
        if self.basis_end is None:
            return ""
        parts = [_("依据%(quarter)s数据") % {"quarter": quarter_label(self.basis_end)}]
        if self.basis_end < self.period.end:
            parts.append(_("%(quarter)s数据尚未审核通过") % {"quarter": self.period.label})
        if self.held:
            parts.append(_("%(n)d项已审核数据正在重新打开修改，暂按原审核值计") % {"n": self.held})
        return _("；").join(parts)

    @property
    def caveat(self) -> str:
        """The note when the standing does not simply rest on this quarter's approved data (shown beside the status
        in tables, the dashboard and the bulletin); empty otherwise."""
        plain = self.basis_end is None or (self.basis_end >= self.period.end and not self.held)
        return "" if plain else self.note


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
        milestones=indicator.milestone_path,
    )


def thresholds_of(plan: WorkPlan) -> Thresholds:
    return Thresholds(amber_ratio=plan.amber_ratio, rate_amber_points=plan.rate_amber_points)


def _plain(value):
    return value.normalize() if isinstance(value, Decimal) else value


def standing_inputs(*, indicator: Indicator, plan: WorkPlan) -> str:
    """A fingerprint of everything an indicator's standing depends on besides its city rollup rows: its target,
    baseline and milestones (as indicators_for_standings reads them), the plan's start and thresholds, the engine's version."""
    target, thresholds = _target(indicator, plan), thresholds_of(plan)
    parts = (
        ENGINE_VERSION,
        *(_plain(getattr(target, name)) for name in target.__dataclass_fields__ if name != "milestones"),
        tuple((day, _plain(value)) for day, value in target.milestones),
        _plain(thresholds.amber_ratio),
        _plain(thresholds.rate_amber_points),
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def indicators_for_standings(queryset) -> list[Indicator]:
    """Indicators as the standings need them: area, number of reporting units, and `milestone_path`, the office's
    milestones as (date, value) in date order (plain tuples, read in one query: a prefetch would hang a queryset
    on each of a province's 400 indicators)."""
    # The count as a subquery per indicator: a join and GROUP BY over every column of indicator and area costs 3-9×.
    reporters = Indicator.reporting_units.through.objects.filter(indicator_id=OuterRef("pk")).order_by()
    chosen = list(
        queryset.select_related("area")
        .annotate(
            reporter_count=Subquery(
                reporters.values(n=Func(F("pk"), function="COUNT")), output_field=IntegerField()
            )
        )
        .order_by("position", "id")
    )
    path: dict[int, list] = defaultdict(list)
    for indicator_id, day, value in (
        IndicatorMilestone.objects.filter(indicator_id__in=[i.pk for i in chosen])
        .order_by("indicator_id", "date")
        .values_list("indicator_id", "date", "value")
    ):
        path[indicator_id].append((day, value))
    for indicator in chosen:
        indicator.milestone_path = tuple(path.get(indicator.pk, ()))
    return chosen


def city_rows(*, indicators: list[Indicator], periods: list[Period]) -> dict[int, dict[int, tuple]]:
    """indicator id → period id → the city row's values (CITY_FIELDS), as plain tuples: a province's plan has tens
    of thousands of city rows."""
    rows: dict[int, dict[int, tuple]] = defaultdict(dict)
    for indicator_id, period_id, *values in Rollup.objects.filter(
        indicator_id__in=[i.pk for i in indicators], unit__isnull=True, period_id__in=[p.pk for p in periods]
    ).values_list("indicator_id", "period_id", *CITY_FIELDS):
        rows[indicator_id][period_id] = tuple(values)
    return rows


EMPTY = (None, None, None, None, 0, None, 0)


def indicator_progress(
    *,
    indicator: Indicator,
    plan: WorkPlan,
    periods: list[Period],
    rows: dict[int, tuple],
    index: int,
    series: bool = True,
) -> IndicatorStanding:
    """The indicator's standing at quarter `index` of the plan's `periods`, from its city rows (period id → values)."""
    points, basis_end, held = [], None, 0
    for p in periods[: index + 1]:
        value, numerator, denominator, achieved_on, _, _, withdrawn = rows.get(p.pk, EMPTY)
        if value is not None:
            basis_end = p.end
        held += withdrawn or 0
        points.append(
            Point(
                end=p.end, value=value, numerator=numerator, denominator=denominator, achieved_on=achieved_on
            )
        )
    current = rows.get(periods[index].pk)
    return IndicatorStanding(
        indicator=indicator,
        period=periods[index],
        progress=progress_at(
            _target(indicator, plan),
            points,
            index,
            thresholds=thresholds_of(plan),
            quarter_ends=[p.end for p in periods],
            series=series,
        ),
        reported=current[4] if current else 0,
        expected=current[5] if current else indicator.reporter_count,
        basis_end=basis_end,
        held=held,
    )


STORED = (
    "indicator_id",
    "status",
    "value",
    "expected",
    "target",
    "projected_end",
    "projected_met",
    "formula",
    "reported",
    "expected_units",
    "basis_end",
    "held",
    "inputs",
)


def plan_standings(
    *,
    plan: WorkPlan,
    period: Period,
    indicators=None,
    periods: list[Period] | None = None,
    series: bool = False,
) -> list[IndicatorStanding]:
    """Every indicator's progress at the end of `period`: as stored by the rollup where its inputs are unchanged,
    else computed from the city rollup rows. `series=True` (the chart page) computes each one with its quarterly
    series. A fixed number of queries when the stored standings are current (one fewer when the caller already
    holds the plan's `periods`)."""
    periods = list(plan.periods.all()) if periods is None else periods
    index = next(i for i, p in enumerate(periods) if p.pk == period.pk)
    chosen = indicators_for_standings(
        indicators if indicators is not None else Indicator.objects.filter(plan=plan)
    )
    stored = {}
    if not series:
        stored = {
            row[0]: row
            for row in Standing.objects.filter(
                indicator_id__in=[i.pk for i in chosen], period=period
            ).values_list(*STORED)
        }
    standings, live = {}, []
    for indicator in chosen:
        row = stored.get(indicator.pk)
        if row is None or row[-1] != standing_inputs(indicator=indicator, plan=plan):
            live.append(indicator)
            continue
        (
            _,
            status,
            value,
            expected,
            target,
            projected_end,
            projected_met,
            formula,
            reported,
            units,
            basis,
            held,
            _,
        ) = row
        progress = Progress(
            status=status,
            value=value,
            expected=expected,
            target=target,
            projected_end=projected_end,
            projected_met=projected_met,
            formula=formula,
        )
        standings[indicator.pk] = IndicatorStanding(
            indicator=indicator,
            period=period,
            progress=progress,
            reported=reported,
            expected=units,
            basis_end=basis,
            held=held,
        )
    if live:
        rows = city_rows(indicators=live, periods=periods[: index + 1])
        for indicator in live:
            standings[indicator.pk] = indicator_progress(
                indicator=indicator,
                plan=plan,
                periods=periods,
                rows=rows.get(indicator.pk, {}),
                index=index,
                series=series,
            )
    return [standings[indicator.pk] for indicator in chosen]
