"""The rollup's SQL (reports.figures.rollup): the unit rows the approved figures call for, their difference with the
rows held, and a fingerprint of each indicator × quarter's unit rows.

The fingerprint lets a rebuild skip what has not changed without reading the rollup's unit rows: one pass over the
figures gives, for each indicator × quarter, the number of unit rows wanted and the sum of a 64-bit hash of each row
(its unit, values, whether it is held, whether the unit is a county or a sub-unit, when and which figure was
approved). The city row stores it (reports.figures.rollup combines it with the indicator's aggregation inputs); a
quarter whose fingerprint matches the city row's has unit rows and a city value exactly as the last rebuild wrote
them, since only the rollup writes them. PostgreSQL hashes with its own hash functions; SQLite with `ipcity_row_hash`,
registered on each connection (`sqlite_functions`)."""

import hashlib
from functools import cache

from reports.models import ItemAction, Rollup, Status, Submission
from targets.models import Indicator, Period, WorkPlan
from units.models import Unit

UNIT_FIELDS = ("value", "numerator", "denominator", "achieved_on", "held")


@cache
def tables() -> dict[str, str]:
    through = Indicator.reporting_units.through._meta
    return {
        "submission": Submission._meta.db_table,
        "rollup": Rollup._meta.db_table,
        "indicator": Indicator._meta.db_table,
        "period": Period._meta.db_table,
        "unit": Unit._meta.db_table,
        "reporters": through.db_table,
        "history": Submission.history.model._meta.db_table,
    }


def wanted_sql(scope: dict[str, str]) -> str:
    """The unit rows the figures call for: every approved figure of a unit that reports the indicator (a join on
    the reporting assignments, unique per indicator and unit), in one of the plan's quarters; a milestone's value
    is 1 when achieved, else 0. A figure the office approved and then withdrew (reopened: whatever its status now)
    counts with the values of its last approval, `held` 1: withdrawing a figure never improves a standing. With
    each row, when and which figure was approved (the "latest" rule picks by them). Parameters: `WANTED_PARAMS`.
    The second part reads the few figures not approved (index figure_not_approved), not the million approved."""
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
        **tables(),
    )


WANTED_PARAMS = [Status.APPROVED, ItemAction.APPROVE, Status.APPROVED]


def diff_sql(scope: dict[str, str]) -> str:
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
    """.format(wanted=wanted_sql(scope), held=scope["held"], changed=changed, **tables())


def scope(
    plan: WorkPlan, indicator_ids: list[int] | None, period_ids: list[int] | None = None
) -> dict[str, str]:
    """WHERE fragments limiting the figures (`wanted`, tables s and i) and the held rows (`held`, table h) to the plan
    or to some of its indicators, and to some quarters. Only integers (ids) are put into them. Written so the planner
    sees the plan's indicators directly (a plan-wide IN-subquery on the figures led it to probe them once per unit
    and quarter)."""
    if indicator_ids is not None:
        ids = ", ".join(str(int(pk)) for pk in indicator_ids)
        wanted, held = f"s.indicator_id IN ({ids})", f"h.indicator_id IN ({ids})"
    else:
        table, pk = Indicator._meta.db_table, int(plan.pk)
        wanted, held = f"i.plan_id = {pk}", f"h.indicator_id IN (SELECT id FROM {table} WHERE plan_id = {pk})"
    if period_ids is not None:
        periods = ", ".join(str(int(pk)) for pk in period_ids)
        wanted, held = f"{wanted} AND s.period_id IN ({periods})", f"{held} AND h.period_id IN ({periods})"
    return {"wanted": wanted, "held": held}


# --- fingerprints -------------------------------------------------------------------------------------------------

# PostgreSQL: each column folded into a 64-bit hash seeded by the previous one (hashes of numbers, not of text: a
# numeric's hash ignores trailing zeros, so 12.5 and 12.5000 are one value; about as fast as counting the rows).
_PG_ROW_HASH = """
    hashint8extended(w.figure_id, hash_numeric_extended(COALESCE(EXTRACT(EPOCH FROM w.reviewed_at), -1),
    hashint8extended(COALESCE(w.achieved_on - DATE '2000-01-01', -1000000) * 4 + w.held * 2
                     + CASE WHEN u.parent_id IS NULL THEN 1 ELSE 0 END,
    hash_numeric_extended(COALESCE(w.denominator, -1), hash_numeric_extended(COALESCE(w.numerator, -1),
    hash_numeric_extended(COALESCE(w.value, -1), hashint8extended(w.unit_id, 0)))))))
"""
_SQLITE_ROW_HASH = """
    ipcity_row_hash(w.unit_id, w.value, w.numerator, w.denominator, w.achieved_on, w.held,
                    u.parent_id IS NULL, w.reviewed_at, w.figure_id)
"""


def fingerprint_sql(scope: dict[str, str], vendor: str) -> str:
    """(indicator, quarter, unit rows wanted, sum of their hashes) for each indicator × quarter with any; parameters
    `WANTED_PARAMS`."""
    row_hash = _PG_ROW_HASH if vendor == "postgresql" else _SQLITE_ROW_HASH
    return """
        SELECT w.indicator_id, w.period_id, COUNT(*), SUM({row_hash})
        FROM ({wanted}) w JOIN {unit} u ON u.id = w.unit_id
        GROUP BY w.indicator_id, w.period_id
    """.format(row_hash=row_hash, wanted=wanted_sql(scope), **tables())


def _row_hash(*values) -> int:
    """SQLite's row hash: 32 bits, so that SQLite's 64-bit integer sum of a quarter's rows cannot overflow."""
    return int.from_bytes(hashlib.blake2b(repr(values).encode(), digest_size=4).digest(), "big")


def sqlite_functions(sender, connection, **kwargs) -> None:
    """On django.db.backends.signals.connection_created: give SQLite the row hash the fingerprints use."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("ipcity_row_hash", 9, _row_hash, deterministic=True)
