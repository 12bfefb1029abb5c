"""Writing many rows of the derived tables (rollups, standings) in a few statements.

Django's bulk_update builds a CASE per row and column: 30 s for a plan's 16,000 city rows, most of a small update's
time too. Here the new values go into a temporary table shaped like the target (multi-row INSERTs), then one UPDATE
joined to it (UPDATE … FROM: PostgreSQL, and SQLite since 3.33)."""

from django.db import connection, models
from django.utils import timezone

BATCH = 500  # rows per INSERT: under SQLite's 32,766 parameters for the widest table (13 columns)
FEW = 4  # up to this many rows (the job after one approval writes one or two), one UPDATE each: fewer statements


def now_param():
    """Now, as the connection takes a timestamp parameter. Not the database's CURRENT_TIMESTAMP: SQLite's has whole
    seconds, and the public page's cache key (public.selectors) tells two rollups apart by the latest computed_at."""
    return connection.ops.adapt_datetimefield_value(timezone.now())


def update_from_sql(table: str, source: str, key: str, columns: list[str], touch: str | None = None) -> str:
    """UPDATE `table`'s rows whose id is `source`.`key` with `source`'s `columns` (and `touch` set to the one
    parameter, now_param()), joined rather than looked up row by row: a correlated subquery over an unindexed
    temporary table reads it once per row."""
    assignments = [f"{name} = u.{name}" for name in columns]
    if touch:
        assignments.append(f"{touch} = %s")
    return f"UPDATE {table} SET {', '.join(assignments)} FROM {source} u WHERE u.{key} = {table}.id"


def rows_update(
    model: type[models.Model], rows: list[tuple], fields: list[str], *, touch: str | None = None
) -> None:
    """Set `fields` of `model`'s rows given as (id, *values), and `touch` (a timestamp column) to now."""
    if not rows:
        return
    table = model._meta.db_table
    source = f"{table}_update"
    names = [model._meta.get_field(name).column for name in fields]
    if len(rows) <= FEW:
        _rows_update_each(table, rows, names, touch)
        return
    listed = ", ".join(names)
    marks = "(" + ", ".join(["%s"] * (len(names) + 1)) + ")"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {source}")
        cursor.execute(f"CREATE TEMPORARY TABLE {source} AS SELECT id, {listed} FROM {table} WHERE 1 = 0")
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            cursor.execute(
                f"INSERT INTO {source} (id, {listed}) VALUES {', '.join([marks] * len(batch))}",
                [value for row in batch for value in row],
            )
        update = update_from_sql(table, source, "id", names, touch)
        if (
            len(rows) <= BATCH
        ):  # the ids written out: the planner finds a few rows by the primary key, not by a scan
            update += f" AND {table}.id IN ({', '.join(str(int(row[0])) for row in rows)})"
        cursor.execute(update, [now_param()] if touch else None)
        cursor.execute(f"DROP TABLE {source}")


def _rows_update_each(table: str, rows: list[tuple], names: list[str], touch: str | None) -> None:
    assignments = [f"{name} = %s" for name in names] + ([f"{touch} = %s"] if touch else [])
    sql = f"UPDATE {table} SET {', '.join(assignments)} WHERE id = %s"
    now = [now_param()] if touch else []
    with connection.cursor() as cursor:
        for pk, *values in rows:
            cursor.execute(sql, [*values, *now, pk])
