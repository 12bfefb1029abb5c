"""The end-of-plan evaluation (实施情况评估): per indicator a verdict against its target at the plan's last quarter,
per task how far its units carried it, per unit its reporting record over the whole plan. Reads only, a fixed number
of queries; the .docx and .xlsx are written by reports/evaluation_document.py."""

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from reports.dashboards.heatmap import Rates, reporting_heatmap
from reports.dashboards.league import unit_league
from reports.dashboards.task_board import PROGRESS_ORDER, task_board
from reports.figures.selectors import IndicatorStanding, plan_standings
from reports.models import TaskReport
from targets.display import percent_text
from targets.engine import ProgressStatus, meets
from targets.models import Indicator, Period, WorkPlan
from tasks.models import Task, TaskIndicator, TaskResponsibility
from units.models import Unit

MET, BASIC, NOT_MET, NO_DATA = "达成", "基本达成", "未达成", "无数据"
VERDICTS = (MET, BASIC, NOT_MET, NO_DATA)
VERDICT_COLOURS = {MET: "green", BASIC: "amber", NOT_MET: "red", NO_DATA: "grey"}
DONE, NOT_REPORTED, NO_UNITS = "已完成", "未报", "方案未写明责任单位"


def verdict(*, standing: IndicatorStanding, basic_ratio: Decimal, rate_points: Decimal) -> str:
    """达成 when the final value meets the target (as the progress engine judges it, or by the comparison); 基本达成
    when short of it by no more than the plan allows: a rate within `rate_points` percentage points of its threshold,
    anything else reaching `basic_ratio` of the target (target ÷ value when lower is better); 未达成 otherwise; 无数据
    without an approved final value (or without the baseline a relative target needs). A milestone is achieved or
    not: never 基本达成."""
    progress, indicator = standing.progress, standing.indicator
    if progress.status in (ProgressStatus.NO_DATA, ProgressStatus.NO_BASELINE) or progress.value is None:
        return NO_DATA
    if progress.status == ProgressStatus.MET:
        return MET
    goal = progress.target
    if goal is None:
        return NO_DATA
    if meets(progress.value, goal, indicator.comparison):
        return MET
    if indicator.kind == Indicator.Kind.MILESTONE:
        return NOT_MET
    if indicator.kind == Indicator.Kind.RATE:
        gap = (
            goal - progress.value
            if indicator.direction == Indicator.Direction.INCREASE
            else progress.value - goal
        )
        return BASIC if gap <= rate_points else NOT_MET
    ratio = completion(standing)
    return BASIC if ratio is not None and ratio >= basic_ratio else NOT_MET


def completion(standing: IndicatorStanding) -> Decimal | None:
    """How much of the target the final value reaches: value ÷ target, or target ÷ value when lower is better;
    1 or 0 for a milestone. None without a value or a target."""
    progress, indicator = standing.progress, standing.indicator
    if progress.value is None or progress.target is None:
        return None
    if indicator.kind == Indicator.Kind.MILESTONE:
        return Decimal(1) if progress.value else Decimal(0)
    if indicator.direction == Indicator.Direction.DECREASE:
        return None if not progress.value else progress.target / progress.value
    return None if not progress.target else progress.value / progress.target


@dataclass
class IndicatorVerdict:
    standing: IndicatorStanding
    completion: Decimal | None
    verdict: str
    place: str  # where the plan writes it: the goal area (创造 …) or the task (二(二)2)

    @property
    def indicator(self) -> Indicator:
        return self.standing.indicator

    @property
    def colour(self) -> str:
        return VERDICT_COLOURS[self.verdict]


@dataclass
class TaskCompletion:
    task: Task
    units: list[str]  # the responsible units and groups as the plan names them
    counts: Counter  # progress value → number of units (groups expanded) whose latest report says so ("" for none)

    @property
    def label(self) -> str:
        """已完成 when every responsible unit's latest report says so; 未报 when none has reported; else the worst
        state (滞后, 未启动, 未报, 推进中, 已完成 in that order, as on the task board) with the counts."""
        total = sum(self.counts.values())
        if not total:
            return f"{NOT_REPORTED}（无责任单位）"
        if self.counts[TaskReport.Progress.DONE] == total:
            return DONE
        if self.counts[""] == total:
            return NOT_REPORTED
        names = {**dict(TaskReport.Progress.choices), "": NOT_REPORTED}
        present = [p for p in self.counts if self.counts[p]]
        worst = min(present, key=lambda p: PROGRESS_ORDER.get(p, PROGRESS_ORDER[""]))
        order = ("done", "in_progress", "delayed", "not_started", "")
        parts = [f"{names[p]}{self.counts[p]}" for p in order if self.counts[p]]
        return f"{names.get(worst, NOT_REPORTED)}（{'，'.join(parts)}，共{total}个单位）"


@dataclass
class UnitRecord:
    """A unit's reporting over the whole plan, and how the indicators it reports ended."""

    unit: Unit
    rates: Rates  # obligations owed, reported (first submitted at all) and on time, over every ended quarter
    returned: int  # times the office returned one of its figures or task reports
    delayed_tasks: int  # tasks whose latest report from the unit says 滞后
    indicators: int  # indicators the unit reports
    met: int  # of those, how many are 达成

    @property
    def late(self) -> int:
        return self.rates.reported - self.rates.on_time

    @property
    def missing(self) -> int:
        return self.rates.owed - self.rates.reported


@dataclass
class Evaluation:
    plan: WorkPlan
    period: Period
    indicators: list[IndicatorVerdict]
    tasks: list[TaskCompletion]
    units: list[UnitRecord]  # every unit that owes reports, in the units' order
    total: Rates

    @property
    def counts(self) -> Counter:
        return Counter(v.verdict for v in self.indicators)

    @property
    def tasks_done(self) -> int:
        return sum(1 for t in self.tasks if t.label == DONE)

    def summary(self) -> str:
        """The figures in a sentence or two of plain Chinese, for the top of the report."""
        counts, n, rates = self.counts, len(self.indicators), self.total
        return (
            f"工作期内，方案确定的{n}项指标中，达成{counts[MET]}项、基本达成{counts[BASIC]}项、"
            f"未达成{counts[NOT_MET]}项、无数据{counts[NO_DATA]}项；{len(self.tasks)}项任务（含保障措施）中，"
            f"各责任单位均报告已完成的{self.tasks_done}项。全周期应报{rates.owed}项，已报{rates.reported}项，"
            f"报送完成率{percent_text(rates.completeness)}，按时率{percent_text(rates.timeliness)}。"
        )


def _places(*, plan: WorkPlan) -> dict[int, str]:
    """Indicator id → the task it is written in, for the targets written inside tasks (they have no goal area)."""
    links = TaskIndicator.objects.filter(task__plan=plan, indicator__area__isnull=True).select_related(
        "task__section"
    )
    return {link.indicator_id: link.task.code for link in links}


def plan_evaluation(*, plan: WorkPlan) -> Evaluation:
    """The evaluation at the plan's last quarter: verdicts on the progress engine's standings there, each task's
    latest reports, and every unit's reporting record over the quarters already due. A fixed number of queries."""
    heatmap = reporting_heatmap(plan=plan)
    period = heatmap.periods[-1]
    standings = plan_standings(plan=plan, period=period)
    places = _places(plan=plan)
    indicators = [
        IndicatorVerdict(
            standing=s,
            completion=completion(s),
            verdict=verdict(
                standing=s, basic_ratio=plan.verdict_basic_ratio, rate_points=plan.verdict_rate_points
            ),
            place=s.indicator.area.name if s.indicator.area else places.get(s.indicator.pk, "任务"),
        )
        for s in standings
    ]
    _units, rows = task_board(plan=plan)
    responsible: dict[int, list[str]] = {}  # as the plan writes them: 各区（市、县）人民政府 stays one name
    for row in TaskResponsibility.objects.filter(task__plan=plan).select_related("unit", "group"):
        responsible.setdefault(row.task_id, []).append(row.name)
    tasks = [
        TaskCompletion(
            task=row.task,
            units=responsible.get(row.task.pk, []),
            counts=Counter(report.progress if report else "" for report in row.cells.values()),
        )
        for row in sorted(rows, key=lambda r: (r.task.kind != Task.Kind.TASK, r.task.position))
    ]
    verdicts = {v.indicator.pk: v.verdict for v in indicators}
    reported: dict[int, list[int]] = {}
    for unit_id, indicator_id in Indicator.reporting_units.through.objects.filter(
        indicator__plan=plan
    ).values_list("unit_id", "indicator_id"):
        reported.setdefault(unit_id, []).append(indicator_id)
    records = [
        UnitRecord(
            unit=row.unit,
            rates=row.rates,
            returned=row.returned,
            delayed_tasks=row.delayed_tasks,
            indicators=len(reported.get(row.unit.pk, [])),
            met=sum(1 for i in reported.get(row.unit.pk, []) if verdicts.get(i) == MET),
        )
        for row in sorted(
            unit_league(plan=plan, heatmap=heatmap, standings=standings),
            key=lambda r: (r.unit.position, r.unit.pk),
        )
    ]
    return Evaluation(
        plan=plan, period=period, indicators=indicators, tasks=tasks, units=records, total=heatmap.total
    )
