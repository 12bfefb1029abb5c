"""Download what the page shows as .xlsx: Chinese headers, numbers kept as numbers, formulas never run.

Each dashboard view picks its rows with the same selectors as its page and hands them to one function here, so a
file never holds a row the page does not show.
"""

import datetime
import html
import io
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.safestring import SafeData
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Text starting with one of these is read as a formula (or, after a tab or carriage return, pasted as one) by
# Excel, WPS and LibreOffice: such text is written with a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL_TEXT = 32_767  # Excel's limit for one cell
SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Formatted:
    """A number shown in an Excel number format (a rate of 0.857 as 86%) that stays a number in the cell."""

    value: float | int | Decimal
    number_format: str


def percent_cell(value: float | None) -> Formatted | None:
    """A rate (0.857) as the page shows it (86%), kept a number; None (nothing due yet) as an empty cell."""
    return None if value is None else Formatted(value=value, number_format="0%")


def safe_cell(value):
    """A cell value a spreadsheet shows as typed: numbers stay numbers, dates stay dates, and text that would
    start a formula (= + - @, tab, carriage return) gets a leading apostrophe so it is never run."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, datetime.datetime):
        # Excel has no time zones: an aware time is written as the portal's local time (Asia/Shanghai).
        return timezone.make_naive(value) if timezone.is_aware(value) else value
    if isinstance(value, datetime.date):
        return value
    # Control characters are not allowed in the file: dropped (tab and carriage return are allowed, and escaped).
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))[: MAX_CELL_TEXT - 1]
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@dataclass(frozen=True)
class Sheet:
    title: str
    headers: Sequence
    rows: Iterable[Sequence]


def _sheet_title(title: str, taken: set[str]) -> str:
    base = SHEET_TITLE_FORBIDDEN.sub("", str(title)).strip("'")[:31] or "Sheet"
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base[: 31 - len(str(n)) - 1]}-{n}"
    taken.add(name)
    return name


def _width(value) -> int:
    """Roughly how many character widths a value takes (a Chinese character counts two)."""
    if isinstance(value, datetime.datetime):
        return 17
    if isinstance(value, datetime.date):
        return 11
    text = str(value) if value is not None else ""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def xlsx_book(*, sheets: Sequence[Sheet]) -> bytes:
    """A workbook of the given sheets: a bold, frozen header row, every cell through safe_cell."""
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    for sheet in sheets:
        ws = book.create_sheet(_sheet_title(sheet.title, taken))
        ws.append([safe_cell(h) for h in sheet.headers])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        widths = [_width(cell.value) for cell in ws[1]]
        for row in sheet.rows:
            values = list(row)
            ws.append([safe_cell(v.value if isinstance(v, Formatted) else v) for v in values])
            for i, (raw, cell) in enumerate(zip(values, ws[ws.max_row], strict=False)):
                if isinstance(raw, Formatted) and cell.value is not None:
                    cell.number_format = raw.number_format
                width = 5 if isinstance(raw, Formatted) else _width(cell.value)
                if i < len(widths):
                    widths[i] = max(widths[i], width)
                else:
                    widths.append(width)
        for i, width in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 6), 60)
        ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_book_response(*, filename: str, sheets: Sequence[Sheet]) -> HttpResponse:
    response = HttpResponse(xlsx_book(sheets=sheets), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def xlsx_response(
    *, filename: str, title: str, headers: Sequence[str], rows: Iterable[Sequence]
) -> HttpResponse:
    """One sheet as a download; the filename may be Chinese."""
    return xlsx_book_response(filename=filename, sheets=[Sheet(title=title, headers=headers, rows=rows)])


def table_xlsx(*, table, filename: str, title: str) -> HttpResponse:
    """A django-tables2 table as the user sees it (its visible columns and rows, filters applied): a cell its
    column renders as HTML (a link, a coloured label) is written as its text, an empty cell as the column's own
    default where it declares one (领域 of a task's indicator reads 任务, as on the page)."""
    values = list(table.as_values())
    defaults = [_own_default(table, column) for column in table.columns]
    rows = (
        [_table_text(value, default) for value, default in zip(row, defaults, strict=True)]
        for row in values[1:]
    )
    return xlsx_response(filename=filename, title=title, headers=values[0], rows=rows)


def _own_default(table, column):
    default = column.column.default
    return None if default is None or default == table.default else default


def _table_text(value, default):
    if value is None:
        return default
    if isinstance(value, SafeData):  # rendered HTML: its text, entities decoded (&amp; → &)
        return html.unescape(strip_tags(value))
    return value


# --- the dashboards' tables, row for row as their pages show them --------------------------------------------------


def heatmap_xlsx(*, data) -> HttpResponse:
    """报送情况: units × quarters as on the page (each cell its state and reported/owed, the rates as numbers), the
    city's rates per quarter under them, and a second sheet with every cell's counts as numbers."""
    codes = [p.code for p in data.periods]
    grid = [
        [unit.name, *[f"{c.label} {c.reported}/{c.owed}" for c in cells], *_rates(rates)]
        for unit, cells, rates in data.rows
    ]
    grid.append(
        [
            "全市完整率",
            *[percent_cell(r.completeness) for r in data.period_rates],
            *_rates(data.total)[:1],
            None,
        ]
    )
    grid.append(
        [
            "全市及时率",
            *[percent_cell(r.timeliness) for r in data.period_rates],
            None,
            *_rates(data.total)[1:],
        ]
    )
    detail = [
        [unit.name, code, c.label, c.owed, c.reported, c.on_time, c.late, c.due]
        for unit, cells, _unit_rates in data.rows
        for code, c in zip(codes, cells, strict=True)
    ]
    return xlsx_book_response(
        filename="报送情况.xlsx",
        sheets=[
            Sheet(title="报送情况", headers=["单位", *codes, "完整率", "及时率"], rows=grid),
            Sheet(
                title="明细",
                headers=["单位", "季度", "状态", "应报", "已报", "按时", "逾期", "报送截止"],
                rows=detail,
            ),
        ],
    )


def _rates(rates) -> list:
    return [percent_cell(rates.completeness), percent_cell(rates.timeliness)]


def task_board_xlsx(*, units: list, rows: list) -> HttpResponse:
    """任务推进: each task with how many units are behind, and each responsible unit's latest progress
    (未报 when it has not reported; blank when the task is not the unit's)."""
    return xlsx_response(
        filename="任务推进情况.xlsx",
        title="任务推进情况",
        headers=["编号", "任务", "滞后单位数", *[u.name for u in units]],
        rows=[[r.task.code, r.task.title, r.delayed, *[_progress(r.cells, u) for u in units]] for r in rows],
    )


def _progress(cells: dict, unit) -> str | None:
    if unit.pk not in cells:
        return None
    report = cells[unit.pk]
    return report.get_progress_display() if report else "未报"


def league_xlsx(*, rows: list, period) -> HttpResponse:
    """单位排名 in the page's order, rates as numbers shown as percentages."""
    return xlsx_response(
        filename=f"单位排名-{period.code}.xlsx",
        title=f"单位排名{period.code}",
        headers=["名次", "单位", "及时率", "完整率", "滞后指标", "被退回次数", "滞后任务"],
        rows=[
            [
                i,
                r.unit.name,
                percent_cell(r.rates.timeliness),
                percent_cell(r.rates.completeness),
                r.red_indicators,
                r.returned,
                r.delayed_tasks,
            ]
            for i, r in enumerate(rows, 1)
        ],
    )


def review_queue_xlsx(*, figures: Iterable, task_reports: Iterable) -> HttpResponse:
    """审核: the submitted figures and task reports waiting for review, one sheet each, filters applied."""
    figure_rows = [
        [
            s.unit.name,
            s.period.code,
            s.indicator.code,
            s.indicator.name,
            (
                {True: "已达成", False: "未达成"}.get(s.achieved)
                if s.indicator.kind == "milestone"
                else s.value
            ),
            "" if s.indicator.kind == "milestone" else s.indicator.uom,
            s.note,
            str(s.submitted_by) if s.submitted_by else None,
            s.submitted_at,
        ]
        for s in figures
    ]
    report_rows = [
        [
            r.unit.name,
            r.period.code,
            r.task.code,
            r.task.title,
            r.get_progress_display(),
            r.progress_text,
            str(r.submitted_by) if r.submitted_by else None,
            r.submitted_at,
        ]
        for r in task_reports
    ]
    return xlsx_book_response(
        filename="待审核.xlsx",
        sheets=[
            Sheet(
                title="待审核的指标数据",
                headers=[
                    "单位",
                    "季度",
                    "指标编号",
                    "指标",
                    "数值",
                    "计量单位",
                    "说明",
                    "提交人",
                    "提交时间",
                ],
                rows=figure_rows,
            ),
            Sheet(
                title="待审核的任务进展",
                headers=["单位", "季度", "任务编号", "任务", "进展状态", "工作进展", "提交人", "提交时间"],
                rows=report_rows,
            ),
        ],
    )
