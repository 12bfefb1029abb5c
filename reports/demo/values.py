"""The numbers of the demo data (演示数据), planned before anything is written: pure functions of the plan's targets
and a seed. Each series comes from its own `random.Random` keyed by codes, never by database ids, so two runs give
the same data; every text a person reads starts with 演示数据."""

import datetime
import random
from collections import Counter
from dataclasses import asdict, dataclass
from decimal import Decimal

from reports.models import TaskReport
from targets.models import Indicator, Period
from tasks.models import Task
from units.models import Unit

DEMO = "演示数据"


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


def seeded(seed: int, *parts: object) -> random.Random:
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
    rng = seeded(seed, "level", indicator.code)
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
    rng = seeded(seed, "flow", indicator.code)
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
    rng = seeded(seed, "rate", indicator.code)
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
    rng = seeded(seed, "relative", indicator.code)
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


def planned_figures(
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


def planned_task_reports(task: Task, unit: Unit, n: int, seed: int) -> list[dict]:
    """Progress reports on one task by one unit: mostly 推进中, a few 滞后, some 已完成 near the end."""
    rng = seeded(seed, "task", task.code, unit.code)
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
