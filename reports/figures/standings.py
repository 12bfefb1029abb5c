"""The stored standings (reports.models.Standing): each indicator's progress at every quarter of its plan, computed
by the progress engine from the city rollup rows, so the dashboards read one row per indicator instead of running
the engine over every indicator on each request.

Who keeps them:
- the rollup (reports.figures.rollup), in the transaction that writes the city rows, for every indicator whose city rows
  it changed and every one whose stored standings are missing or were computed for other inputs;
- `standings_refresh`, called (through `plan_edited_refresh`, on targets.signals.plan_edited) after the office
  edits a plan, a quarter, a goal area's indicators or an indicator in 管理后台 (target, baseline, milestones,
  thresholds).
Whatever the path, a stored standing carries the fingerprint of the inputs it was computed with
(reports.figures.selectors.standing_inputs) and is not shown once they differ, so a missed refresh costs speed, never
correctness.
"""

from decimal import Decimal

from django.db import transaction
from django.db.backends.utils import format_number
from django.db.models import Count, Max, Min

from reports.figures.bulk import rows_update
from reports.figures.selectors import city_rows, indicator_progress, indicators_for_standings, standing_inputs
from reports.figures.tallies import tally_rebuild
from reports.models import Standing
from targets.models import Indicator, Period, WorkPlan


def _standing_rows(
    *, indicator: Indicator, plan: WorkPlan, periods: list[Period], rows: dict[int, tuple], start: int = 0
) -> list[Standing]:
    inputs = standing_inputs(indicator=indicator, plan=plan)
    out = []
    for index in range(start, len(periods)):
        period = periods[index]
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
                basis_end=standing.basis_end,
                held=standing.held,
                inputs=inputs,
            )
        )
    return out


# What a stored standing holds besides its keys: compared with what the engine gives, so only differences are written.
COMPARED = (
    "status", "value", "expected", "target", "projected_end", "projected_met", "formula", "reported",
    "expected_units", "basis_end", "held", "inputs",
)  # fmt: skip
DECIMALS = {f.name: f for f in Standing._meta.fields if f.get_internal_type() == "DecimalField"}


def _as_held(standing: Standing) -> list:
    """The standing's compared values as the database gives them back (decimals rounded to the column's places)."""
    out = []
    for name in COMPARED:
        value = getattr(standing, name)
        field = DECIMALS.get(name)
        if field is not None and value is not None:
            value = Decimal(format_number(value, field.max_digits, field.decimal_places))
        out.append(value)
    return out


def standings_write(
    *,
    plan: WorkPlan,
    indicators: list[Indicator],
    periods: list[Period],
    rows: dict[int, dict[int, tuple]],
    since: dict[int, int] | None = None,
) -> int:
    """Bring the stored standings of `indicators` (as reports.figures.selectors.indicators_for_standings reads them) at
    every quarter of the plan's `periods` in line with their city rows (indicator id → period id → values),
    writing only the rows that differ: an approval in the latest quarter changes a few of an indicator's 40.
    `since` (indicator id → position in `periods`) leaves an indicator's earlier quarters as they are: a standing
    depends only on its own quarter and those before it. The caller holds the indicators' rollup lock. Returns the
    rows written."""
    if not indicators:
        return 0
    since = since or {}
    position = {period.pk: i for i, period in enumerate(periods)}
    wanted = {
        (standing.indicator_id, standing.period_id): standing
        for indicator in indicators
        for standing in _standing_rows(
            indicator=indicator,
            plan=plan,
            periods=periods,
            rows=rows.get(indicator.pk, {}),
            start=since.get(indicator.pk, 0),
        )
    }
    held = {
        (indicator_id, period_id): (pk, values)
        for pk, indicator_id, period_id, *values in Standing.objects.filter(
            indicator_id__in=[i.pk for i in indicators]
        ).values_list("pk", "indicator_id", "period_id", *COMPARED)
        # a quarter no longer in the plan counts as after `since`: its row is stale
        if position.get(period_id, len(periods)) >= since.get(indicator_id, 0)
    }
    stale = [pk for key, (pk, _) in held.items() if key not in wanted]
    create, update = [], []
    for key, standing in wanted.items():
        row = held.get(key)
        if row is None:
            create.append(standing)
        elif row[1] != _as_held(standing):
            update.append((row[0], *(getattr(standing, name) for name in COMPARED)))
    Standing.objects.filter(pk__in=stale).delete()
    Standing.objects.bulk_create(create, batch_size=2000)
    rows_update(Standing, update, list(COMPARED))
    return len(stale) + len(create) + len(update)


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


def plan_edited_refresh(*, plan: WorkPlan, due_dates_changed: bool, **kwargs) -> None:
    """On targets.signals.plan_edited (the office saved part of the plan in 管理后台): recount the reporting tallies
    when a due date changed, and recompute the stored standings whose target, baseline or thresholds changed. Both
    would otherwise be counted afresh on every page until the next rollup (a stale one is never shown)."""
    if due_dates_changed:
        tally_rebuild(plan=plan)
    standings_refresh(plan=plan)
