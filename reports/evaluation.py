"""The end-of-plan evaluation (实施情况评估): per indicator a verdict against its target at the plan's last quarter,
per task how far its units carried it, per unit its reporting record over the whole plan. Reads only; the .docx
and .xlsx are written by reports/evaluation_document.py."""

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from targets.models import Indicator, Period, WorkPlan
from targets.progress import Status as Standing
from targets.progress import meets
from tasks.models import Task

from .dashboard import LeagueRow, Rates, reporting_heatmap, task_board, unit_league
from .models import TaskReport
from .progress import IndicatorStanding, plan_standings

MET, BASIC, NOT_MET, NO_DATA = "达成", "基本达成", "未达成", "无数据"
VERDICTS = (MET, BASIC, NOT_MET, NO_DATA)
VERDICT_COLOURS = {MET: "green", BASIC: "amber", NOT_MET: "red", NO_DATA: "grey"}


def verdict(*, standing: IndicatorStanding, basic_ratio: Decimal, rate_points: Decimal) -> str:
    """达成 when the final value meets the target (as the progress engine judges it); 基本达成 when short of it by
    no more than the plan allows (a rate within `rate_points` percentage points, anything else at `basic_ratio` of
    the target, or better than target / basic_ratio when lower is better); 未达成 otherwise; 无数据 without an
    approved final value (or without the baseline a relative target needs). A milestone is achieved or not."""
    progress, indicator = standing.progress, standing.indicator
    if progress.status in (Standing.NO_DATA, Standing.NO_BASELINE) or progress.value is None:
        return NO_DATA
    if progress.status == Standing.MET:
        return MET
    goal = progress.target
    if goal is None:
        return NO_DATA
    if meets(progress.value, goal, indicator.comparison):
        return MET
    if indicator.kind == Indicator.Kind.MILESTONE:
        return NOT_MET
    if indicator.kind == Indicator.Kind.RATE and indicator.direction == Indicator.Direction.INCREASE:
        return BASIC if progress.value >= goal - rate_points else NOT_MET
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

    @property
    def indicator(self) -> Indicator:
        return self.standing.indicator

    @property
    def colour(self) -> str:
        return VERDICT_COLOURS[self.verdict]


@dataclass
class TaskCompletion:
    task: Task
    units: list[str]
    counts: Counter  # progress value → number of units whose latest report says so ("" for none yet)

    @property
    def label(self) -> str:
        """已完成 when every unit reports it done; else the worst state any unit reports, with the counts."""
        total = sum(self.counts.values())
        done = self.counts[TaskReport.Progress.DONE]
        if total and done == total:
            return "已完成"
        if not total or self.counts[""] == total:
            return "未报"
        names = dict(TaskReport.Progress.choices)
        worst = next(p for p in ("delayed", "not_started", "in_progress", "done", "") if self.counts[p])
        parts = [
            f"{names[p]}{self.counts[p]}"
            for p in ("done", "in_progress", "delayed", "not_started")
            if self.counts[p]
        ]
        if self.counts[""]:
            parts.append(f"未报{self.counts['']}")
        return f"{names.get(worst, '未报')}（{'，'.join(parts)}，共{total}个单位）"


@dataclass
class Evaluation:
    plan: WorkPlan
    period: Period
    indicators: list[IndicatorVerdict]
    tasks: list[TaskCompletion]
    units: list[LeagueRow]
    total: Rates

    @property
    def counts(self) -> Counter:
        return Counter(v.verdict for v in self.indicators)

    def summary(self) -> str:
        counts, n = self.counts, len(self.indicators)
        done = sum(1 for t in self.tasks if t.label == "已完成")
        rates = self.total
        return (
            f"工作期内，方案确定的{n}项指标中，达成{counts[MET]}项、基本达成{counts[BASIC]}项、"
            f"未达成{counts[NOT_MET]}项、无数据{counts[NO_DATA]}项；{len(self.tasks)}项任务（含保障措施）中，"
            f"各责任单位均报告已完成的{done}项。全周期应报{rates.owed}项，已报{rates.reported}项，"
            f"报送完成率{_percent(rates.completeness)}，按时率{_percent(rates.timeliness)}。"
        )


def _percent(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def plan_evaluation(*, plan: WorkPlan) -> Evaluation:
    """The evaluation at the plan's last quarter (or the last one ended, while the plan still runs)."""
    heatmap = reporting_heatmap(plan=plan)
    period = heatmap.periods[-1]
    standings = plan_standings(plan=plan, period=period)
    indicators = [
        IndicatorVerdict(
            standing=s,
            completion=completion(s),
            verdict=verdict(
                standing=s, basic_ratio=plan.verdict_basic_ratio, rate_points=plan.verdict_rate_points
            ),
        )
        for s in standings
    ]
    units, rows = task_board(plan=plan)
    names = {u.pk: u.name for u in units}
    tasks = [
        TaskCompletion(
            task=row.task,
            units=[names[u] for u in row.cells if u in names],
            counts=Counter(report.progress if report else "" for report in row.cells.values()),
        )
        for row in sorted(rows, key=lambda r: (r.task.kind != Task.Kind.TASK, r.task.position))
    ]
    league = sorted(
        unit_league(plan=plan, heatmap=heatmap, standings=standings), key=lambda r: r.unit.position
    )
    return Evaluation(
        plan=plan, period=period, indicators=indicators, tasks=tasks, units=league, total=heatmap.total
    )
