"""Rollups: approved figures → per-quarter values for the city and each unit, by the indicator's aggregation rule.

Set-based: the database compares and writes, Python never loops over figures.
1. Fingerprints (reports.figures.rollup_sql): one pass over the figures gives each indicator × quarter's fingerprint of
   the unit rows it calls for; combined with the indicator's aggregation inputs, it is compared with the one the
   city row holds. A quarter whose fingerprint matches is as the last rebuild left it: nothing more is read for it.
   The nightly rebuild on unchanged figures is this one pass.
2. Unit rows of the quarters that differ (one per approved figure of a reporting unit; a figure withdrawn from
   approval for correction counts with the values last approved, marked `held`, until it is approved again): one
   query computes the difference between the rows wanted and the rows held into a temporary table; three statements
   then delete, update and insert only those.
3. City rows of those quarters (one per indicator and quarter of the plan): aggregates of the unit rows just brought
   up to date, grouped in the database (plus the latest figure per quarter for "latest" indicators), turned into
   values by the rule in Python over those few grouped rows, and compared with the held ones.
All of it in one transaction: running it twice writes nothing, and a rebuild killed half-way leaves the previous
values untouched. Only the rollup writes rollup rows; a row changed behind its back (in the database directly) is put
right once its quarter's figures change, or by `manage.py rollup --verify`, which compares every row.
"""

import hashlib
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Avg, Count, F, Func, IntegerField, Max, Min, OuterRef, Q, Subquery, Sum

from reports.figures.bulk import now_param, rows_update, update_from_sql
from reports.figures.rollup_sql import (
    UNIT_FIELDS,
    WANTED_PARAMS,
    diff_sql,
    fingerprint_sql,
    scope,
    tables,
    wanted_sql,
)
from reports.figures.selectors import CITY_FIELDS, indicators_for_standings
from reports.figures.standings import standings_outdated, standings_write
from reports.models import Rollup
from targets.models import Indicator, Period, WorkPlan

FIELDS = CITY_FIELDS  # a city row's values
RATE_PLACES = Decimal("0.0001")
# Part of every city row's fingerprint: raise it when the city value's rules (_city_value, _city_wanted) change, and the
# next rebuild recomputes every city row.
ROLLUP_VERSION = 1
# A rebuild that writes more unit rows than this refreshes the table's planner statistics before aggregating them
# (within its transaction): planned on an empty table's statistics, the aggregate of a million rows took 40 s.
ANALYZE_AFTER = 20_000


# --- fingerprints -------------------------------------------------------------------------------------------------


def _group_fingerprints(where: dict[str, str], *, plan_wide: bool) -> dict[tuple[int, int], str]:
    """(indicator, quarter) → "rows:hash sum" of the unit rows the figures call for, for those with any."""
    postgres = plan_wide and connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            # Grouped by hashing, not by sorting: the planner expects a few hundred figures (it cannot know that
            # most figures' indicator and unit are a reporting assignment) and would sort a million rows to group
            # them into 16,000 quarters. For this statement only.
            cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(fingerprint_sql(where, connection.vendor), WANTED_PARAMS)
        groups = {(i, p): f"{n}:{total}" for i, p, n, total in cursor.fetchall()}
        if postgres:
            cursor.execute("SET LOCAL enable_sort = DEFAULT")
    return groups


def _fingerprint(indicator: Indicator, group: str | None) -> str:
    """The city row's fingerprint: its unit rows' and what turns them into the city value (the rule, the units
    expected, the lead unit)."""
    inputs = (
        ROLLUP_VERSION, indicator.kind, indicator.aggregation, indicator.has_ratio, indicator.expected,
        indicator.lead_unit_id, group or "0:0",
    )  # fmt: skip
    return hashlib.sha256(repr(inputs).encode()).hexdigest()[:32]


# --- unit rows: SQL ---------------------------------------------------------------------------------------------


def _sync_unit_rows(where: dict[str, str]) -> int:
    """Bring the unit rows in line with the approved figures; returns rows deleted + updated + inserted."""
    table = tables()["rollup"]
    columns = ", ".join(UNIT_FIELDS)
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS rollup_diff")
        cursor.execute(
            (
                "CREATE TEMPORARY TABLE rollup_diff ON COMMIT DROP AS "
                if postgres
                else "CREATE TEMP TABLE rollup_diff AS "
            )
            + diff_sql(where),
            WANTED_PARAMS,
        )
        cursor.execute(
            f"DELETE FROM {table} WHERE id IN (SELECT rid FROM rollup_diff WHERE indicator_id IS NULL)"
        )
        deleted = cursor.rowcount
        cursor.execute(
            update_from_sql(table, "rollup_diff", "rid", list(UNIT_FIELDS), "computed_at")
            + " AND u.indicator_id IS NOT NULL",
            [now_param()],
        )
        updated = cursor.rowcount
        cursor.execute(
            f"INSERT INTO {table} (indicator_id, period_id, unit_id, {columns}, reported, expected, computed_at, "
            f"fingerprint) SELECT indicator_id, period_id, unit_id, {columns}, 1, 1, %s, '' "
            f"FROM rollup_diff WHERE rid IS NULL",
            [now_param()],
        )
        inserted = cursor.rowcount
        cursor.execute("DROP TABLE rollup_diff")
        if postgres and deleted + updated + inserted > ANALYZE_AFTER:
            cursor.execute(f"ANALYZE {table}")
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


def _latest_values(indicator_ids: list[int], period_ids: list[int] | None) -> dict[tuple[int, int], Decimal]:
    """For "latest" indicators: (indicator, quarter) → the value of the figure approved last among the units' (a
    withdrawn one at its approval), over the same figures as the unit rows."""
    ranked = f"""
        SELECT indicator_id, period_id, value FROM (
            SELECT w.indicator_id, w.period_id, w.value, ROW_NUMBER() OVER (
                PARTITION BY w.indicator_id, w.period_id ORDER BY w.reviewed_at DESC, w.figure_id DESC
            ) AS rank
            FROM ({wanted_sql(scope(None, indicator_ids, period_ids))}) w
        ) ranked WHERE rank = 1
    """
    with connection.cursor() as cursor:
        cursor.execute(ranked, WANTED_PARAMS)
        return {(i, p): None if v is None else Decimal(str(v)) for i, p, v in cursor.fetchall()}


def _city_wanted(
    indicators: list[Indicator], period_ids: list[int], *, some_periods: bool
) -> dict[tuple[int, int], dict]:
    """The city row of every indicator × quarter given, from a few grouped queries over the (synced) unit rows
    (`some_periods`: of those quarters only, else of all). A sub-unit's figures (a town's under its county) are detail
    of its county's, which the county reports itself: not added in."""
    ids = [i.pk for i in indicators]
    unit_rows = Rollup.objects.filter(indicator_id__in=ids, unit__isnull=False, unit__parent__isnull=True)
    if some_periods:
        unit_rows = unit_rows.filter(period_id__in=period_ids)
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
    latest_values = _latest_values(latest_ids, period_ids if some_periods else None) if latest_ids else {}
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


def _held_city_rows(indicators: list[Indicator]) -> dict[tuple[int, int], tuple[int, list, str]]:
    """(indicator, quarter) → (pk, values as FIELDS, fingerprint) of the city rows held; plain tuples: thousands of
    rows, of which a rebuild usually changes none."""
    return {
        (indicator_id, period_id): (pk, values, fingerprint)
        for pk, indicator_id, period_id, fingerprint, *values in Rollup.objects.filter(
            indicator__in=indicators, unit__isnull=True
        ).values_list("id", "indicator_id", "period_id", "fingerprint", *FIELDS)
    }


def _write_city_rows(
    wanted: dict[tuple[int, int], dict], held: dict, stale: list[int], period_ids: list[int]
) -> tuple[int, dict[int, int], dict[tuple[int, int], tuple]]:
    """Compare the city rows computed (`wanted`, each with its fingerprint) with the held ones; delete the `stale`,
    update and create only the differences. Returns the rows written, the indicators whose city rows changed
    (indicator id → position in `period_ids` of the earliest quarter that changed), and every city row now held
    ((indicator, period) → values as FIELDS)."""
    position = {period_id: i for i, period_id in enumerate(period_ids)}
    changed: dict[int, int] = {}

    def moved(indicator_id: int, period_id: int) -> None:
        at = position.get(period_id, 0)
        changed[indicator_id] = min(at, changed.get(indicator_id, at))

    city = {key: tuple(values) for key, (_, values, _) in held.items()}
    gone = set(stale)
    for key, (pk, _, _) in held.items():
        if pk in gone:
            moved(*key)
            del city[key]
    create, update = [], []
    for (indicator_id, period_id), values in wanted.items():
        row = held.get((indicator_id, period_id))
        city[(indicator_id, period_id)] = as_fields = tuple(values[name] for name in FIELDS)
        if row is None:
            create.append(Rollup(indicator_id=indicator_id, period_id=period_id, unit=None, **values))
            moved(indicator_id, period_id)
        elif row[1] != list(as_fields):
            update.append((row[0], *as_fields, values["fingerprint"]))
            moved(indicator_id, period_id)
        elif (
            row[2] != values["fingerprint"]
        ):  # the same values from other unit rows: only the fingerprint is new
            update.append((row[0], *as_fields, values["fingerprint"]))
    Rollup.objects.filter(pk__in=stale).delete()
    Rollup.objects.bulk_create(create, batch_size=2000)
    rows_update(Rollup, update, [*FIELDS, "fingerprint"], touch="computed_at")
    return len(stale) + len(create) + len(update), changed, city


def _sync_standings(
    plan: WorkPlan, indicators: list[Indicator], periods: list[Period], changed: dict[int, int], city: dict
) -> None:
    """The stored standings (reports.figures.standings) of the indicators whose city rows just changed, from the earliest
    quarter that changed on (a standing reads only its own and earlier quarters), and all of those whose standings
    are missing or were computed for other inputs (a target edited, the engine changed)."""
    outdated = {i.pk for i in standings_outdated(plan=plan, indicators=indicators, periods=periods)}
    redo = [i for i in indicators if i.pk in changed or i.pk in outdated]
    rows: dict[int, dict[int, tuple]] = {}
    for (indicator_id, period_id), values in city.items():
        rows.setdefault(indicator_id, {})[period_id] = values
    since = {pk: at for pk, at in changed.items() if pk not in outdated}
    standings_write(plan=plan, indicators=redo, periods=periods, rows=rows, since=since)


# --- the services ---------------------------------------------------------------------------------------------


def _rebuild(
    *, plan: WorkPlan, indicator_ids: list[int] | None, period: Period | None = None, verify: bool = False
) -> int:
    chosen = (
        Indicator.objects.filter(plan=plan)
        if indicator_ids is None
        else Indicator.objects.filter(pk__in=indicator_ids)
    )
    # One rebuild of an indicator at a time (the job after an approval and the nightly one may meet).
    list(chosen.select_for_update(no_key=True).order_by("pk").values_list("pk", flat=True))
    reporters = Indicator.reporting_units.through.objects.filter(indicator_id=OuterRef("pk")).order_by()
    # As the standings read them too (area, reporters, milestones), with what the city value needs: counted in
    # subqueries (a join and GROUP BY over every column of indicator and area costs several times more).
    indicators = indicators_for_standings(
        chosen.annotate(
            expected=Subquery(
                reporters.filter(unit__parent__isnull=True).values(n=Func(F("pk"), function="COUNT")),
                output_field=IntegerField(),
            ),
            lead_unit_id=Subquery(reporters.order_by("unit__position", "unit_id").values("unit_id")[:1]),
        )
    )
    if not indicators:
        return 0
    ids = None if indicator_ids is None else [i.pk for i in indicators]
    if ids is None and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # A plan-wide rebuild groups and compares a million rows: enough memory, for this transaction only, that
            # its hashes stay in memory instead of spilling to disk in batches.
            cursor.execute("SET LOCAL work_mem = '64MB'")
    periods = list(plan.periods.all())
    period_ids = [p.pk for p in periods]
    checked = period_ids if period is None else [period.pk]
    groups = _group_fingerprints(scope(plan, ids, None if period is None else checked), plan_wide=ids is None)
    fingerprints = {(i.pk, p): _fingerprint(i, groups.get((i.pk, p))) for i in indicators for p in checked}
    held = _held_city_rows(indicators)
    in_plan = set(period_ids)
    stale = [pk for (_, period_id), (pk, _, _) in held.items() if period_id not in in_plan]
    todo = [key for key, fp in fingerprints.items() if verify or key not in held or held[key][2] != fp]
    written, wanted = 0, {}
    if todo:
        todo_ids = {i for i, _ in todo}
        todo_periods = sorted({p for _, p in todo})
        some = len(todo_periods) < len(period_ids)
        some_ids = ids if len(todo_ids) == len(indicators) else sorted(todo_ids)
        written = _sync_unit_rows(scope(plan, some_ids, todo_periods if some else None))
        todo_indicators = [i for i in indicators if i.pk in todo_ids]
        wanted = _city_wanted(todo_indicators, todo_periods, some_periods=some)
        for key, row in wanted.items():
            row["fingerprint"] = fingerprints[key]
    city_written, changed, city = _write_city_rows(wanted, held, stale, period_ids)
    if written > ANALYZE_AFTER and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Again, now that the city rows are there too: statistics taken before them say no row has an empty unit,
            # and the public page's stamp of the city rows was then planned as a 6-million-step nested loop.
            cursor.execute(f"ANALYZE {tables()['rollup']}")
    _sync_standings(plan, indicators, periods, changed, city)
    return written + city_written


@transaction.atomic
def rollup_rebuild_indicator(*, indicator: Indicator, period: Period | None = None) -> int:
    """Bring the indicator's rollup rows in line with its approved figures (of one quarter, when given: the job after
    an approval or a reopen reads only that quarter's figures). Returns how many rows were written."""
    return _rebuild(plan=indicator.plan, indicator_ids=[indicator.pk], period=period)


@transaction.atomic
def rollup_rebuild_plan(*, plan: WorkPlan, verify: bool = False) -> int:
    """Rebuild every indicator of the plan (the nightly job and `manage.py rollup`). Returns rows written. The
    quarters whose fingerprints match are skipped; `verify` compares every unit row and city value instead (`manage.py
    rollup --verify`: after rows were changed in the database by hand)."""
    return _rebuild(plan=plan, indicator_ids=None, verify=verify)


def explained_queries(*, plan: WorkPlan) -> dict[str, tuple[str, list]]:
    """The heavy queries of a plan's rebuild, for the benchmark's EXPLAIN (docs/benchmarks.md)."""
    whole = scope(plan, None)
    city = (
        Rollup.objects.filter(indicator__plan=plan, unit__isnull=False)
        .values("indicator_id", "period_id")
        .annotate(reported=Count("id"), total=Sum("value"), mean=Avg("value"))
    )
    return {
        "rollup: fingerprints of the figures (every rebuild)": (
            fingerprint_sql(whole, connection.vendor),
            WANTED_PARAMS,
        ),
        "rollup: unit rows wanted vs held (the diff, changed quarters)": (diff_sql(whole), WANTED_PARAMS),
        "rollup: city aggregates of the unit rows (changed quarters)": city.query.sql_with_params(),
    }
