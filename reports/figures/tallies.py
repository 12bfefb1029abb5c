"""Reporting tallies (reports.models.ReportingTally): per unit and quarter, how many items were first submitted on
time and late, and how many times the office returned one. The heatmap, the unit league and the home page read
these rows (one per unit and quarter) instead of counting over every figure and every history row.

Kept explicitly, in the transaction of the change (no signals): `tally_first_submission` by item_submit (the one
place an item's first submission is set), `tally_return` by item_return (the one place a 退回 is written), and
`tally_rebuild` for a whole plan (after data was loaded in bulk, and when the office changes due dates in
管理后台). Each row records the due date its on-time count was measured against; a quarter whose due date has
changed since is counted afresh from the figures when read, so a changed due date never shows old counts.
"""

import datetime
from collections import defaultdict

from django.db import transaction
from django.db.models import Case, Count, DateTimeField, Q, Value, When
from django.utils import timezone

from reports.models import ItemAction, ReportingTally, Submission, TaskReport
from targets.models import Period, WorkPlan

Counts = tuple[int, int, int]  # on time, late, returned


def day_end(day: datetime.date) -> datetime.datetime:
    """The first instant after `day` in the portal's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time()))


def tally_count(*, periods: list[Period], unit_ids: list[int] | None = None) -> dict[tuple[int, int], Counts]:
    """(unit id, period id) → (on time, late, returned), counted from the figures, task reports and their history
    (first submitted by the end of the due day, portal time, or after). Split in the database: a few grouped
    queries however many items there are."""
    if not periods:
        return {}
    cutoff = Case(
        *[When(period_id=p.pk, then=Value(day_end(p.due_date))) for p in periods],
        output_field=DateTimeField(),
    )
    counts: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0, 0])
    for model in (Submission, TaskReport):
        chosen = model.objects.filter(period__in=periods, first_submitted_at__isnull=False)
        if unit_ids is not None:
            chosen = chosen.filter(unit_id__in=unit_ids)
        for row in (
            chosen.values("unit_id", "period_id")
            .annotate(n=Count("id"), on_time=Count("id", filter=Q(first_submitted_at__lt=cutoff)))
            .order_by()  # no default ordering: it would join the period, indicator and unit tables for nothing
        ):
            key = counts[(row["unit_id"], row["period_id"])]
            key[0] += row["on_time"]
            key[1] += row["n"] - row["on_time"]
        returns = model.history.filter(period_id__in=[p.pk for p in periods]).filter(action=ItemAction.RETURN)
        if unit_ids is not None:
            returns = returns.filter(unit_id__in=unit_ids)
        for row in returns.values("unit_id", "period_id").annotate(n=Count("history_id")).order_by():
            counts[(row["unit_id"], row["period_id"])][2] += row["n"]
    return {key: tuple(value) for key, value in counts.items()}


def tallies(*, periods: list[Period], unit_ids: list[int] | None = None) -> dict[tuple[int, int], Counts]:
    """(unit id, period id) → (on time, late, returned) for the quarters given (the plan's, with their plan), from
    the stored tallies; a quarter whose due date changed after its tallies were counted is counted afresh. One
    query when the tallies are current."""
    rows = ReportingTally.objects.filter(period_id__in=[p.pk for p in periods])
    if unit_ids is not None:
        rows = rows.filter(unit_id__in=unit_ids)
    due = {p.pk: p.due_date for p in periods}
    out, outdated = {}, set()
    for unit_id, period_id, due_date, on_time, late, returned in rows.values_list(
        "unit_id", "period_id", "due_date", "on_time", "late", "returned"
    ):
        if due_date != due[period_id]:
            outdated.add(period_id)
        out[(unit_id, period_id)] = (on_time, late, returned)
    if outdated:
        out = {key: value for key, value in out.items() if key[1] not in outdated}
        out.update(tally_count(periods=[p for p in periods if p.pk in outdated], unit_ids=unit_ids))
    return out


def _locked(*, unit_id: int, period: Period) -> tuple[ReportingTally, bool]:
    """The unit's tally of the quarter under a row lock (created if need be), recounted from the items when its due
    date is not the quarter's (new, or the due date changed). Returns it and whether it was recounted (the count
    then already includes the caller's change, which is saved before)."""
    tally, _ = ReportingTally.objects.get_or_create(unit_id=unit_id, period_id=period.pk)
    tally = ReportingTally.objects.select_for_update().get(pk=tally.pk)
    due = period.due_date
    if tally.due_date == due:
        return tally, False
    counted = tally_count(periods=[period], unit_ids=[unit_id]).get((unit_id, period.pk), (0, 0, 0))
    tally.due_date = due
    tally.on_time, tally.late, tally.returned = counted
    tally.save(update_fields=["due_date", "on_time", "late", "returned"])
    return tally, True


@transaction.atomic
def tally_first_submission(*, item: Submission | TaskReport) -> None:
    """Count an item's first submission (its `first_submitted_at`, just saved) in its unit's tally of the quarter,
    on time or late. Call once, when the first submission is saved, in the same transaction."""
    tally, recounted = _locked(unit_id=item.unit_id, period=item.period)
    if recounted:
        return
    if item.first_submitted_at < day_end(item.period.due_date):
        tally.on_time += 1
    else:
        tally.late += 1
    tally.save(update_fields=["on_time", "late"])


@transaction.atomic
def tally_return(*, item: Submission | TaskReport) -> None:
    """Count a return by the office (its history row just written) in the unit's tally of the quarter."""
    tally, recounted = _locked(unit_id=item.unit_id, period=item.period)
    if not recounted:
        tally.returned += 1
        tally.save(update_fields=["returned"])


@transaction.atomic
def tally_rebuild(*, plan: WorkPlan) -> int:
    """Count every unit's tallies of the plan's quarters afresh from the items (after a bulk load of figures, or a
    change of due dates). Returns the rows written."""
    periods = list(plan.periods.select_related("plan"))
    ReportingTally.objects.filter(period__in=periods).delete()
    due = {p.pk: p.due_date for p in periods}
    rows = [
        ReportingTally(
            unit_id=unit_id,
            period_id=period_id,
            due_date=due[period_id],
            on_time=c[0],
            late=c[1],
            returned=c[2],
        )
        for (unit_id, period_id), c in tally_count(periods=periods).items()
    ]
    ReportingTally.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
