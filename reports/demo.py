"""Demo data (演示数据): every obligation of every quarter reported, reviewed and dated as people would do it.

The numbers are planned first, as pure functions of the plan's targets and a seed (each series from its own
`random.Random` keyed by codes, never by database ids, so two runs give the same data), then written quarter by
quarter through the reporting services: draft → submit → approve, a few returned and resubmitted, a few units
late, and in the last quarter a few obligations never submitted. Every text a person reads starts with 演示数据.
"""

import datetime
import random
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test.utils import override_settings

from targets.models import Indicator, Period, WorkPlan
from tasks.models import Task
from tasks.selectors import tasks_for_unit
from units.management.commands.create_demo_users import DEMO_PASSWORD
from units.models import Unit, User
from units.services import user_create

from .models import ReportItem, Submission, TaskReport
from .services import (
    evidence_add,
    figure_save,
    instruction_create,
    instruction_reply,
    item_approve,
    item_return,
    item_submit,
    task_report_save,
)

DEMO = "演示数据"
DEMO_PDF = b"%PDF-1.4\n% " + DEMO.encode() + b"\n%%EOF\n"
OFFICE_USERNAME = "office"  # the demo accounts of create_demo_users: "office" and one reporter per unit code
LEADER_USERNAME = "leader"
LATE_UNITS = ("zhongjiang", "jcy", "sxdjq")  # habitually a few days after the due date
# Weight of each county and zone when a city figure is split among them (bigger economies report more).
UNIT_WEIGHTS = {
    "jingyang": 5.0, "guanghan": 4.0, "shifang": 3.0, "mianzhu": 3.0,
    "zhongjiang": 2.5, "luojiang": 2.0, "jkq": 3.0, "gxq": 3.5,
}  # fmt: skip

# Level: the city stock in the first quarter and in the last, as shares of the target. The end decides the colour
# on the straight path from the first figure to the target: at or above 1 达标, ~90% of the path 预警, else 滞后.
LEVEL_PATHS = {
    "1.1": ("0.74", "1.03"),
    "1.2": ("0.72", "0.975"),
    "1.4": ("0.78", "1.01"),
    "1.5": ("0.73", "0.86"),
    "1.6": ("0.69", "1.07"),
    "2.1": ("0.4", "1"),
    "2.2": ("0.375", "0.625"),
    "4.4": ("0", "0.5"),
    "5.2": ("0.6", "0.95"),
    "5.3": ("0.53", "0.94"),
    "5.4": ("0.7", "1.05"),
    "二(二)5.1": ("0.56", "1.04"),
    "二(三)4.1": ("0.75", "1.02"),
}
LEVEL_DEFAULT = ("0.75", "1.02")
# A stock that falls: (indicator, unit, quarter index, how many fewer), explained in the note.
STOCK_FALLS = {("1.2", "jingyang"): (5, 3)}
FLOW_TOTALS = {
    "2.3": "1.06",
    "4.5": "0.87",
    "4.6": "1.14",
}  # the plan's sum of flows as a share of the target
# Rates entered as numerator/denominator: the usual rate and the last quarter's (numerator, denominator).
RATIO_PROFILES = {
    "3.1": ("1", (46, 46)),
    "3.2": ("0.97", (16, 17)),
    "3.3": ("1", (21, 21)),
    "3.4": ("0.85", (41, 50)),
}
COVERAGE = {
    "5.1": (3, 6)
}  # first quarter's numerator, the denominator; full coverage from the eleventh quarter
RATE_VALUES = {"3.5": ("83", "88", "86.4")}  # low, high, last quarter
# Relative: (baseline the office sets or None, first quarter, last quarter).
RELATIVE_PATHS = {"1.3": ("3.5", "4.05", "6.75"), "二(二)2.1": (None, "118", "101")}
MILESTONES_ACHIEVED = {"4.3": datetime.date(2024, 5, 20)}

ACTIONS = (
    "召开专题推进会{k}次", "开展业务培训{k}场、培训{m}人次", "走访调研企业{m}家",
    "印发工作通知{k}份", "开展宣传活动{k}场", "组织部门会商{k}次",
)  # fmt: skip
PROBLEMS = ("专项经费尚未到位", "牵头科室人员调整，工作衔接不畅", "企业参与积极性不高", "配套政策尚在制定中")
NEXT_STEPS = ("加强部门协同", "抓好重点任务落实", "做好数据统计和资料归档", "开展督导检查")


@dataclass
class Figure:
    """What a unit enters for one indicator in one quarter."""

    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    achieved: bool | None = None
    achieved_on: datetime.date | None = None
    note: str = ""

    def data(self) -> dict:
        return asdict(self)


class DemoDataExists(ValidationError):
    """The plan already has reports; demo data is only written on an empty plan."""


def _rng(seed: int, *parts: object) -> random.Random:
    # A string seed is hashed with SHA-512: the same on every machine and run, whatever PYTHONHASHSEED says.
    return random.Random(":".join(str(p) for p in (seed, *parts)))


def _split(total: int, weights: list[float]) -> list[int]:
    """Whole numbers in proportion to the weights that add up to `total` exactly (largest remainder)."""
    raw = [total * w / sum(weights) for w in weights]
    shares = [int(r) for r in raw]
    by_remainder = sorted(range(len(raw)), key=lambda i: (shares[i] - raw[i], i))
    for i in by_remainder[: total - sum(shares)]:
        shares[i] += 1
    return shares


def _weights(rng: random.Random, units: list[Unit]) -> list[float]:
    return [UNIT_WEIGHTS.get(u.code, 1.0) * rng.uniform(0.7, 1.3) for u in units]


def _path(rng: random.Random, start: float, end: float, n: int, wobble: float) -> list[float]:
    """From start to end over n quarters, a little uneven in between."""
    points = [start + (end - start) * q / (n - 1) for q in range(n)]
    return [p + (rng.uniform(-wobble, wobble) if 0 < q < n - 1 else 0) for q, p in enumerate(points)]


def _level(indicator: Indicator, units: list[Unit], n: int, seed: int) -> dict[str, list[Figure]]:
    """Stocks at quarter end per unit: the city stock grows from its start share to its end share of the target."""
    rng = _rng(seed, "level", indicator.code)
    target = float(indicator.target_value or 100)
    start, end = (float(s) * target for s in LEVEL_PATHS.get(indicator.code, LEVEL_DEFAULT))
    city: list[int] = []
    for point in _path(rng, start, end, n, wobble=0.02 * (end - start)):
        city.append(max(round(point), city[-1] if city else 0))
    weights = _weights(rng, units)
    stocks = [_split(city[0], weights)]
    for q in range(1, n):
        added = _split(city[q] - city[q - 1], [w * rng.uniform(0.5, 1.5) for w in weights])
        stocks.append([s + a for s, a in zip(stocks[-1], added, strict=True)])
    series = {u.code: [Decimal(stocks[q][i]) for q in range(n)] for i, u in enumerate(units)}
    for (code, unit_code), (quarter, fewer) in STOCK_FALLS.items():
        if code == indicator.code and unit_code in series and quarter < n:
            values = series[unit_code]
            drop = values[quarter] - max(values[quarter - 1] - fewer, Decimal(0))
            series[unit_code] = values[:quarter] + [v - drop for v in values[quarter:]]
    return {code: _stock_notes(indicator, values) for code, values in series.items()}


def _stock_notes(indicator: Indicator, values: list[Decimal]) -> list[Figure]:
    """The explanation the submit rule asks for when a stock falls or rises more than 50% on last quarter."""
    figures = [Figure(value=values[0])]
    for previous, value in zip(values, values[1:], strict=False):
        note = ""
        if value < previous:
            note = f"{DEMO}：{previous - value}{indicator.uom}资格到期未通过复核或迁出，季末数较上季度减少"
        elif previous > 0 and value > previous * Decimal("1.5"):
            note = f"{DEMO}：本季度新增{value - previous}{indicator.uom}，基数较小，增幅超过50%"
        figures.append(Figure(value=value, note=note))
    return figures


def _flow(indicator: Indicator, units: list[Unit], n: int, seed: int) -> dict[str, list[Figure]]:
    """Quarterly amounts (cumulative) or additions (increment) per unit, summing over the plan to about the target."""
    rng = _rng(seed, "flow", indicator.code)
    total = float(indicator.target_value or 10) * float(FLOW_TOTALS.get(indicator.code, "1.05"))
    weights = _weights(rng, units)
    if indicator.kind == Indicator.Kind.INCREMENT:
        # Few additions over 12 quarters × 8 units: most cells are 0, later quarters a little busier.
        cells = [(q, i) for q in range(n) for i in range(len(units))]
        counts = Counter(rng.choices(cells, [weights[i] * (1 + q / 6) for q, i in cells], k=round(total)))
        return {
            u.code: [Figure(value=Decimal(counts[(q, i)])) for q in range(n)] for i, u in enumerate(units)
        }
    quarter_weights = [(1 + 0.1 * q) * rng.uniform(0.8, 1.2) for q in range(n)]
    series: dict[str, list[Figure]] = {u.code: [] for u in units}
    for q in range(n):
        amount = total * quarter_weights[q] / sum(quarter_weights)
        shares = [w * rng.uniform(0.6, 1.4) for w in weights]
        for unit, share in zip(units, shares, strict=True):
            value = Decimal(amount * share / sum(shares)).quantize(Decimal("0.01"))
            series[unit.code].append(Figure(value=value))
    return series


def _rate(indicator: Indicator, n: int, seed: int) -> list[Figure]:
    """A rate per quarter: numerator/denominator where the indicator has them, else the percentage."""
    rng = _rng(seed, "rate", indicator.code)
    figures = []
    if indicator.code in COVERAGE:
        first, whole = COVERAGE[indicator.code]
        for q in range(n):
            covered = min(whole, first + (whole - first) * q // max(n - 2, 1))
            figures.append(Figure(numerator=Decimal(covered), denominator=Decimal(whole)))
        return figures
    if indicator.has_ratio:
        usual, last = RATIO_PROFILES.get(indicator.code, (str((indicator.target_value or 90) / 100), None))
        for q in range(n):
            if q == n - 1 and last:
                numerator, denominator = last
            else:
                denominator = rng.randint(20, 60)
                rate = (
                    float(usual)
                    if float(usual) >= 1
                    else rng.uniform(float(usual) - 0.04, float(usual) + 0.03)
                )
                numerator = min(denominator, round(denominator * rate) - (rng.random() < 0.25))
            figures.append(Figure(numerator=Decimal(numerator), denominator=Decimal(denominator)))
        return figures
    target = float(indicator.target_value or 80)
    low, high, last = RATE_VALUES.get(
        indicator.code, (str(target - 3), str(min(target + 3, 100)), str(target))
    )
    for q in range(n):
        value = Decimal(last) if q == n - 1 else Decimal(str(round(rng.uniform(float(low), float(high)), 1)))
        figures.append(Figure(value=value))
    return figures


def _relative(indicator: Indicator, n: int, seed: int) -> list[Figure]:
    """A value moving from its first quarter towards (or past) baseline × factor."""
    rng = _rng(seed, "relative", indicator.code)
    default_end = str(100 * float(indicator.factor or 1))
    _baseline, start, end = RELATIVE_PATHS.get(indicator.code, (None, "100", default_end))
    places = Decimal("0.1") if float(start) >= 50 else Decimal("0.01")
    path = _path(rng, float(start), float(end), n, wobble=0.03 * abs(float(end) - float(start)))
    return [Figure(value=Decimal(str(p)).quantize(places)) for p in path]


def _milestone(indicator: Indicator, periods: list[Period]) -> list[Figure]:
    achieved_on = MILESTONES_ACHIEVED.get(indicator.code)
    figures = []
    for period in periods:
        if achieved_on and achieved_on <= period.end:
            note = f"{DEMO}：已获批复（{achieved_on:%Y年%m月%d日}），批复文件见佐证材料"
            figures.append(Figure(achieved=True, achieved_on=achieved_on, note=note))
        else:
            figures.append(Figure(achieved=False, note=f"{DEMO}：创建工作推进中，尚未获批"))
    return figures


def _figures(
    indicator: Indicator, units: list[Unit], periods: list[Period], seed: int
) -> dict[str, list[Figure]]:
    """The figures each reporting unit enters for the indicator, quarter by quarter."""
    n = len(periods)
    kind = indicator.kind
    if kind == Indicator.Kind.LEVEL:
        return _level(indicator, units, n, seed)
    if kind in (Indicator.Kind.CUMULATIVE, Indicator.Kind.INCREMENT):
        return _flow(indicator, units, n, seed)
    # Rates, relative values and milestones have one reporting unit (the lead unit's figure counts).
    if kind == Indicator.Kind.RATE:
        series = _rate(indicator, n, seed)
    elif kind == Indicator.Kind.RELATIVE:
        series = _relative(indicator, n, seed)
    else:
        series = _milestone(indicator, periods)
    return {u.code: series for u in units}


def _task_reports(task: Task, unit: Unit, n: int, seed: int) -> list[dict]:
    """Progress reports on one task by one unit: mostly 推进中, a few 滞后, some 已完成 near the end."""
    rng = _rng(seed, "task", task.code, unit.code)
    done_from = n - rng.choice((1, 2)) if rng.random() < 0.25 else n
    late_start = rng.random() < 0.1
    reports = []
    for q in range(n):
        action = rng.choice(ACTIONS).format(k=rng.randint(1, 3), m=rng.randint(5, 60))
        next_step = rng.choice(NEXT_STEPS)
        report = {
            "problems": "",
            "next_steps": f"{DEMO}：下季度{next_step}，确保{task.title}各项工作按期完成",
        }
        if q >= done_from:
            report["progress"] = TaskReport.Progress.DONE
            report["progress_text"] = f"{DEMO}：{task.title}各项工作已完成，本季度{action}，并完成总结评估"
            report["next_steps"] = f"{DEMO}：巩固工作成效，建立长效机制"
        elif q == 0 and late_start:
            report["progress"] = TaskReport.Progress.NOT_STARTED
            report["progress_text"] = f"{DEMO}：{task.title}正在制定实施方案，尚未启动"
        elif q > 0 and rng.random() < 0.06:
            report["progress"] = TaskReport.Progress.DELAYED
            report["progress_text"] = f"{DEMO}：{task.title}部分工作滞后于计划，本季度{action}"
            report["problems"] = f"{DEMO}：{rng.choice(PROBLEMS)}"
        else:
            report["progress"] = TaskReport.Progress.IN_PROGRESS
            report["progress_text"] = f"{DEMO}：{task.title}按计划推进，本季度{action}"
        reports.append(report)
    return reports


@dataclass
class Obligation:
    """One figure or task report a unit owes each quarter, with what it enters in each."""

    key: tuple[str, str, str]  # ("f" | "t", indicator or task code, unit code): stable across databases
    unit: Unit
    indicator: Indicator | None
    task: Task | None
    entries: list  # Figure per quarter, or task-report data per quarter


def _obligations(*, plan: WorkPlan, periods: list[Period], seed: int) -> list[Obligation]:
    units = list(Unit.objects.order_by("position", "code"))
    obligations = []
    for indicator in Indicator.objects.filter(plan=plan).prefetch_related("reporting_units"):
        reporting = sorted(indicator.reporting_units.all(), key=lambda u: (u.position, u.code))
        for code, entries in _figures(indicator, reporting, periods, seed).items():
            unit = next(u for u in reporting if u.code == code)
            obligations.append(Obligation(("f", indicator.code, code), unit, indicator, None, entries))
    for unit in units:
        for task in tasks_for_unit(unit=unit, plan=plan).order_by("kind", "position", "number"):
            entries = _task_reports(task, unit, len(periods), seed)
            obligations.append(Obligation(("t", task.code, unit.code), unit, None, task, entries))
    return obligations


def _weekdays(after: datetime.date, count: int) -> list[datetime.date]:
    days, day = [], after
    while len(days) < count:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            days.append(day)
    return days


def _submit_day(rng: random.Random, unit: Unit, period: Period) -> datetime.date:
    """Most units submit in the days after the quarter ends, by the due date; habitual latecomers a few days after."""
    if (unit.code in LATE_UNITS and rng.random() < 0.8) or rng.random() < 0.04:
        return rng.choice(_weekdays(period.due_date, 4))
    window = [d for d in _weekdays(period.end, 10) if d <= period.due_date] or [period.due_date]
    return rng.choice(window)


@contextmanager
def _on(day: datetime.date) -> Iterator[None]:
    """Stand the portal on `day`, so the services stamp their dates as if the work were done then."""
    with override_settings(PORTAL_TODAY=day.isoformat()):
        yield


def _users(units: list[Unit]) -> tuple[User, dict[int, User], int]:
    """The office user and a reporter per unit: the demo accounts, created as create_demo_users would if missing."""
    created = 0
    office = User.objects.filter(username=OFFICE_USERNAME).first()
    if office is None:
        office_unit = Unit.objects.filter(kind=Unit.Kind.OFFICE).order_by("position", "id").first()
        office = user_create(
            username=OFFICE_USERNAME,
            password=DEMO_PASSWORD,
            role=User.Role.OFFICE,
            unit=office_unit,
            first_name="领导小组办公室（演示）",
        )
        created += 1
    reporters = {}
    for unit in units:
        if unit.kind == Unit.Kind.OFFICE:
            reporters[unit.pk] = office
            continue
        user = User.objects.filter(username=unit.code).first()
        if user is None:
            user = user_create(
                username=unit.code,
                password=DEMO_PASSWORD,
                role=User.Role.REPORTER,
                unit=unit,
                first_name=f"{unit.name}填报员（演示）",
            )
            created += 1
        reporters[unit.pk] = user
    return office, reporters, created


def _baselines(*, plan: WorkPlan, office: User) -> int:
    """Set the baselines the office would have entered (only where none is set yet)."""
    changed = 0
    for code, (baseline, _start, _end) in RELATIVE_PATHS.items():
        indicator = Indicator.objects.filter(plan=plan, code=code, baseline_value__isnull=True).first()
        if baseline is None or indicator is None:
            continue
        indicator.baseline_value = Decimal(baseline)
        indicator._history_user = office
        indicator._change_reason = (
            f"{DEMO}：办公室按{indicator.baseline_date or '基线日期'}统计数据填写基线值"
        )
        indicator.full_clean()
        indicator.save(update_fields=["baseline_value"])
        changed += 1
    return changed


def _save(obligation: Obligation, user: User, period: Period, entry, version: int | None) -> ReportItem:
    if obligation.indicator:
        data = entry.data() if isinstance(entry, Figure) else entry
        return figure_save(
            user=user,
            unit=obligation.unit,
            period=period,
            indicator=obligation.indicator,
            data=data,
            expected_version=version,
        )
    return task_report_save(
        user=user,
        unit=obligation.unit,
        period=period,
        task=obligation.task,
        data=entry,
        expected_version=version,
    )


def _wrong_first(obligation: Obligation, entry):
    """What a unit first submits for an item the office returns: 万元 for 亿元, or a progress text too vague."""
    if obligation.indicator:
        return {**entry.data(), "value": entry.value * 10000}
    return {**entry, "progress_text": f"{DEMO}：按计划推进"}


def _corrected(obligation: Obligation, entry):
    if obligation.indicator:
        return {**entry.data(), "note": f"{DEMO}：已按亿元更正（原误填为万元）"}
    return {**entry, "note": f"{DEMO}：已按退回意见补充本季度工作进展"}


RETURN_REASONS = {
    "f": f"{DEMO}：质押金额应以亿元为单位填报，请核实后重新提交",
    "t": f"{DEMO}：工作进展过于笼统，请补充本季度具体工作和数据",
}
COUNT_NAMES = (
    "obligations", "submissions", "task_reports", "approved", "submitted", "returned", "draft", "missing",
    "returned_and_resubmitted", "on_time", "late", "evidence", "users_created", "baselines_set",
    "instructions", "instruction_replies",
)  # fmt: skip


def _choices(obligations: list[Obligation], n: int, seed: int) -> tuple[dict[int, tuple], set, set]:
    """Which items are returned (one a quarter, amounts and task reports in turn), and which of the last quarter
    are left missing or as drafts. Figures only among flows: a missing flow lowers a city sum a little, while a
    missing stock would drop a whole unit's stock from it."""
    rng = _rng(seed, "choices")
    kinds = (Indicator.Kind.CUMULATIVE, Indicator.Kind.INCREMENT)
    amounts = sorted(
        o.key for o in obligations if o.indicator and o.indicator.kind == Indicator.Kind.CUMULATIVE
    )
    flows = sorted(o.key for o in obligations if o.indicator and o.indicator.kind in kinds)
    tasks = sorted(o.key for o in obligations if o.task)
    # Figures in turn with task reports, ending on a figure (the last quarter's return is still with its unit).
    returns = {q: rng.choice(amounts if amounts and q % 2 == (n - 1) % 2 else tasks) for q in range(n)}
    last_flows = rng.sample([k for k in flows if k != returns[n - 1]], min(2, max(len(flows) - 1, 0)))
    last_tasks = rng.sample([k for k in tasks if k != returns[n - 1]], min(10, len(tasks)))
    missing = {*last_flows[:1], *last_tasks[:6]}
    drafts = {*last_flows[1:], *last_tasks[6:]}
    return returns, missing, drafts


def _quarter(
    *,
    q: int,
    last: bool,
    period: Period,
    units: list[Unit],
    by_unit: dict,
    office: User,
    reporters: dict,
    plan_choices: tuple[dict, set, set],
    seed: int,
) -> Counter:
    """One quarter: each unit saves and submits its sheet on its day; the office reviews it a few workdays later."""
    returns, missing, drafts = plan_choices
    counts: Counter = Counter()
    for unit in units:
        obligations = by_unit.get(unit.pk, [])
        if not obligations:
            continue
        rng = _rng(seed, "days", period.code, unit.code)
        submit_day = _submit_day(rng, unit, period)
        review_day = rng.choice(_weekdays(submit_day, 3))
        user = reporters[unit.pk]
        submitted = []
        with _on(submit_day):
            for obligation in obligations:
                if last and obligation.key in missing:
                    counts["missing"] += 1
                    continue
                entry = obligation.entries[q]
                first = _wrong_first(obligation, entry) if returns[q] == obligation.key else entry
                item = _save(obligation, user, period, first, None)
                if obligation.indicator and entry.achieved:
                    upload = SimpleUploadedFile(
                        f"{obligation.indicator.code}批复文件（{DEMO}）.pdf", DEMO_PDF
                    )
                    evidence_add(user=user, item=item, upload=upload)
                    counts["evidence"] += 1
                if last and obligation.key in drafts:
                    counts["draft"] += 1
                    continue
                item_submit(user=user, item=item)
                counts["late" if submit_day > period.due_date else "on_time"] += 1
                submitted.append((obligation, item))
        # In the last quarter the office has reviewed every figure, but not yet the late units' task reports.
        to_review = [(o, i) for o, i in submitted if not (last and o.task and submit_day > period.due_date)]
        counts["submitted"] += len(submitted) - len(to_review)
        returned = []
        with _on(review_day):
            for obligation, item in to_review:
                if returns[q] == obligation.key:
                    item_return(user=office, item=item, reason=RETURN_REASONS[obligation.key[0]])
                    returned.append((obligation, item))
                else:
                    item_approve(user=office, item=item)
                    counts["approved"] += 1
        if last:
            counts["returned"] += len(returned)
            continue
        resubmit_day = rng.choice(_weekdays(review_day, 2))
        for obligation, item in returned:
            with _on(resubmit_day):
                version = type(item).objects.values_list("version", flat=True).get(pk=item.pk)
                item = _save(obligation, user, period, _corrected(obligation, obligation.entries[q]), version)
                item_submit(user=user, item=item)
            with _on(rng.choice(_weekdays(resubmit_day, 2))):
                item_approve(user=office, item=item)
            counts["approved"] += 1
            counts["returned_and_resubmitted"] += 1
    return counts


# Instructions (批示): (indicator or task code, day written, by the leader?, text, quarter answered in or None, units
# that leave it unanswered). One on a lagging indicator answered by most units; one just written, still open.
INSTRUCTIONS = (
    (
        "1.5", datetime.date(2024, 10, 16), True,
        "版权登记数量增长明显慢于进度要求，请各地分析原因，提出加快推进的具体措施，随下季度报送答复。",
        "2024Q4", ("zhongjiang",),
    ),
    (
        "二(一)2", datetime.date(2025, 7, 14), False,
        "请各区（市、县）对照方案梳理本地知识产权政策落实情况，在填报表中说明进展和存在的困难。",
        None, (),
    ),
)  # fmt: skip
REPLIES = (
    "已召开专题会议分析原因，主要是作品登记宣传不到位；已组织进园区、进企业宣讲，预计下季度增速回升。",
    "已将作品登记纳入文化企业培育计划，安排专人跟踪，近期将开展集中登记辅导。",
    "已会同相关部门制定工作方案，正在逐户走访重点文化企业和高校。",
)


def _instructions(
    *, plan: WorkPlan, periods: list[Period], office: User, reporters: dict[int, User], seed: int
) -> dict[str, int]:
    """A leader's instruction on a lagging indicator, answered on the next sheet by all units but one, and an
    office instruction on a task written just before the demo's today, not answered yet."""
    leader = User.objects.filter(username=LEADER_USERNAME).first() or user_create(
        username=LEADER_USERNAME, password=DEMO_PASSWORD, role=User.Role.LEADER, first_name="市领导（演示）"
    )
    by_code = {f"{p.year}Q{p.quarter}": p for p in periods}
    written = answered = 0
    for code, day, by_leader, text, answer_in, silent in INSTRUCTIONS:
        subject = (
            {"indicator": Indicator.objects.get(plan=plan, code=code)}
            if code[0].isdigit()
            else {"task": next(t for t in Task.objects.filter(plan=plan) if t.code == code)}
        )
        with _on(day):
            instruction = instruction_create(
                user=leader if by_leader else office, text=f"{DEMO}：{text}", **subject
            )
        written += 1
        if answer_in is None:
            continue
        period = by_code[answer_in]
        for n, unit in enumerate(instruction.units.all()):
            if unit.code in silent:
                continue
            with _on(_submit_day(_rng(seed, "instruction", code, unit.code), unit, period)):
                instruction_reply(
                    user=reporters[unit.pk],
                    instruction=instruction,
                    unit=unit,
                    period=period,
                    text=f"{DEMO}：{REPLIES[n % len(REPLIES)]}",
                )
            answered += 1
    return {"instructions": written, "instruction_replies": answered}


@transaction.atomic
def demo_data_generate(*, plan: WorkPlan, seed: int = 2025) -> dict[str, int]:
    """Fill every quarter of the plan with demo data (演示数据) through the reporting services, the same for the same
    seed: figures planned from the targets so that indicators end met, slightly behind and clearly behind; task
    reports for every task obligation; submissions dated on (or, for some units, after) the due date; a few items
    returned and resubmitted; in the last quarter a few obligations missing, drafts, submitted or returned.
    All or nothing: a run that fails half-way leaves no partial plan behind (which would block a second run).

    Returns counts of what was written. Raises PermissionDenied outside DEMO_MODE and DemoDataExists (a
    ValidationError) when the plan already has figures or task reports."""
    if not settings.DEMO_MODE:
        raise PermissionDenied("演示数据只能在演示模式（DEMO_MODE）下生成")
    if (
        Submission.objects.filter(period__plan=plan).exists()
        or TaskReport.objects.filter(period__plan=plan).exists()
    ):
        raise DemoDataExists("该方案已有填报数据，演示数据未生成")
    periods = list(plan.periods.select_related("plan").order_by("year", "quarter"))
    obligations = _obligations(plan=plan, periods=periods, seed=seed)
    units = sorted({o.unit for o in obligations}, key=lambda u: (u.position, u.code))
    by_unit: dict[int, list[Obligation]] = {}
    for obligation in obligations:
        by_unit.setdefault(obligation.unit.pk, []).append(obligation)
    office, reporters, users_created = _users(units)
    baselines = _baselines(plan=plan, office=office)
    choices = _choices(obligations, len(periods), seed)
    counts = Counter(dict.fromkeys(COUNT_NAMES, 0))
    counts.update(users_created=users_created, baselines_set=baselines)
    for q, period in enumerate(periods):
        counts.update(
            _quarter(
                q=q,
                last=q == len(periods) - 1,
                period=period,
                units=units,
                by_unit=by_unit,
                office=office,
                reporters=reporters,
                plan_choices=choices,
                seed=seed,
            )
        )
    counts.update(_instructions(plan=plan, periods=periods, office=office, reporters=reporters, seed=seed))
    counts["obligations"] = len(obligations) * len(periods)
    counts["submissions"] = Submission.objects.filter(period__plan=plan).count()
    counts["task_reports"] = TaskReport.objects.filter(period__plan=plan).count()
    return dict(counts)
