"""任务推进: tasks × responsible units, each unit's latest reported progress."""

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    Window,
)
from django.db.models.functions import RowNumber

from reports.models import Status, TaskReport
from targets.models import WorkPlan
from tasks.models import Task, TaskResponsibility
from units.models import Unit

PROGRESS_ORDER = {"delayed": 0, "not_started": 1, "": 2, "in_progress": 3, "done": 4}


@dataclass
class TaskRow:
    task: Task
    cells: dict[int, TaskReport | None]  # unit id → latest report (any status but draft)

    @property
    def delayed(self) -> int:
        return sum(1 for r in self.cells.values() if r and r.progress == "delayed")


def latest_task_reports(*, plan: WorkPlan) -> dict[tuple[int, int], TaskReport]:
    """Per (task, unit): its latest report that is not a draft. One query, which returns only those (the database
    ranks each pair's reports by quarter), not every report of every quarter."""
    latest = (
        TaskReport.objects.filter(task__plan=plan)
        .exclude(status=Status.DRAFT)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("task_id"), F("unit_id")],
                order_by=[F("period__year").desc(), F("period__quarter").desc()],
            )
        )
        .filter(rank=1)
        .order_by()
        .values("pk")
    )
    # Ranked as narrow rows (ids only), then read: ranking the whole reports sorted their texts on disk (75 ms at
    # province scale), and the default ordering joined four tables to sort the result.
    reports = (
        TaskReport.objects.filter(pk__in=latest)
        .order_by()
        .only("task_id", "unit_id", "progress", "status", "period_id", "progress_text")
    )
    return {(report.task_id, report.unit_id): report for report in reports}


def delayed_task_counts(*, plan: WorkPlan) -> Counter:
    """Per unit: its tasks whose latest report says 滞后, as on the task board (not every delayed report of every
    quarter). Counted by the database: the delayed reports with no later report of the same task and unit (an
    index probe each, where ranking every report of the plan sorted 36,000 rows at province scale)."""
    later = (
        TaskReport.objects.filter(task_id=OuterRef("task_id"), unit_id=OuterRef("unit_id"))
        .exclude(status=Status.DRAFT)
        .filter(
            Q(period__year__gt=OuterRef("period__year"))
            | Q(period__year=OuterRef("period__year"), period__quarter__gt=OuterRef("period__quarter"))
        )
    )
    return Counter(
        dict(
            TaskReport.objects.filter(task__plan=plan, progress=TaskReport.Progress.DELAYED)
            .exclude(status=Status.DRAFT)
            .exclude(Exists(later))
            .order_by()
            .values("unit_id")
            .annotate(n=Count("id"))
            .values_list("unit_id", "n")
        )
    )


def task_board(*, plan: WorkPlan) -> tuple[list[Unit], list[TaskRow]]:
    """Tasks × responsible units with each unit's latest reported progress; tasks with delays first."""
    assigned: dict[int, set[int]] = defaultdict(set)
    for row in TaskResponsibility.objects.filter(task__plan=plan).prefetch_related("group__members"):
        assigned[row.task_id].update(
            [row.unit_id] if row.unit_id else [m.pk for m in row.group.members.all()]
        )
    latest = latest_task_reports(plan=plan)
    units = [u for u in Unit.objects.all() if any(u.pk in ids for ids in assigned.values())]
    tasks = Task.objects.filter(plan=plan).select_related("section").order_by("kind", "position")
    rows = [TaskRow(task=t, cells={u: latest.get((t.pk, u)) for u in assigned[t.pk]}) for t in tasks]
    rows.sort(key=lambda r: (-r.delayed, r.task.kind, r.task.position))
    return units, rows
