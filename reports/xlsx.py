"""Workbooks people download (.xlsx): Chinese headers, numbers kept as numbers, formulas never run. The page
exports (reports.dashboards.exports), the evaluation and the audit log are written through here, row by row
(openpyxl's write-only mode: a row costs the same whether it is the 10th or the 50,000th); the sheet's template
(reports.workflow.excel.template) writes its cells through `set_cell`, the same rule for text."""

import datetime
import io
import itertools
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# Text starting with one of these is read as a formula (or, after a tab or carriage return, pasted as one) by
# Excel, WPS and LibreOffice when it is typed or edited: such text is written as text with Excel's quotePrefix, the
# mark Excel itself puts on text typed after an apostrophe ('=1+1): shown and read back as typed, never run.
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
    """A value as a cell holds it: numbers stay numbers (a Decimal too; not a number: empty), dates stay dates (an
    aware time in local time), text loses the control characters a file may not hold and is cut to Excel's limit.
    Write it with `set_cell` (or `xlsx_book`), which keeps text text."""
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
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))[:MAX_CELL_TEXT]


def set_cell(cell: Cell, value) -> Cell:
    """Put a value in a cell under the portal's one rule for every workbook it writes: `safe_cell`'s value; text
    always stays text (openpyxl would store "=…" as a formula and "#N/A" as an error), and text a spreadsheet would
    run as a formula (= + - @, tab, carriage return) carries quotePrefix, so it reads back as typed."""
    value = safe_cell(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    return cell


def _needs_cell(value) -> bool:
    """Whether a (safe_cell'd) value needs a cell of its own in a write-only row; openpyxl stores other values
    as they are."""
    return isinstance(value, str) and (value.startswith(FORMULA_STARTS) or value in ERROR_CODES)


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


# A write-only sheet fixes its column widths before its first row: they follow the header and the first rows.
WIDTH_SAMPLE = 1_000


def _widths(headers: Sequence, rows: Iterable[Sequence]) -> list[int]:
    widths = [_width(h) for h in headers]
    for row in rows:
        for i, raw in enumerate(row):
            width = 5 if isinstance(raw, Formatted) else _width(safe_cell(raw))
            if i < len(widths):
                widths[i] = max(widths[i], width)
            else:
                widths.append(width)
    return widths


def _row(ws, row: Sequence) -> list:
    """A row for a write-only sheet: plain values where openpyxl keeps them as they are, a cell where the rule or a
    number format needs one."""
    values = []
    for raw in row:
        value = safe_cell(raw.value if isinstance(raw, Formatted) else raw)
        if isinstance(raw, Formatted) and value is not None:
            cell = WriteOnlyCell(ws, value=value)
            cell.number_format = raw.number_format
            values.append(cell)
        elif _needs_cell(value):
            values.append(set_cell(WriteOnlyCell(ws), value))
        else:
            values.append(value)
    return values


def xlsx_book(*, sheets: Sequence[Sheet]) -> bytes:
    """A workbook of the given sheets, each written as its rows come (they may be a generator and are read once):
    a bold, frozen header row, every cell through set_cell's rule."""
    book = Workbook(write_only=True)
    taken: set[str] = set()
    for sheet in sheets:
        ws = book.create_sheet(_sheet_title(sheet.title, taken))
        rows = iter(sheet.rows)
        first = [list(row) for row in itertools.islice(rows, WIDTH_SAMPLE)]
        for i, width in enumerate(_widths(sheet.headers, first), 1):
            ws.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 6), 60)
        ws.freeze_panes = "A2"
        header = [set_cell(WriteOnlyCell(ws), h) for h in sheet.headers]
        for cell in header:
            cell.font = Font(bold=True)
        ws.append(header)
        for row in itertools.chain(first, rows):
            ws.append(_row(ws, row))
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
