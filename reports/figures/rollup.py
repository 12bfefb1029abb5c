"""Rollups: approved figures → per-quarter values for the city and each unit, by the indicator's aggregation rule.

Set-based: the database compares and writes, Python never loops over figures.
1. Unit rows (one per approved figure of a reporting unit; a figure withdrawn from approval for correction counts
   with the values last approved, marked `held`, until it is approved again): one query computes the difference between the rows
   wanted and the rows held into a temporary table; three statements then delete, update and insert only those.
2. City rows (one per indicator and quarter of the plan): aggregates of the unit rows just brought up to date,
   grouped in the database (plus the latest figure per quarter for "latest" indicators), turned into values by
   the rule in Python over those few grouped rows, and compared with the held ones.
All of it in one transaction: running it twice writes nothing, and a rebuild killed half-way leaves the previous
values untouched.
"""

from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Avg, Count, Max, Min, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from reports.figures.selectors import CITY_FIELDS, indicators_for_standings
from reports.figures.standings import standings_outdated, standings_write
from reports.models import ItemAction, Rollup, Status, Submission
from targets.models import Indicator, Period, WorkPlan

FIELDS = CITY_FIELDS  # a city row's values
UNIT_FIELDS = ("value", "numerator", "denominator", "achieved_on", "held")
RATE_PLACES = Decimal("0.0001")


# --- unit rows: SQL ---------------------------------------------------------------------------------------------


def _tables() -> dict[str, str]:
    through = Indicator.reporting_units.through._meta
    return {
        "submission": Submission._meta.db_table,
        "rollup": Rollup._meta.db_table,
        "indicator": Indicator._meta.db_table,
        "period": Period._meta.db_table,
        "reporters": through.db_table,
        "history": Submission.history.model._meta.db_table,
    }


def _wanted_sql(scope: dict[str, str]) -> str:
    """The unit rows the figures call for: every approved figure of a unit that reports the indicator (a join on
    the reporting assignments, unique per indicator and unit), in one of the plan's quarters; a milestone's value
    is 1 when achieved, else 0. A figure the office approved and then withdrew (reopened: whatever its status now)
    counts with the values of its last approval, `held` 1: withdrawing a figure never improves a standing. With
    each row, when and which figure was approved (the "latest" rule picks by them). Parameters: `WANTED_PARAMS`."""
    value = (
        "CASE WHEN i.kind = 'milestone' THEN (CASE WHEN {t}.achieved THEN 1 ELSE 0 END) ELSE {t}.value END"
    )
    return """
        SELECT s.indicator_id, s.period_id, s.unit_id, {approved_value} AS value,
               s.numerator, s.denominator, s.achieved_on, 0 AS held, s.reviewed_at, s.id AS figure_id
        FROM {submission} s
        JOIN {indicator} i ON i.id = s.indicator_id
        JOIN {reporters} r ON r.indicator_id = s.indicator_id AND r.unit_id = s.unit_id
        JOIN {period} p ON p.id = s.period_id AND p.plan_id = i.plan_id
        WHERE s.status = %s AND {wanted}
        UNION ALL
        SELECT s.indicator_id, s.period_id, s.unit_id, {held_value} AS value,
               a.numerator, a.denominator, a.achieved_on, 1 AS held, a.reviewed_at, s.id AS figure_id
        FROM {submission} s
        JOIN {indicator} i ON i.id = s.indicator_id
        JOIN {reporters} r ON r.indicator_id = s.indicator_id AND r.unit_id = s.unit_id
        JOIN {period} p ON p.id = s.period_id AND p.plan_id = i.plan_id
        JOIN {history} a ON a.history_id = (
            SELECT MAX(x.history_id) FROM {history} x WHERE x.id = s.id AND x.action = %s
        )
        WHERE s.status <> %s AND {wanted}
    """.format(
        wanted=scope["wanted"],
        approved_value=value.format(t="s"),
        held_value=value.format(t="a"),
        **_tables(),
    )


WANTED_PARAMS = [Status.APPROVED, ItemAction.APPROVE, Status.APPROVED]


def _diff_sql(scope: dict[str, str]) -> str:
    """Wanted unit rows against held ones: a row to insert (rid null), to delete (indicator_id null) or to update."""
    changed = " OR ".join(f"h.{name} IS DISTINCT FROM w.{name}" for name in UNIT_FIELDS)
    return """
        SELECT h.id AS rid, w.indicator_id, w.period_id, w.unit_id, w.value, w.numerator, w.denominator,
               w.achieved_on, w.held
        FROM ({wanted}) w
        FULL OUTER JOIN (
            SELECT id, indicator_id, period_id, unit_id, value, numerator, denominator, achieved_on, held
            FROM {rollup} h WHERE h.unit_id IS NOT NULL AND {held}
        ) h ON h.indicator_id = w.indicator_id AND h.period_id = w.period_id AND h.unit_id = w.unit_id
        WHERE h.id IS NULL OR w.indicator_id IS NULL OR {changed}
    """.format(wanted=_wanted_sql(scope), held=scope["held"], changed=changed, **_tables())


def _scope(plan: WorkPlan, indicator_ids: list[int] | None) -> dict[str, str]:
    """WHERE fragments limiting the figures (`wanted`, tables s and i) and the held rows (`held`, table h) to the plan
    or to some of its indicators. Only integers (ids) are put into them. Written so the planner sees the plan's
    indicators directly (a plan-wide IN-subquery on the figures led it to probe them once per unit and quarter)."""
    if indicator_ids is not None:
        ids = ", ".join(str(int(pk)) for pk in indicator_ids)
        return {"wanted": f"s.indicator_id IN ({ids})", "held": f"h.indicator_id IN ({ids})"}
    table, pk = Indicator._meta.db_table, int(plan.pk)
    return {
        "wanted": f"i.plan_id = {pk}",
        "held": f"h.indicator_id IN (SELECT id FROM {table} WHERE plan_id = {pk})",
    }


def _sync_unit_rows(scope: dict[str, str]) -> int:
    """Bring the unit rows in line with the approved figures; returns rows deleted + updated + inserted."""
    table = _tables()["rollup"]
    columns = ", ".join(UNIT_FIELDS)
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            # The plan-wide comparison hashes a million rows: enough memory, for this transaction only, that the
            # hash stays in memory instead of spilling to disk in batches.
            cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute("DROP TABLE IF EXISTS rollup_diff")
        cursor.execute(
            (
                "CREATE TEMPORARY TABLE rollup_diff ON COMMIT DROP AS "
                if postgres
                else "CREATE TEMP TABLE rollup_diff AS "
            )
            + _diff_sql(scope),
            WANTED_PARAMS,
        )
        cursor.execute(
            f"DELETE FROM {table} WHERE id IN (SELECT rid FROM rollup_diff WHERE indicator_id IS NULL)"
        )
        deleted = cursor.rowcount
        cursor.execute(
            f"UPDATE {table} SET ({columns}, computed_at) = "
            f"(SELECT {columns}, CURRENT_TIMESTAMP FROM rollup_diff d WHERE d.rid = {table}.id) "
            f"WHERE id IN (SELECT rid FROM rollup_diff WHERE rid IS NOT NULL AND indicator_id IS NOT NULL)"
        )
        updated = cursor.rowcount
        cursor.execute(
            f"INSERT INTO {table} (indicator_id, period_id, unit_id, {columns}, reported, expected, computed_at) "
            f"SELECT indicator_id, period_id, unit_id, {columns}, 1, 1, CURRENT_TIMESTAMP "
            f"FROM rollup_diff WHERE rid IS NULL"
        )
        inserted = cursor.rowcount
        cursor.execute("DROP TABLE rollup_diff")
    return deleted + updated + inserted


# --- city rows: aggregates of the unit rows ---------------------------------------------------------------------


def _city_value(
    indicator: Indicator, group: dict | None, lead: Decimal | None, latest: Decimal | None
) -> dict:
    """One city row from the quarter's grouped unit rows, by the indicator's aggregation rule."""
    row = dict.fromkeys(UNIT_FIELDS)
    row["held"] = group["held"] if group else 0
    if not group:
        return row
    if indicator.kind == Indicator.Kind.MILESTONE:
        row["value"] = Decimal(1) if group["achieved"] else Decimal(0)
        row["achieved_on"] = group["achieved_on"]
        return row
    rule = indicator.aggregation
    if rule == Indicator.Aggregation.RATIO and indicator.has_ratio:
        numerator, denominator = group["numerator"] or Decimal(0), group["denominator"] or Decimal(0)
        row["numerator"], row["denominator"] = numerator, denominator
        row["value"] = (numerator * 100 / denominator).quantize(RATE_PLACES) if denominator else None
    elif rule == Indicator.Aggregation.RATIO:
        row["value"] = None if group["mean"] is None else Decimal(group["mean"]).quantize(RATE_PLACES)
    elif rule == Indicator.Aggregation.LEAD:
        row["value"] = lead
    elif rule == Indicator.Aggregation.LATEST:
        row["value"] = latest
    else:
        row["value"] = group["total"] or Decimal(0)
    return row


def _latest_values(indicator_ids: list[int]) -> dict[tuple[int, int], Decimal]:
    """For "latest" indicators: (indicator, quarter) → the value of the figure approved last among the units' (a
    withdrawn one at its approval), over the same figures as the unit rows."""
    ranked = f"""
        SELECT indicator_id, period_id, value FROM (
            SELECT w.indicator_id, w.period_id, w.value, ROW_NUMBER() OVER (
                PARTITION BY w.indicator_id, w.period_id ORDER BY w.reviewed_at DESC, w.figure_id DESC
            ) AS rank
            FROM ({_wanted_sql(_scope(None, indicator_ids))}) w
        ) ranked WHERE rank = 1
    """
    with connection.cursor() as cursor:
        cursor.execute(ranked, WANTED_PARAMS)
        return {(i, p): None if v is None else Decimal(str(v)) for i, p, v in cursor.fetchall()}


def _city_wanted(indicators: list[Indicator], period_ids: list[int]) -> dict[tuple[int, int], dict]:
    """The city row of every indicator × quarter, from a few grouped queries over the (synced) unit rows. A sub-unit's
    figures (a town's under its county) are detail of its county's, which the county reports itself: not added in."""
    ids = [i.pk for i in indicators]
    unit_rows = Rollup.objects.filter(indicator_id__in=ids, unit__isnull=False, unit__parent__isnull=True)
    groups = {
        (g["indicator_id"], g["period_id"]): g
        for g in unit_rows.values("indicator_id", "period_id").annotate(
            reported=Count("id"),
            total=Sum("value"),
            numerator=Sum("numerator"),
            denominator=Sum("denominator"),
            mean=Avg("value"),
            achieved=Max("value"),
            achieved_on=Min("achieved_on", filter=Q(value=1)),
            held=Sum("held"),
        )
    }
    leads = {i.pk: i.lead_unit_id for i in indicators if i.aggregation == Indicator.Aggregation.LEAD}
    lead_values = {}
    if any(leads.values()):
        pairs = Q()
        for indicator_id, unit_id in leads.items():
            if unit_id:
                pairs |= Q(indicator_id=indicator_id, unit_id=unit_id)
        lead_values = {
            (i, p): v for i, p, v in unit_rows.filter(pairs).values_list("indicator_id", "period_id", "value")
        }
    latest_ids = [i.pk for i in indicators if i.aggregation == Indicator.Aggregation.LATEST]
    latest_values = _latest_values(latest_ids) if latest_ids else {}
    wanted = {}
    for indicator in indicators:
        for period_id in period_ids:
            key = (indicator.pk, period_id)
            group = groups.get(key)
            row = _city_value(indicator, group, lead_values.get(key), latest_values.get(key))
            row["reported"] = group["reported"] if group else 0
            row["expected"] = indicator.expected
            wanted[key] = row
    return wanted


def _write_city_rows(
    indicators: list[Indicator], period_ids: list[int]
) -> tuple[int, dict[int, int], dict[tuple[int, int], dict]]:
    """Compare the wanted city rows with the held ones; delete, update and create only the differences. Returns the
    rows written, the indicators whose city rows changed (indicator id → position in `period_ids` of the earliest
    quarter that changed), and the city rows now held (indicator, period → values)."""
    wanted = _city_wanted(indicators, period_ids)
    held = {  # plain tuples: thousands of rows, of which a rebuild usually changes none
        (indicator_id, period_id): (pk, values)
        for pk, indicator_id, period_id, *values in Rollup.objects.filter(
            indicator__in=indicators, unit__isnull=True
        ).values_list("id", "indicator_id", "period_id", *FIELDS)
    }
    position = {period_id: i for i, period_id in enumerate(period_ids)}
    changed: dict[int, int] = {}

    def moved(indicator_id: int, period_id: int) -> None:
        at = position.get(period_id, 0)
        changed[indicator_id] = min(at, changed.get(indicator_id, at))

    stale = []
    for (indicator_id, period_id), (pk, _) in held.items():
        if (indicator_id, period_id) not in wanted:
            stale.append(pk)
            moved(indicator_id, period_id)
    create, update = [], []
    now = timezone.now()
    for (indicator_id, period_id), values in wanted.items():
        row = held.get((indicator_id, period_id))
        if row is None:
            create.append(Rollup(indicator_id=indicator_id, period_id=period_id, unit=None, **values))
        elif row[1] != [values[name] for name in FIELDS]:
            update.append(
                Rollup(pk=row[0], indicator_id=indicator_id, period_id=period_id, computed_at=now, **values)
            )
    Rollup.objects.filter(pk__in=stale).delete()
    Rollup.objects.bulk_create(create, batch_size=2000)
    Rollup.objects.bulk_update(update, [*FIELDS, "computed_at"], batch_size=500)
    for row in (*create, *update):
        moved(row.indicator_id, row.period_id)
    return len(stale) + len(create) + len(update), changed, wanted


def _sync_standings(
    plan: WorkPlan, indicators: list[Indicator], periods: list[Period], changed: dict[int, int], city: dict
) -> None:
    """The stored standings (reports.figures.standings) of the indicators whose city rows just changed, from the earliest
    quarter that changed on (a standing reads only its own and earlier quarters), and all of those whose standings
    are missing or were computed for other inputs (a target edited, the engine changed)."""
    chosen = indicators_for_standings(Indicator.objects.filter(pk__in=[i.pk for i in indicators]))
    outdated = {i.pk for i in standings_outdated(plan=plan, indicators=chosen, periods=periods)}
    redo = [i for i in chosen if i.pk in changed or i.pk in outdated]
    rows: dict[int, dict[int, tuple]] = {}
    for (indicator_id, period_id), values in city.items():
        rows.setdefault(indicator_id, {})[period_id] = tuple(values[name] for name in FIELDS)
    since = {pk: at for pk, at in changed.items() if pk not in outdated}
    standings_write(plan=plan, indicators=redo, periods=periods, rows=rows, since=since)


# --- the services ---------------------------------------------------------------------------------------------


def _rebuild(*, plan: WorkPlan, indicator_ids: list[int] | None) -> int:
    chosen = (
        Indicator.objects.filter(plan=plan)
        if indicator_ids is None
        else Indicator.objects.filter(pk__in=indicator_ids)
    )
    # One rebuild of an indicator at a time (the job after an approval and the nightly one may meet).
    list(chosen.select_for_update(no_key=True).order_by("pk").values_list("pk", flat=True))
    reporters = Indicator.reporting_units.through.objects.filter(indicator_id=OuterRef("pk"))
    indicators = list(
        chosen.annotate(
            expected=Count("reporting_units", filter=Q(reporting_units__parent__isnull=True)),
            lead_unit_id=Subquery(reporters.order_by("unit__position", "unit_id").values("unit_id")[:1]),
        ).order_by("pk")
    )
    if not indicators:
        return 0
    scope = _scope(plan, None if indicator_ids is None else [i.pk for i in indicators])
    written = _sync_unit_rows(scope)
    periods = list(plan.periods.all())
    city_written, changed, city = _write_city_rows(indicators, [p.pk for p in periods])
    _sync_standings(plan, indicators, periods, changed, city)
    return written + city_written


@transaction.atomic
def rollup_rebuild_indicator(*, indicator: Indicator) -> int:
    """Bring the indicator's rollup rows in line with its approved figures. Returns how many rows were written."""
    return _rebuild(plan=indicator.plan, indicator_ids=[indicator.pk])


@transaction.atomic
def rollup_rebuild_plan(*, plan: WorkPlan) -> int:
    """Rebuild every indicator of the plan (the nightly job and `manage.py rollup`). Returns rows written."""
    return _rebuild(plan=plan, indicator_ids=None)


def explained_queries(*, plan: WorkPlan) -> dict[str, tuple[str, list]]:
    """The heavy queries of a plan's rebuild, for the benchmark's EXPLAIN (docs/benchmarks.md)."""
    scope = _scope(plan, None)
    city = (
        Rollup.objects.filter(indicator__plan=plan, unit__isnull=False)
        .values("indicator_id", "period_id")
        .annotate(reported=Count("id"), total=Sum("value"), mean=Avg("value"))
    )
    return {
        "rollup: unit rows wanted vs held (the diff)": (_diff_sql(scope), WANTED_PARAMS),
        "rollup: city aggregates of the unit rows": city.query.sql_with_params(),
    }
