"""Reads for quarterly reporting: what a unit owes and has reported, its sheet, the review queue, the quarters."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from reports.models import Evidence, FollowUp, ReopenRequest, Status, Submission, TaskReport
from reports.workflow.outliers import HISTORY_POINTS, HISTORY_QUARTERS, Outlier, outlier
from targets.models import Indicator, Period, WorkPlan
from targets.periods import portal_today
from tasks.models import Task, TaskIndicator
from tasks.selectors import plan_order, tasks_for_unit, units_by_task
from units.models import Unit, User
from units.selectors import units_visible_to, user_sees_all_units


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


def unit_history(*, item: Submission, quarters: int = HISTORY_QUARTERS) -> list[Decimal]:
    """The unit's figures of the indicator in the plan's quarters before the item's, oldest first (the last
    `quarters` with a value). One query."""
    year, quarter = item.period.year, item.period.quarter
    earlier = (
        Submission.objects.filter(
            indicator_id=item.indicator_id,
            unit_id=item.unit_id,
            period__plan_id=item.period.plan_id,
            value__isnull=False,
        )
        .filter(Q(period__year__lt=year) | Q(period__year=year, period__quarter__lt=quarter))
        .order_by("-period__year", "-period__quarter")
        .values_list("value", flat=True)[:quarters]
    )
    return list(reversed(earlier))


def quarter_peers(*, item: Submission) -> list[Decimal]:
    """The other units' figures of the indicator in the item's quarter, among units of its level (counties and zones
    with each other, city-level units with each other: a city total is not a county's peer). One query."""
    local = Unit.LOCAL_KINDS
    peers = Submission.objects.filter(
        indicator_id=item.indicator_id, period_id=item.period_id, value__isnull=False
    ).exclude(unit_id=item.unit_id)
    peers = (
        peers.filter(unit__kind__in=local) if item.unit.kind in local else peers.exclude(unit__kind__in=local)
    )
    return list(peers.values_list("value", flat=True))


# For the office and leaders the whole table, not "unit IN (every unit)": the same rows (an item always has its unit),
# and PostgreSQL need not read each row to check its unit (the API's figure count at province scale: p95 ~230 → 64 ms,
# docs/benchmarks.md).
def submissions_visible_to(*, user: User) -> QuerySet[Submission]:
    if user_sees_all_units(user=user):
        return Submission.objects.all()
    return Submission.objects.filter(unit__in=units_visible_to(user=user))


def task_reports_visible_to(*, user: User) -> QuerySet[TaskReport]:
    if user_sees_all_units(user=user):
        return TaskReport.objects.all()
    return TaskReport.objects.filter(unit__in=units_visible_to(user=user))


def evidence_visible_to(*, user: User) -> QuerySet[Evidence]:
    if user_sees_all_units(user=user):
        return Evidence.objects.all()
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
    # The unit's figures of the indicator in the quarters before (up to HISTORY_QUARTERS, oldest first).
    history: list[tuple[Period, Decimal]] = field(default_factory=list)

    @property
    def recent(self) -> list[tuple[Period, Decimal]]:
        """The last four quarters, shown beside the figure."""
        return self.history[-4:]

    @property
    def outlier(self) -> Outlier | None:
        """The figure typed, far from the unit's earlier quarters (checked again with other units' at submission)."""
        value = getattr(self.item, "value", None) if self.indicator else None
        return outlier(value, [v for _p, v in self.history], method="history", minimum=HISTORY_POINTS)

    @property
    def outlier_text(self) -> str:
        return self.outlier.message(self.indicator.uom) if self.outlier else ""

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
    """Rows of a sheet shown together: the returned items first, then the plan's goal areas and sections."""

    RETURNED, INDICATORS, TASKS = "returned", "indicators", "tasks"

    kind: str
    title: str
    rows: list[SheetRow] = field(default_factory=list)


def sheet_items(*, unit: Unit, period: Period) -> tuple[dict[int, Submission], dict[int, TaskReport]]:
    """The unit's figures (by indicator id) and task reports (by task id) of the quarter, with their evidence (and a
    figure's open 待核实 marks, `open_follow_ups`)."""
    evidence = Prefetch("evidence", Evidence.objects.order_by("uploaded_at"))
    marks = Prefetch("follow_ups", FollowUp.objects.filter(resolution=""), to_attr="open_follow_ups")
    figures = {
        s.indicator_id: s
        for s in Submission.objects.filter(unit=unit, period=period).prefetch_related(evidence, marks)
    }
    reports = {
        r.task_id: r for r in TaskReport.objects.filter(unit=unit, period=period).prefetch_related(evidence)
    }
    return figures, reports


def sheet_groups(*, unit: Unit, period: Period) -> list[SheetGroup]:
    """The unit's obligations for the quarter, grouped as the plan is, returned items first. Fixed query count."""
    plan = period.plan
    figures, reports = sheet_items(unit=unit, period=period)
    # The unit's figures of the quarters before: the last four beside each figure, up to eight for its outliers.
    earlier = list(
        Period.objects.filter(plan=plan)
        .filter(Q(year__lt=period.year) | Q(year=period.year, quarter__lt=period.quarter))
        .order_by("-year", "-quarter")[:HISTORY_QUARTERS]
    )[::-1]
    history: dict[int, list[tuple[Period, Decimal]]] = defaultdict(list)
    by_pk = {p.pk: p for p in earlier}
    for indicator_id, period_id, value in (
        Submission.objects.filter(unit=unit, period__in=earlier, value__isnull=False)
        .order_by("period__year", "period__quarter")
        .values_list("indicator_id", "period_id", "value")
    ):
        history[indicator_id].append((by_pk[period_id], value))
    previous = earlier[-1] if earlier else None
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
    returned = SheetGroup(kind=SheetGroup.RETURNED, title=_("已退回，请修改后重新提交"))
    groups: dict[str, SheetGroup] = {}

    def add(row: SheetRow, kind: str, title: str) -> None:
        if row.status == Status.RETURNED:
            returned.rows.append(row)
        else:
            groups.setdefault(title, SheetGroup(kind=kind, title=title)).rows.append(row)

    for indicator in indicators:
        row = SheetRow(
            indicator=indicator,
            item=figures.get(indicator.pk),
            previous_value=next((v for p, v in history[indicator.pk] if p == previous), None),
            history=history[indicator.pk],
        )
        if indicator.area:
            title = _("指标 · %(area)s") % {"area": indicator.area}
        else:
            task = task_links[indicator.pk].task
            title = _("指标 · 任务 %(code)s %(title)s") % {"code": task.code, "title": task.title}
        add(row, SheetGroup.INDICATORS, title)
    # Without the responsible units tasks_for_unit prefetches for other pages: the sheet does not show them.
    for task in tasks_for_unit(unit=unit, plan=plan).prefetch_related(None).order_by("kind", "position"):
        row = SheetRow(task=task, item=reports.get(task.pk))
        if task.kind == Task.Kind.SAFEGUARD:
            title = _("任务进展 · 三、保障措施")
        else:
            title = _("任务进展 · %(section)s") % {"section": task.section}
        add(row, SheetGroup.TASKS, title)
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


def _unit_review_scope(user: User) -> Q:
    """The items a unit head checks (单位审核): its own unit's where that review is on, and its sub-units'."""
    if user.role != User.Role.UNIT_HEAD or not user.unit_id:
        return Q(pk__in=[])
    return Q(unit__parent_id=user.unit_id) | Q(unit_id=user.unit_id, unit__unit_review=True)


def unit_review_queue(*, user: User) -> QuerySet[Submission]:
    """Figures waiting for this unit head's 单位审核, oldest first."""
    return (
        Submission.objects.filter(_unit_review_scope(user), status=Status.PENDING)
        .select_related("indicator__area", "unit", "period__plan", "submitted_by")
        .order_by("submitted_at", "id")
    )


def unit_review_queue_task_reports(*, user: User) -> QuerySet[TaskReport]:
    return (
        TaskReport.objects.filter(_unit_review_scope(user), status=Status.PENDING)
        .select_related("task__section", "unit", "period__plan", "submitted_by")
        .order_by("submitted_at", "id")
    )


@dataclass
class PlanQueue:
    """One plan's part of the review queue: its submitted figures and task reports, and its sheets (unit, quarter)
    that have something submitted, each in the queue's order."""

    plan: WorkPlan
    figures: list[Submission] = field(default_factory=list)
    task_reports: list[TaskReport] = field(default_factory=list)

    @property
    def sheets(self) -> list[tuple[Unit, Period]]:
        pairs = {(item.unit, item.period) for item in [*self.figures, *self.task_reports]}
        return sorted(pairs, key=lambda pair: (pair[1].year, pair[1].quarter, pair[0].position, pair[0].pk))

    @property
    def count(self) -> int:
        return len(self.figures) + len(self.task_reports)


def review_queue_by_plan(*, figures, task_reports) -> list[PlanQueue]:
    """The queue's items (review_queue, review_queue_task_reports, as filtered) grouped by plan: open plans first,
    then ended ones, each newest first (as the plan bar lists them). No query of its own."""
    queues: dict[int, PlanQueue] = {}
    for item in figures:
        queues.setdefault(item.period.plan_id, PlanQueue(plan=item.period.plan)).figures.append(item)
    for item in task_reports:
        queues.setdefault(item.period.plan_id, PlanQueue(plan=item.period.plan)).task_reports.append(item)
    return sorted(queues.values(), key=lambda queue: plan_order(queue.plan))


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
    `units=None`: every unit that owes anything. Three queries."""
    through = Indicator.reporting_units.through.objects.filter(indicator__plan=plan)
    if units is not None:
        through = through.filter(unit_id__in={u.pk for u in units})
    reported = dict(through.values("unit_id").annotate(n=Count("id")).values_list("unit_id", "n"))
    tasks: dict[int, set[int]] = defaultdict(set)
    for task_id, unit_ids in units_by_task(plan=plan).items():
        for unit_id in unit_ids:
            tasks[unit_id].add(task_id)
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


REPORTED = (Status.SUBMITTED, Status.APPROVED)  # an obligation is reported once its item is in these states


def obligations_by_unit(*, plan: WorkPlan) -> dict[int, tuple[set[int], set[int]]]:
    """Per unit: the indicators it reports and the tasks it answers for (directly or through a group). 3 queries."""
    owed: dict[int, tuple[set[int], set[int]]] = defaultdict(lambda: (set(), set()))
    through = Indicator.reporting_units.through.objects.filter(indicator__plan=plan)
    for indicator_id, unit_id in through.values_list("indicator_id", "unit_id"):
        owed[unit_id][0].add(indicator_id)
    for task_id, unit_ids in units_by_task(plan=plan).items():
        for unit_id in unit_ids:
            owed[unit_id][1].add(task_id)
    return dict(owed)


def plan_outstanding(*, plan: WorkPlan) -> int:
    """How many items the plan's units owe over all its quarters that are not approved: never reported, draft,
    returned or waiting for review. 0 when the office has approved everything. 3 queries and 2 per model."""
    owed = obligations_by_unit(plan=plan)
    approved: dict[tuple[int, int], tuple[set[int], set[int]]] = defaultdict(lambda: (set(), set()))
    for side, model, subject in ((0, Submission, "indicator_id"), (1, TaskReport, "task_id")):
        rows = model.objects.filter(period__plan=plan, status=Status.APPROVED).order_by()
        for unit_id, period_id, subject_id in rows.values_list("unit_id", "period_id", subject):
            approved[(unit_id, period_id)][side].add(subject_id)
    period_ids = list(plan.periods.values_list("pk", flat=True))
    return sum(
        len(indicators - approved[(unit_id, period_id)][0]) + len(tasks - approved[(unit_id, period_id)][1])
        for unit_id, (indicators, tasks) in owed.items()
        for period_id in period_ids
    )


def reported_by_unit(*, periods: list[Period]) -> dict[tuple[int, int], tuple[set[int], set[int]]]:
    """Per (unit, quarter): the indicators and tasks whose item is submitted or approved. 2 queries."""
    done: dict[tuple[int, int], tuple[set[int], set[int]]] = defaultdict(lambda: (set(), set()))
    figures = Submission.objects.filter(period__in=periods, status__in=REPORTED)
    for unit_id, period_id, indicator_id in figures.values_list("unit_id", "period_id", "indicator_id"):
        done[(unit_id, period_id)][0].add(indicator_id)
    reports = TaskReport.objects.filter(period__in=periods, status__in=REPORTED)
    for unit_id, period_id, task_id in reports.values_list("unit_id", "period_id", "task_id"):
        done[(unit_id, period_id)][1].add(task_id)
    return done


def period_current(*, plan: WorkPlan, periods: list[Period] | None = None) -> Period | None:
    """The quarter being reported now: the latest one that has ended by the portal's today (else the first). Among
    `periods` when the caller holds them (the plan's, in order)."""
    today = portal_today()
    periods = list(plan.periods.select_related("plan")) if periods is None else periods
    ended = [p for p in periods if p.end < today]
    return ended[-1] if ended else (periods[0] if periods else None)
