"""The stored standings (reports.models.Standing): each indicator's progress at every quarter of its plan, computed
by the progress engine from the city rollup rows, so the dashboards read one row per indicator instead of running
the engine over every indicator on each request.

Who keeps them, explicitly (no signals):
- the rollup (reports.rollup), in the transaction that writes the city rows, for every indicator whose city rows
  it changed and every one whose stored standings are missing or were computed for other inputs;
- `standings_refresh`, which the 管理后台 calls after the office edits a plan, a goal area's indicators or an
  indicator (target, baseline, milestones, thresholds).
Whatever the path, a stored standing carries the fingerprint of the inputs it was computed with
(reports.progress.standing_inputs) and is not shown once they differ, so a missed refresh costs speed, never
correctness.
"""

from django.db import transaction
from django.db.models import Count, Max, Min

from targets.models import Indicator, Period, WorkPlan

from .models import Standing
from .progress import city_rows, indicator_progress, indicators_for_standings, standing_inputs


def _standing_rows(
    *, indicator: Indicator, plan: WorkPlan, periods: list[Period], rows: dict[int, tuple]
) -> list[Standing]:
    inputs = standing_inputs(indicator=indicator, plan=plan)
    out = []
    for index, period in enumerate(periods):
        standing = indicator_progress(
            indicator=indicator, plan=plan, periods=periods, rows=rows, index=index, series=False
        )
        progress = standing.progress
        out.append(
            Standing(
                indicator_id=indicator.pk,
                period_id=period.pk,
                status=progress.status,
                value=progress.value,
                expected=progress.expected,
                target=progress.target,
                projected_end=progress.projected_end,
                projected_met=progress.projected_met,
                formula=progress.formula,
                reported=standing.reported,
                expected_units=standing.expected,
                inputs=inputs,
            )
        )
    return out


def standings_write(
    *, plan: WorkPlan, indicators: list[Indicator], periods: list[Period], rows: dict[int, dict[int, tuple]]
) -> int:
    """Replace the stored standings of `indicators` (as reports.progress.indicators_for_standings reads them) at
    every quarter of the plan's `periods`, from their city rows (indicator id → period id → values). The caller
    holds the indicators' rollup lock. Returns the rows written."""
    if not indicators:
        return 0
    Standing.objects.filter(indicator__in=indicators).delete()
    created = []
    for indicator in indicators:
        created += _standing_rows(
            indicator=indicator, plan=plan, periods=periods, rows=rows.get(indicator.pk, {})
        )
    Standing.objects.bulk_create(created, batch_size=2000)
    return len(created)


def standings_outdated(
    *, plan: WorkPlan, indicators: list[Indicator], periods: list[Period]
) -> list[Indicator]:
    """Those of `indicators` whose stored standings are missing, incomplete, or computed for other inputs. One
    query."""
    held = {
        row["indicator_id"]: row
        for row in Standing.objects.filter(indicator__in=indicators)
        .values("indicator_id")
        .annotate(n=Count("id"), low=Min("inputs"), high=Max("inputs"))
    }
    outdated = []
    for indicator in indicators:
        row = held.get(indicator.pk)
        inputs = standing_inputs(indicator=indicator, plan=plan)
        if row is None or row["n"] != len(periods) or not row["low"] == row["high"] == inputs:
            outdated.append(indicator)
    return outdated


@transaction.atomic
def standings_refresh(*, plan: WorkPlan) -> int:
    """Recompute the stored standings of the plan's indicators whose target, baseline, milestones or thresholds
    changed since they were stored (after an edit in 管理后台). Returns how many indicators were recomputed."""
    chosen = Indicator.objects.filter(plan=plan)
    # The rollup's lock: a rollup of the same indicator running meanwhile must not be overwritten by older rows.
    list(chosen.select_for_update(no_key=True).order_by("pk").values_list("pk", flat=True))
    plan = WorkPlan.objects.get(pk=plan.pk)  # the thresholds as saved
    periods = list(plan.periods.all())
    outdated = standings_outdated(plan=plan, indicators=indicators_for_standings(chosen), periods=periods)
    if outdated:
        standings_write(
            plan=plan,
            indicators=outdated,
            periods=periods,
            rows=city_rows(indicators=outdated, periods=periods),
        )
    return len(outdated)
