"""Download what the page shows as .xlsx: Chinese headers, numbers kept as numbers, formulas never run."""

from collections.abc import Iterable, Sequence
from decimal import Decimal
from urllib.parse import quote

import tablib
from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A cell value a spreadsheet shows as typed: numbers stay numbers; text that would start a formula is escaped."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, int | float) or value is None:
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def xlsx_response(
    *, filename: str, title: str, headers: Sequence[str], rows: Iterable[Sequence]
) -> HttpResponse:
    dataset = tablib.Dataset(headers=list(headers), title=title[:31])
    for row in rows:
        dataset.append([safe_cell(v) for v in row])
    response = HttpResponse(dataset.export("xlsx"), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def table_xlsx(*, table, filename: str, title: str) -> HttpResponse:
    """A django-tables2 table as the user sees it (its visible columns and rows, filters applied)."""
    values = list(table.as_values())
    return xlsx_response(filename=filename, title=title, headers=values[0], rows=values[1:])
