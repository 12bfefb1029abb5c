"""The progress engine: where an indicator stands against its target and its expected path.

Plain functions on plain values (no database), one rule each, so every kind × direction is unit-tested.
Inputs are the city values per quarter that the rollup produced:
- level, relative: the stock or value at quarter end;
- cumulative, increment: the flow of the quarter (this quarter's amount, this quarter's additions);
- rate: the quarter's rate in %, from summed numerators/denominators where the indicator has them;
- milestone: achieved or not (value 1 or 0) with the date.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from targets.display import fmt

LEVEL, CUMULATIVE, INCREMENT, RATE, RELATIVE, MILESTONE = (
    "level", "cumulative", "increment", "rate", "relative", "milestone",
)  # fmt: skip
FLOW_KINDS = (CUMULATIVE, INCREMENT)


class ProgressStatus:
    MET = "met"  # 达标: the target is met
    ON_TRACK = "on_track"  # 正常: at or ahead of the expected path
    WARNING = "warning"  # 预警
    LAGGING = "lagging"  # 滞后
    NO_DATA = "no_data"  # 未报: no approved figure yet
    NO_BASELINE = "no_baseline"  # 基线缺失: relative target without its baseline

    LABELS = {
        MET: "达标",
        ON_TRACK: "正常",
        WARNING: "预警",
        LAGGING: "滞后",
        NO_DATA: "未报",
        NO_BASELINE: "基线缺失",
    }
    COLOURS = {
        MET: "green",
        ON_TRACK: "green",
        WARNING: "amber",
        LAGGING: "red",
        NO_DATA: "grey",
        NO_BASELINE: "grey",
    }


@dataclass(frozen=True)
class Thresholds:
    """Per plan: how far behind the expected path is still only a warning."""

    amber_ratio: Decimal = Decimal(
        "0.85"
    )  # progress below 100% but at least 85% of the expected progress → 预警
    rate_amber_points: Decimal = Decimal("5")  # a rate within 5 points below its threshold → 预警


@dataclass(frozen=True)
class Target:
    kind: str
    direction: str  # "increase" | "decrease"
    comparison: str  # ">=" | ">" | "=" | "<="
    target_value: Decimal | None
    factor: Decimal | None
    baseline_value: Decimal | None
    start: datetime.date  # plan start
    target_date: datetime.date
    milestones: tuple[tuple[datetime.date, Decimal], ...] = ()  # office-set yearly waypoints


@dataclass(frozen=True)
class Point:
    """One quarter's city figure (None when nothing approved for that quarter)."""

    end: datetime.date  # the quarter's last day
    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    achieved_on: datetime.date | None = None


@dataclass(slots=True)
class Progress:
    status: str
    value: Decimal | None = None  # the value that counts at this quarter
    expected: Decimal | None = None
    target: Decimal | None = None
    projected_end: Decimal | None = None
    projected_met: datetime.date | None = None  # quarter end when the target would be met on the recent trend
    formula: str = ""
    series: list[tuple[datetime.date, Decimal | None, Decimal | None]] = field(default_factory=list)

    @property
    def label(self) -> str:
        return ProgressStatus.LABELS[self.status]

    @property
    def colour(self) -> str:
        return ProgressStatus.COLOURS[self.status]


def _q(value: Decimal | None, places: str = "0.01") -> Decimal | None:
    return None if value is None else value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def effective_target(target: Target) -> Decimal | None:
    """The number to reach: the stated target, or baseline × factor for a relative one (None without baseline)."""
    if target.kind == RELATIVE:
        if target.baseline_value is None or target.factor is None:
            return target.target_value
        return target.baseline_value * target.factor
    return target.target_value


def counted_values(kind: str, points: list[Point]) -> list[Decimal | None]:
    """The value that counts at each quarter: running sums of flows for cumulative/increment (never summed twice:
    a quarter with no figure adds nothing), the latest stock or rate otherwise."""
    counted: list[Decimal | None] = []
    if kind in FLOW_KINDS:
        total, seen = Decimal(0), False
        for point in points:
            if point.value is not None:
                total, seen = total + point.value, True
            counted.append(total if seen else None)
        return counted
    latest = None
    for point in points:
        if point.value is not None:
            latest = point.value
        counted.append(latest)
    return counted


def start_value(target: Target, points: list[Point]) -> Decimal | None:
    """Where the expected path starts: 0 for flows, else the baseline, else the first reported figure."""
    if target.kind in FLOW_KINDS:
        return Decimal(0)
    if target.baseline_value is not None:
        return target.baseline_value
    return next((p.value for p in points if p.value is not None), None)


def expected_at(target: Target, day: datetime.date, start: Decimal | None) -> Decimal | None:
    """The value expected on `day` on the straight path start → target (through the office's milestones)."""
    goal = effective_target(target)
    if goal is None or start is None:
        return None
    nodes = [(target.start, start), *sorted(target.milestones), (target.target_date, goal)]
    if day <= nodes[0][0]:
        return start
    for (d0, v0), (d1, v1) in zip(nodes, nodes[1:], strict=False):
        if day <= d1:
            span = (d1 - d0).days or 1
            return v0 + (v1 - v0) * Decimal((day - d0).days) / Decimal(span)
    return goal


def meets(value: Decimal, goal: Decimal, comparison: str) -> bool:
    return {
        ">=": value >= goal,
        ">": value > goal,
        "=": value == goal,
        "<=": value <= goal,
    }[comparison]


def _trend(dates: list[datetime.date], values: list[Decimal]) -> tuple[Decimal, Decimal] | None:
    """Least-squares slope per day and intercept through the recent points (at least two)."""
    if len(values) < 2:
        return None
    xs = [Decimal((d - dates[0]).days) for d in dates]
    n = Decimal(len(xs))
    mean_x, mean_y = sum(xs) / n, sum(values) / n
    denominator = sum((x - mean_x) ** 2 for x in xs)
    if denominator == 0:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, values, strict=True)) / denominator
    return slope, mean_y - slope * mean_x


def project(
    target: Target, points: list[Point], counted: list[Decimal | None], quarter_ends: list[datetime.date]
) -> tuple[Decimal | None, datetime.date | None]:
    """The value at the target date on the trend of the last four reported quarters, and the first quarter end
    (reported or future) at which that trend meets the target."""
    recent = [
        (p.end, v) for p, v in zip(points, counted, strict=True) if p.value is not None and v is not None
    ][-4:]
    fit = _trend([d for d, _ in recent], [v for _, v in recent])
    goal = effective_target(target)
    if fit is None:
        return None, None
    slope, intercept = fit
    origin = recent[0][0]

    def at(day: datetime.date) -> Decimal:
        # A trend cannot take a figure where it cannot go: below zero, or a rate past 100%.
        value = max(intercept + slope * Decimal((day - origin).days), Decimal(0))
        return min(value, Decimal(100)) if target.kind == RATE else value

    projected = at(target.target_date)
    met = None
    if goal is not None:
        for end in quarter_ends:
            if end >= recent[-1][0] and meets(at(end), goal, target.comparison):
                met = end
                break
    return projected, met


def progress_at(
    target: Target,
    points: list[Point],
    index: int,
    *,
    thresholds: Thresholds = Thresholds(),
    quarter_ends: list[datetime.date] | None = None,
    series: bool = True,
) -> Progress:
    """Where the indicator stands at quarter `index` of `points` (points cover the plan's quarters in order). With
    `series=False` the quarterly series (actual and expected, for the chart) is left empty: it is half the work."""
    points_so_far = points[: index + 1]
    day = points[index].end
    counted = counted_values(target.kind, points_so_far)
    value = counted[-1]
    goal = effective_target(target)
    result = Progress(status=ProgressStatus.NO_DATA, value=value, target=goal)
    start = start_value(target, points_so_far)
    if series:
        result.series = [
            (p.end, v, _q(expected_at(target, p.end, start)) if target.kind != MILESTONE else None)
            for p, v in zip(points_so_far, counted, strict=True)
        ]

    if target.kind == RELATIVE and goal is None:
        result.status = ProgressStatus.NO_BASELINE
        result.formula = f"目标 = 基线 × {fmt(target.factor)}，基线值尚未填写"
        return result
    if target.kind == MILESTONE:
        return _milestone(target, points_so_far, day, result)
    if value is None:
        return result

    result.expected = _q(expected_at(target, day, start))
    result.formula = _formula(target, points_so_far, counted, value, goal)
    if day >= target.target_date:
        # Nothing is left to project at or after the target date: the actual value is the end value.
        result.projected_end, result.projected_met = _q(value), None
    else:
        result.projected_end, result.projected_met = project(
            target, points_so_far, counted, quarter_ends or []
        )
        result.projected_end = _q(result.projected_end)

    # A target once met stays met (a stock reached, a sum that cannot fall back); a rate must meet it now.
    ever_met = goal is not None and any(v is not None and meets(v, goal, target.comparison) for v in counted)
    if ever_met and (target.kind != RATE or meets(value, goal, target.comparison)):
        result.status = ProgressStatus.MET
        return result
    if target.kind == RATE:
        result.status = _rate_status(value, goal, target, thresholds)
        return result
    result.status = _path_status(value, result.expected, start, target.direction, thresholds)
    return result


def _path_status(
    value: Decimal, expected: Decimal | None, start: Decimal | None, direction: str, thresholds: Thresholds
) -> str:
    if expected is None or start is None:
        return ProgressStatus.NO_DATA
    gained = (value - start) if direction == "increase" else (start - value)
    due = (expected - start) if direction == "increase" else (start - expected)
    if due <= 0:
        return ProgressStatus.ON_TRACK if gained >= 0 else ProgressStatus.WARNING
    ratio = gained / due
    if ratio >= 1:
        return ProgressStatus.ON_TRACK
    if ratio >= thresholds.amber_ratio:
        return ProgressStatus.WARNING
    return ProgressStatus.LAGGING


def _rate_status(value: Decimal, goal: Decimal | None, target: Target, thresholds: Thresholds) -> str:
    if goal is None:
        return ProgressStatus.NO_DATA
    if meets(value, goal, target.comparison):
        return ProgressStatus.MET
    gap = (goal - value) if target.direction == "increase" else (value - goal)
    return ProgressStatus.WARNING if gap <= thresholds.rate_amber_points else ProgressStatus.LAGGING


def _milestone(target: Target, points: list[Point], day: datetime.date, result: Progress) -> Progress:
    achieved = next((p for p in points if p.value is not None and p.value > 0), None)
    reported = any(p.value is not None for p in points)
    result.target = Decimal(1)
    if achieved:
        result.value, result.status = Decimal(1), ProgressStatus.MET
        result.formula = f"已达成（{achieved.achieved_on or achieved.end:%Y-%m-%d}）"
        return result
    if not reported:
        return result
    result.value = Decimal(0)
    remaining = (target.target_date - day).days
    result.status = (
        ProgressStatus.LAGGING
        if remaining <= 0
        else ProgressStatus.WARNING
        if remaining <= 365
        else ProgressStatus.ON_TRACK
    )
    result.formula = f"尚未达成，距目标日期{remaining}天" if remaining > 0 else "尚未达成，已到目标日期"
    return result


def _formula(target: Target, points: list[Point], counted: list, value: Decimal, goal: Decimal | None) -> str:
    if target.kind in FLOW_KINDS:
        flows = [fmt(p.value) for p in points if p.value is not None]
        shown = (
            " + ".join(flows)
            if len(flows) <= 6
            else f"{' + '.join(flows[:2])} + … + {flows[-1]}（{len(flows)}个季度）"
        )
        return f"{fmt(value)} = {shown}"
    last = next(p for p in reversed(points) if p.value is not None)
    if target.kind == RATE and last.numerator is not None and last.denominator:
        return f"{fmt(value)}% = {fmt(last.numerator)} / {fmt(last.denominator)}"
    if target.kind == RELATIVE and goal is not None:
        return (
            f"目标 {fmt(goal)} = 基线 {fmt(target.baseline_value)} × {fmt(target.factor)}；当前 {fmt(value)}"
        )
    return f"{fmt(value)}（{last.end:%Y-%m-%d}季末）"
