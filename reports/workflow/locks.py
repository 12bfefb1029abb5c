"""Row locks of the reporting workflow, taken in one order everywhere, so two writers wait for each other and never
deadlock (a deadlock is an HTTP 500 for one of them):

1. the sheet of each (unit, quarter) concerned, in (unit, quarter) order (`sheet_lock`). One writer per unit sheet
   at a time: two colleagues posting one sheet queue, and the office returning one of its items waits too (a
   first submission and a return both change the sheet's reporting tally, so they would meet there anyway);
2. then the items, figures before task reports, each in primary-key order.

Only the items' own rows are locked (`of=("self",)`, no ordering joins). A save used to lock, through its ordering
joins, the figure's quarter, indicator, unit and plan rows too: it then waited for a job holding the plan (the
alert refresh, instructions and bulletins lock it) while that job's commit waited for the quarter (PostgreSQL checks
Django's deferred foreign keys at commit, with a key-share lock) — a deadlock, CI's HTTP 500 on
POST /report/zyfy/2022Q3/ (tests/reports/test_sheet_locks.py)."""

from collections.abc import Iterable

from django.db import connection

from reports.models import Submission, TaskReport


def sheet_lock(*, unit_id: int, period_id: int) -> None:
    """Hold one unit's quarterly sheet until the transaction ends (the caller's transaction must be open): a
    PostgreSQL advisory lock on the pair (unit id, quarter id), the two-key space no other lock here uses. SQLite
    has one writer at a time, so nothing to take there."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [unit_id, period_id])


def _rows_lock(model, pks: Iterable[int]) -> None:
    pks = sorted(set(pks))
    if pks:
        list(
            model.objects.select_for_update(of=("self",))
            .filter(pk__in=pks)
            .order_by("pk")
            .values_list("pk", flat=True)
        )


def items_lock(items: Iterable[Submission | TaskReport]) -> None:
    """Hold the sheets of these items, then the items themselves, in the order above."""
    items = list(items)
    for unit_id, period_id in sorted({(item.unit_id, item.period_id) for item in items}):
        sheet_lock(unit_id=unit_id, period_id=period_id)
    _rows_lock(Submission, (item.pk for item in items if isinstance(item, Submission)))
    _rows_lock(TaskReport, (item.pk for item in items if isinstance(item, TaskReport)))


def sheet_items_lock(*, unit_id: int, period_id: int) -> None:
    """Hold a unit's quarterly sheet and every item already on it (a sheet post or a whole-sheet approval)."""
    sheet_lock(unit_id=unit_id, period_id=period_id)
    for model in (Submission, TaskReport):
        _rows_lock(
            model,
            model.objects.filter(unit_id=unit_id, period_id=period_id)
            .order_by()
            .values_list("pk", flat=True),
        )
