"""Tables people download: .xlsx (Chinese headers, numbers kept as numbers, formulas never run), and the same rows as
.csv or .json. The page exports (reports.dashboards.exports), the evaluation and the audit log are written through
here, row by row (openpyxl's write-only mode: a row costs the same whether it is the 10th or the 50,000th); the
sheet's template (reports.workflow.excel.template) writes its cells through `set_cell`, the same rule for text, and
its CSV through `csv_bytes`.

One table (a `Sheet`: headers, rows and the JSON's keys), three writers: `xlsx_book`, `csv_bytes` (UTF-8 with a BOM
so Excel reads the Chinese, CRLF, the Chinese header row, numbers as plain numbers, text a spreadsheet would run as a
formula after an apostrophe) and `json_bytes` (a list of objects, one per row, keyed by `Sheet.keys`; numbers as
numbers, dates and times in ISO 8601, text as stored). `download_response` picks the writer for ?export=."""

import csv
import datetime
import io
import itertools
import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
JSON = "application/json; charset=utf-8"
FORMATS = ("xlsx", "csv", "json")  # what ?export= may ask for


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
    """One table of a download. `keys` name its columns in the JSON (stable machine names: English snake_case, a
    quarter's code, unit_ and a unit's code), one per header; `name` is how ?table= picks it for CSV and JSON."""

    title: str
    headers: Sequence
    rows: Iterable[Sequence]
    keys: Sequence[str] = ()
    name: str = ""


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


def _attachment(content: bytes, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def xlsx_book_response(*, filename: str, sheets: Sequence[Sheet]) -> HttpResponse:
    return _attachment(xlsx_book(sheets=sheets), content_type=XLSX, filename=filename)


def xlsx_response(
    *, filename: str, title: str, headers: Sequence[str], rows: Iterable[Sequence]
) -> HttpResponse:
    """One sheet as a download; the filename may be Chinese."""
    return xlsx_book_response(filename=filename, sheets=[Sheet(title=title, headers=headers, rows=rows)])


# --- CSV and JSON: the same rows ----------------------------------------------------------------------------------


def _plain(value):
    """A value for CSV or JSON: a number exactly as stored (a Decimal is not rounded through a float), a date, an aware
    time in local time, text without the control characters a file may not hold; not a number: None."""
    if isinstance(value, Formatted):
        value = value.value
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value) if timezone.is_aware(value) else value
    if value is None or isinstance(value, bool | int | float | datetime.date):
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def _decimal_text(value: Decimal) -> str:
    """60.0000 → "60", 1.2500 → "1.25", never an exponent."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def csv_field(value) -> str:
    """A value as a CSV field: a number plain ("-5", "1.25"), a date ISO ("2025-07-10", a time "2025-07-10 09:15:00"
    in local time), 是/否, and text as stored, except that text a spreadsheet would run as a formula (= + - @, tab,
    carriage return first) gets an apostrophe before it, so Excel or WPS opening the file shows it as text (text
    that already starts with apostrophes before such a character gets one more: reading one back, see
    `csv_unescaped`, gives exactly what was stored)."""
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return _decimal_text(value)
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=None).isoformat(sep=" ", timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return "'" + value if value.lstrip("'").startswith(FORMULA_STARTS) else value


def csv_unescaped(text: str) -> str:
    """A CSV field as `csv_field` wrote it, back to the stored text: the apostrophe before formula-like text goes."""
    return text[1:] if text.startswith("'") and text.lstrip("'").startswith(FORMULA_STARTS) else text


def csv_bytes(*, headers: Sequence, rows: Iterable[Sequence]) -> bytes:
    """One table as CSV: UTF-8 with a BOM (Excel then reads the Chinese), comma-separated, CRLF, quoted where a
    field holds a comma, a quote or a line break; the header row as given, every field through `csv_field`."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_field(h) for h in headers])
    writer.writerows([csv_field(v) for v in row] for row in rows)
    return out.getvalue().encode("utf-8")


def _json_value(value) -> str:
    value = _plain(value)
    if isinstance(value, Decimal):
        return _decimal_text(value)  # a JSON number, exact
    if isinstance(value, datetime.datetime | datetime.date):
        return json.dumps(value.isoformat())
    return json.dumps(value, ensure_ascii=False)


def json_bytes(*, keys: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """One table as JSON: a list of objects, one per row, its values under `keys` in column order."""
    encoded = [json.dumps(str(key), ensure_ascii=False) for key in keys]
    objects = (
        "{" + ", ".join(f"{key}: {_json_value(v)}" for key, v in zip(encoded, row, strict=True)) + "}"
        for row in rows
    )
    return ("[\n" + ",\n".join(objects) + "\n]\n").encode("utf-8")


def download_response(
    *, fmt: str, filename: str, sheets: Sequence[Sheet], table: str | None = None
) -> HttpResponse:
    """A download of `sheets` as `fmt` (one of FORMATS), named `filename` plus the extension. An .xlsx holds every
    sheet; a CSV or JSON one table: the sheet named `table`, else the first (raises Http404 for a name none has)."""
    if fmt == "xlsx":
        return xlsx_book_response(filename=f"{filename}.xlsx", sheets=sheets)
    sheet = sheets[0] if not table else next((s for s in sheets if s.name == table), None)
    if sheet is None:
        raise Http404(gettext("没有这个表"))
    name = filename if len(sheets) == 1 else f"{filename}-{sheet.title}"
    if fmt == "csv":
        return _attachment(
            csv_bytes(headers=sheet.headers, rows=sheet.rows), content_type=CSV, filename=f"{name}.csv"
        )
    if fmt != "json":
        raise ValueError(f"not a download format: {fmt}")
    if len(sheet.keys) != len(sheet.headers):
        raise ValueError(f"{sheet.title}: every column needs its JSON key")
    return _attachment(
        json_bytes(keys=sheet.keys, rows=sheet.rows), content_type=JSON, filename=f"{name}.json"
    )
