"""The quarterly bulletin (季度通报): where the plan stands at the end of a quarter, who reported late or not at
all, which indicators and tasks are behind, and a short narrative drafted from those figures for the office to
edit. Reads only; the Word document is written by reports/bulletin_document.py."""

from collections import Counter
from dataclasses import dataclass, field

from reports.dashboards.heatmap import Rates, reporting_heatmap
from reports.dashboards.league import LeagueRow, unit_ranking
from reports.figures.selectors import IndicatorStanding, plan_standings
from reports.models import Status, Submission, TaskReport
from reports.workflow.selectors import obligations_by_unit, period_previous, reported_by_unit
from targets.display import figure_display, percent_text
from targets.engine import ProgressStatus
from targets.models import Indicator, Period, WorkPlan
from tasks.models import Task
from units.models import Unit

COLOUR_ORDER = ("green", "amber", "red", "grey")
COLOUR_LABELS = {"green": "正常或达标", "amber": "预警", "red": "滞后", "grey": "未报或缺基线"}


@dataclass
class AreaBlock:
    title: str
    name: str  # short, for charts: 创造
    standings: list[IndicatorStanding]


@dataclass
class Missing:
    """A unit's obligations of the quarter not submitted by its due date (still missing)."""

    unit: Unit
    items: list[str]


@dataclass
class Returned:
    unit: Unit
    subject: str
    reason: str


@dataclass
class Delayed:
    unit: Unit
    task: Task
    problems: str


@dataclass
class Bulletin:
    plan: WorkPlan
    period: Period
    previous: Period | None
    standings: list[IndicatorStanding]
    colours: Counter
    previous_colours: Counter | None
    rates: Rates
    previous_rates: Rates | None
    areas: list[AreaBlock]
    league: list[LeagueRow]
    missing: list[Missing]
    returned: list[Returned]
    delayed: list[Delayed]
    narrative: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"关于{self.period.label}知识产权强市建设工作推进情况的通报"


def bulletin_data(*, plan: WorkPlan, period: Period) -> Bulletin:
    """Everything the bulletin of `period` says, from the progress engine and the reporting records."""
    previous = period_previous(period=period)
    standings = plan_standings(plan=plan, period=period)
    previous_standings = plan_standings(plan=plan, period=previous) if previous else None
    heatmap = reporting_heatmap(plan=plan)
    index = [p.pk for p in heatmap.periods].index(period.pk)
    bulletin = Bulletin(
        plan=plan,
        period=period,
        previous=previous,
        standings=standings,
        colours=_colours(standings),
        previous_colours=_colours(previous_standings) if previous_standings is not None else None,
        rates=heatmap.period_rates[index],
        previous_rates=heatmap.period_rates[index - 1] if index else None,
        areas=_areas(plan, standings),
        league=unit_ranking(plan=plan, heatmap=heatmap, standings=standings),
        missing=_missing(plan, period),
        returned=_returned(period),
        delayed=_delayed(period),
    )
    bulletin.narrative = narrative(bulletin)
    return bulletin


def _colours(standings: list[IndicatorStanding]) -> Counter:
    return Counter(s.progress.colour for s in standings)


def _areas(plan: WorkPlan, standings: list[IndicatorStanding]) -> list[AreaBlock]:
    blocks = {
        area.pk: AreaBlock(f"{area.number}. {area.headline}", area.name, []) for area in plan.areas.all()
    }
    tasks = AreaBlock("任务中的指标", "任务指标", [])
    for standing in standings:
        blocks.get(standing.indicator.area_id, tasks).standings.append(standing)
    return [*blocks.values(), *([tasks] if tasks.standings else [])]


def _missing(plan: WorkPlan, period: Period) -> list[Missing]:
    """Per unit, in the unit table's order, what it owes for the quarter and has not submitted."""
    owed = obligations_by_unit(plan=plan)
    done = reported_by_unit(periods=[period])
    indicators = {i.pk: i for i in Indicator.objects.filter(plan=plan)}
    tasks = {t.pk: t for t in Task.objects.filter(plan=plan).select_related("section")}
    rows = []
    for unit in Unit.objects.filter(pk__in=owed):
        figures, reports = done.get((unit.pk, period.pk), (set(), set()))
        wanted_indicators, wanted_tasks = owed[unit.pk]
        items = [
            f"指标{indicators[i].code} {indicators[i].name}"
            for i in sorted(wanted_indicators - figures, key=_by(indicators))
        ]
        items += [
            f"任务{tasks[t].code} {tasks[t].title}" for t in sorted(wanted_tasks - reports, key=_by(tasks))
        ]
        if items:
            rows.append(Missing(unit=unit, items=items))
    return rows


def _by(objects: dict) -> callable:
    return lambda pk: (objects[pk].position, pk)


def _returned(period: Period) -> list[Returned]:
    """Items of the quarter that stand returned (not yet submitted again)."""
    rows = []
    for item in Submission.objects.filter(period=period, status=Status.RETURNED).select_related(
        "unit", "indicator"
    ):
        rows.append(
            Returned(item.unit, f"指标{item.indicator.code} {item.indicator.name}", item.return_reason)
        )
    reports = TaskReport.objects.filter(period=period, status=Status.RETURNED).select_related(
        "unit", "task__section"
    )
    for item in reports:
        rows.append(Returned(item.unit, f"任务{item.task.code} {item.task.title}", item.return_reason))
    return sorted(rows, key=lambda r: (r.unit.position, r.subject))


def _delayed(period: Period) -> list[Delayed]:
    """Task reports of the quarter, submitted or approved, that say 滞后."""
    reports = TaskReport.objects.filter(
        period=period, progress=TaskReport.Progress.DELAYED, status__in=(Status.SUBMITTED, Status.APPROVED)
    ).select_related("unit", "task__section")
    return sorted(
        (Delayed(r.unit, r.task, r.problems) for r in reports),
        key=lambda d: (d.task.kind != Task.Kind.TASK, d.task.position, d.unit.position),
    )


def _change(now: float | None, before: float | None) -> str:
    if now is None or before is None:
        return ""
    points = (now - before) * 100
    if abs(points) < 0.05:
        return "，与上季度持平"
    return f"，比上季度{'提高' if points > 0 else '下降'}{abs(points):.1f}个百分点"


def _standing_text(standing: IndicatorStanding) -> str:
    """ "实际4128件，应达4800件" as a reader wants it; a milestone says only that it is not yet achieved."""
    indicator, progress = standing.indicator, standing.progress
    if indicator.kind == Indicator.Kind.MILESTONE:
        return f"尚未达成，目标日期{indicator.target_date.year}年{indicator.target_date.month}月"
    uom = indicator.uom
    text = f"实际{figure_display(progress.value, indicator)}{uom}"
    if progress.expected is not None:
        text += f"，应达{figure_display(progress.expected, indicator)}{uom}"
    return text


def narrative(bulletin: Bulletin) -> list[str]:
    """A first draft of the bulletin's text in plain Chinese, every figure taken from the bulletin's data."""
    colours, total = bulletin.colours, len(bulletin.standings)
    overall = (
        f"截至{bulletin.period.label}末，方案确定的{total}项指标中，正常或已达标{colours['green']}项，"
        f"预警{colours['amber']}项，滞后{colours['red']}项，尚无数据或缺少基线{colours['grey']}项。"
    )
    if bulletin.previous_colours is not None:
        before = bulletin.previous_colours["green"]
        delta = colours["green"] - before
        overall += (
            f"正常或达标的指标比上季度{'增加' if delta > 0 else '减少'}{abs(delta)}项。"
            if delta
            else "正常或达标的指标数与上季度相同。"
        )
    rates, before = bulletin.rates, bulletin.previous_rates
    reporting = (
        f"本季度各单位应报{rates.owed}项，已报{rates.reported}项，报送完成率{percent_text(rates.completeness)}"
        f"{_change(rates.completeness, before.completeness if before else None)}；"
        f"按时报送{rates.on_time}项，按时率{percent_text(rates.timeliness)}"
        f"{_change(rates.timeliness, before.timeliness if before else None)}。"
    )
    if bulletin.missing:
        names = "、".join(m.unit.name for m in bulletin.missing)
        reporting += f"截至通报时，{names}等{len(bulletin.missing)}个单位仍有事项未报送。"
    else:
        reporting += "各单位均已完成本季度报送。"
    paragraphs = [overall, reporting]
    lagging = [s for s in bulletin.standings if s.progress.status == ProgressStatus.LAGGING]
    if lagging:
        listed = "；".join(
            f"{s.indicator.code} {s.indicator.name}（{_standing_text(s)}）" for s in lagging[:8]
        )
        more = f"等{len(lagging)}项" if len(lagging) > 8 else ""
        paragraphs.append(f"进度滞后的指标有：{listed}{more}。请牵头单位分析原因，制定追赶措施。")
    if bulletin.delayed:
        tasks = list(dict.fromkeys(f"{d.task.code} {d.task.title}" for d in bulletin.delayed))
        paragraphs.append(
            f"{len(tasks)}项任务有单位报告进展滞后：{'；'.join(tasks[:6])}{'等' if len(tasks) > 6 else ''}。"
        )
    if bulletin.returned:
        paragraphs.append(
            f"本季度有{len(bulletin.returned)}项报送内容被退回尚未重新提交，请相关单位按审核意见修改后重新提交。"
        )
    paragraphs.append("请各单位对照本通报查漏补缺，按时、准确报送下一季度数据和工作进展。")
    return paragraphs
