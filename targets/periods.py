"""Quarter arithmetic for the reporting calendar, and the portal's notion of "today"."""

import datetime

# The portal's clock (units.clock), re-exported: the reporting calendar's callers read "today" here.
from units.clock import portal_now, portal_today  # noqa: F401

QUARTER_NAMES = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}


def quarter_of(day: datetime.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    start = datetime.date(year, 3 * quarter - 2, 1)
    next_start = datetime.date(year + 1, 1, 1) if quarter == 4 else datetime.date(year, 3 * quarter + 1, 1)
    return start, next_start - datetime.timedelta(days=1)


def quarters_between(start: datetime.date, end: datetime.date) -> list[tuple[int, int]]:
    """Every quarter that overlaps [start, end], in order: 2022-07-01 … 2025-06-30 gives 2022Q3 … 2025Q2."""
    year, quarter = quarter_of(start)
    quarters = []
    while quarter_bounds(year, quarter)[0] <= end:
        quarters.append((year, quarter))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return quarters


def parse_period_code(code: str) -> tuple[int, int]:
    """'2023Q4' → (2023, 4). Raises ValueError on anything else."""
    year, sep, quarter = code.upper().partition("Q")
    if not sep or not year.isdigit() or quarter not in {"1", "2", "3", "4"}:
        raise ValueError(f"季度编号应形如 2023Q4，收到“{code}”")
    return int(year), int(quarter)
