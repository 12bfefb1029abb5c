"""Outliers as DHIS2 finds them: a figure far from the unit's own earlier quarters, or far from other units' figures
of the same indicator and quarter. Robust to the outliers themselves: the median and the median absolute deviation
(MAD), a modified z-score 0.6745·(x − median) / MAD beyond 3.5 (Iglewicz and Hoaglin). Pure functions."""

from dataclasses import dataclass
from decimal import Decimal
from statistics import median

from django.utils.translation import gettext as _

from targets.display import decimal_text

THRESHOLD = Decimal("3.5")  # |modified z| past this is an outlier
SCALE = Decimal("0.6745")  # the normal distribution's MAD as a share of its standard deviation
HISTORY_POINTS = 4  # earlier quarters needed before the unit's history says anything
PEER_POINTS = 5  # other units needed before the peers say anything
HISTORY_QUARTERS = 8  # how far back the unit's history is read


@dataclass(frozen=True)
class Outlier:
    method: str  # "history" (the unit's earlier quarters) or "peers" (other units, same quarter)
    median: Decimal
    low: Decimal  # the range a figure is expected in: median ± 3.5 · MAD / 0.6745
    high: Decimal
    points: int

    def message(self, uom: str) -> str:
        range_ = {"low": decimal_text(self.low), "high": decimal_text(self.high), "uom": uom}
        if self.method == "history":
            return _(
                "与本单位前%(n)d个季度的数值相比异常（中位数%(median)s%(uom)s，通常在%(low)s至%(high)s%(uom)s之间）"
            ) % {"n": self.points, "median": decimal_text(self.median), **range_}
        return _(
            "与其他%(n)d个单位同季度的数值相比异常（中位数%(median)s%(uom)s，通常在%(low)s至%(high)s%(uom)s之间）"
        ) % {"n": self.points, "median": decimal_text(self.median), **range_}


def outlier(
    value: Decimal | None, points: list[Decimal], *, method: str, minimum: int, log: bool = False
) -> Outlier | None:
    """The outlier verdict on `value` against `points`, None when it is not one or there are too few points. With
    `log`, on the logarithms of positive figures: units of different sizes (an urban district and a rural county)
    differ by a factor, not by an amount."""
    if log:
        points = [p for p in points if p > 0]
        if value is None or value <= 0:
            return None
    if value is None or len(points) < minimum:
        return None
    scale = (lambda x: x.ln()) if log else (lambda x: x)
    back = (lambda x: x.exp()) if log else (lambda x: x)
    xs, x = [scale(p) for p in points], scale(value)
    middle = Decimal(median(xs))
    mad = Decimal(median(abs(p - middle) for p in xs))
    if mad == 0:  # more than half the points equal: only what lies beyond all of them stands out
        low, high = min(points), max(points)
        if low == high or low <= value <= high:
            return None  # a series that never moved (0, 0, 0, 0) says nothing of its first change
        return Outlier(method, _rounded(back(middle)), low, high, len(points))
    z = SCALE * abs(x - middle) / mad
    if z <= THRESHOLD:
        return None
    spread = THRESHOLD * mad / SCALE
    return Outlier(
        method,
        _rounded(back(middle)),
        _rounded(back(middle - spread)),
        _rounded(back(middle + spread)),
        len(points),
    )


def _rounded(number: Decimal) -> Decimal:
    return number.quantize(Decimal("0.01"))


def figure_outliers(value: Decimal | None, *, history: list[Decimal], peers: list[Decimal]) -> list[Outlier]:
    """A figure's outliers against the unit's earlier quarters (oldest first, up to HISTORY_QUARTERS; as amounts)
    and against the other units' figures of the quarter (as factors)."""
    found = [
        outlier(value, history[-HISTORY_QUARTERS:], method="history", minimum=HISTORY_POINTS),
        outlier(value, peers, method="peers", minimum=PEER_POINTS, log=True),
    ]
    return [o for o in found if o is not None]
