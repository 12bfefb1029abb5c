"""Reads for quarterly reporting: who may report or review, the obligations of a unit, its sheet, the queue."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from targets.models import Indicator, Period, WorkPlan
from targets.periods import portal_today
from tasks.models import Task, TaskIndicator, TaskResponsibility
from tasks.selectors import tasks_for_unit
from units.models import Unit, UnitGroup, User
from units.selectors import units_visible_to

from .models import Evidence, ReopenRequest, Status, Submission, TaskReport


def user_can_report_for(*, user: User, unit: Unit) -> bool:
    """Unit staff report for their own unit; the office may enter for any unit. Nobody else writes figures."""
    if not user.is_authenticated:
        return False
    if user.role == User.Role.OFFICE:
        return True
    return user.role in User.UNIT_ROLES and user.unit_id == unit.pk


def user_can_review(*, user: User) -> bool:
    return user.is_authenticated and user.role == User.Role.OFFICE


def unit_reports_indicator(*, unit: Unit, indicator: Indicator) -> bool:
    return indicator.reporting_units.filter(pk=unit.pk).exists()


def unit_reports_task(*, unit: Unit, task: Task) -> bool:
    return tasks_for_unit(unit=unit, plan=task.plan).filter(pk=task.pk).exists()


def periods_open(*, plan: WorkPlan) -> list[Period]:
    """Quarters that have started by the portal's today (a quarter's figures can be drafted from its first day)."""
    today = portal_today()
    return [period for period in plan.periods.select_related("plan") if period.start <= today]


def period_previous(*, period: Period) -> Period | None:
    year, quarter = (period.year - 1, 4) if period.quarter == 1 else (period.year, period.quarter - 1)
    return Period.objects.filter(plan_id=period.plan_id, year=year, quarter=quarter).first()


def submissions_visible_to(*, user: User) -> QuerySet[Submission]:
    return Submission.objects.filter(unit__in=units_visible_to(user=user))


def task_reports_visible_to(*, user: User) -> QuerySet[TaskReport]:
    return TaskReport.objects.filter(unit__in=units_visible_to(user=user))


def evidence_visible_to(*, user: User) -> QuerySet[Evidence]:
    units = units_visible_to(user=user)
    return Evidence.objects.filter(submission__unit__in=units) | Evidence.objects.filter(
        task_report__unit__in=units
    )


@dataclass
class SheetRow:
    """One obligation on a unit's quarterly sheet: a figure for an indicator or a report on a task."""

    indicator: Indicator | None = None
    task: Task | None = None
    item: Submission | TaskReport | None = None
    previous_value: Decimal | None = None

    @property
    def key(self) -> str:
        return f"f{self.indicator.pk}" if self.indicator else f"t{self.task.pk}"

    @property
    def status(self) -> str:
        """The item's workflow status, or "" when nothing has been saved yet (未填)."""
        return self.item.status if self.item else ""

    @property
    def version(self) -> int:
        return self.item.version if self.item else 0

    @property
    def outstanding(self) -> bool:
        """Still the unit's to do this quarter: not filled in, a draft, or returned (not yet submitted)."""
        return self.status in ("", Status.DRAFT, Status.RETURNED)


@dataclass
class SheetGroup:
    title: str
    rows: list[SheetRow] = field(default_factory=list)


def sheet_groups(*, unit: Unit, period: Period) -> list[SheetGroup]:
    """The unit's obligations for the quarter, grouped as the plan is, returned items first. Fixed query count."""
    plan = period.plan
    evidence = Prefetch("evidence", Evidence.objects.order_by("uploaded_at"))
    figures = {
        s.indicator_id: s
        for s in Submission.objects.filter(unit=unit, period=period).prefetch_related(evidence)
    }
    reports = {
        r.task_id: r for r in TaskReport.objects.filter(unit=unit, period=period).prefetch_related(evidence)
    }
    previous = period_previous(period=period)
    previous_values = (
        dict(
            Submission.objects.filter(unit=unit, period=previous, value__isnull=False).values_list(
                "indicator_id", "value"
            )
        )
        if previous
        else {}
    )
    indicators = list(
        Indicator.objects.filter(plan=plan, reporting_units=unit)
        .select_related("area")
        .order_by("position", "id")
    )
    # The task a task indicator is written in (its first link): fetched for those indicators only, not prefetched
    # for every one (a unit may owe thousands of figures).
    task_links: dict[int, TaskIndicator] = {}
    for link in TaskIndicator.objects.filter(
        indicator__in=[i for i in indicators if not i.area_id]
    ).select_related("task__section"):
        task_links.setdefault(link.indicator_id, link)
    returned = SheetGroup(title="已退回，请修改后重新提交")
    groups: dict[str, SheetGroup] = {}
    for indicator in indicators:
        row = SheetRow(
            indicator=indicator,
            item=figures.get(indicator.pk),
            previous_value=previous_values.get(indicator.pk),
        )
        if indicator.area:
            title = f"指标 · {indicator.area.number}. {indicator.area.headline}"
        else:
            link = task_links[indicator.pk]
            title = f"指标 · 任务 {link.task.code} {link.task.title}"
        target = (
            returned if row.status == Status.RETURNED else groups.setdefault(title, SheetGroup(title=title))
        )
        target.rows.append(row)
    for task in tasks_for_unit(unit=unit, plan=plan).order_by("kind", "position"):
        row = SheetRow(task=task, item=reports.get(task.pk))
        if task.kind == Task.Kind.SAFEGUARD:
            title = "任务进展 · 三、保障措施"
        else:
            title = f"任务进展 · （{task.section.number}）{task.section.title}"
        target = (
            returned if row.status == Status.RETURNED else groups.setdefault(title, SheetGroup(title=title))
        )
        target.rows.append(row)
    return ([returned] if returned.rows else []) + list(groups.values())


def review_queue(*, user: User) -> QuerySet[Submission] | None:
    """Submitted figures waiting for the office, oldest first."""
    return (
        submissions_visible_to(user=user)
        .filter(status=Status.SUBMITTED)
        .select_related("indicator__area", "unit", "period__plan", "submitted_by")
        .order_by("submitted_at", "id")
    )


def review_queue_task_reports(*, user: User) -> QuerySet[TaskReport]:
    return (
        task_reports_visible_to(user=user)
        .filter(status=Status.SUBMITTED)
        .select_related("task__section", "unit", "period__plan", "submitted_by")
        .order_by("submitted_at", "id")
    )


def reopen_requests_pending() -> QuerySet[ReopenRequest]:
    return ReopenRequest.objects.filter(decision=ReopenRequest.Decision.PENDING).select_related(
        "submission__indicator",
        "submission__unit",
        "submission__period",
        "task_report__task__section",
        "task_report__unit",
        "task_report__period",
        "requested_by",
    )


def item_history(*, item: Submission | TaskReport) -> list[dict]:
    """Every saved state of the item, newest first, with who, when, why and each field's old → new."""
    records = list(item.history.select_related("history_user").order_by("history_date", "history_id"))
    model = type(item)
    shown = [
        f
        for f in model._meta.fields
        if f.name not in {"id", "version", "updated_at", "updated_by", "unit", "period", "indicator", "task"}
    ]
    entries = []
    previous = None
    for record in records:
        changes = []
        for f in shown:
            old = getattr(previous, f.attname, None) if previous else None
            new = getattr(record, f.attname)
            if previous is None and new in (None, ""):
                continue
            if previous is not None and old == new:
                continue
            changes.append({"field": f.verbose_name, "old": _display(f, old), "new": _display(f, new)})
        entries.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "why": record.history_change_reason or "",
                "changes": changes,
            }
        )
        previous = record
    return list(reversed(entries))


def _display(model_field, value) -> str:
    if value is None or value == "":
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if model_field.is_relation:
        return str(model_field.related_model.objects.filter(pk=value).first() or value)
    return str(value)


@dataclass
class SheetSummary:
    unit: Unit
    period: Period
    obligations: int
    by_status: dict[str, int]

    @property
    def not_started(self) -> int:
        return self.obligations - sum(self.by_status.values())

    @property
    def done(self) -> bool:
        return self.obligations > 0 and self.by_status.get(Status.APPROVED, 0) == self.obligations


def unit_obligation_counts(*, units, plan: WorkPlan) -> dict[int, int]:
    """How many figures and task reports each unit owes per quarter (indicators it reports + tasks it answers for);
    `units=None`: every unit that owes anything. Three queries, counted in the database."""
    through = Indicator.reporting_units.through.objects.filter(indicator__plan=plan)
    if units is not None:
        through = through.filter(unit_id__in={u.pk for u in units})
    reported = dict(through.values("unit_id").annotate(n=Count("id")).values_list("unit_id", "n"))
    members: dict[int, list[int]] = {}
    for group_id, unit_id in UnitGroup.members.through.objects.values_list("unitgroup_id", "unit_id"):
        members.setdefault(group_id, []).append(unit_id)
    tasks: dict[int, set[int]] = defaultdict(set)
    for task_id, unit_id, group_id in TaskResponsibility.objects.filter(task__plan=plan).values_list(
        "task_id", "unit_id", "group_id"
    ):
        for member in [unit_id] if unit_id else members.get(group_id, []):
            tasks[member].add(task_id)
    unit_ids = {u.pk for u in units} if units is not None else reported.keys() | tasks.keys()
    return {pk: reported.get(pk, 0) + len(tasks.get(pk, ())) for pk in unit_ids}


def unit_sheet_summaries(*, units, periods: list[Period]) -> list[SheetSummary]:
    """Per unit and quarter: obligations and how many items are in each status. A fixed number of queries."""
    units = list(units)
    if not periods or not units:
        return []
    plan = periods[0].plan
    owed = unit_obligation_counts(units=units, plan=plan)
    tallies: dict[tuple[int, int], dict[str, int]] = {}
    for model in (Submission, TaskReport):
        for row in (
            model.objects.filter(unit__in=units, period__in=periods)
            .values("unit_id", "period_id", "status")
            .annotate(n=Count("id"))
        ):
            bucket = tallies.setdefault((row["unit_id"], row["period_id"]), {})
            bucket[row["status"]] = bucket.get(row["status"], 0) + row["n"]
    return [
        SheetSummary(unit=u, period=p, obligations=owed[u.pk], by_status=tallies.get((u.pk, p.pk), {}))
        for u in units
        for p in reversed(periods)
        if owed[u.pk]
    ]
