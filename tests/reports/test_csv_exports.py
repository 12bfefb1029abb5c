"""Every .xlsx download has a CSV and a JSON beside it (issue 19, item 3): the same rows for the same page and filter,
the same permission; CSV in UTF-8 with a BOM, Chinese headers, numbers plain and formula-like text neutralised; JSON
a list of objects under the documented keys, numbers as numbers, dates ISO."""

import csv
import datetime
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from reports.dashboards.task_board import task_board
from reports.xlsx import csv_bytes, csv_field, json_bytes
from units.models import Unit, User

from . import test_exports
from .factories import indicator
from .test_exports import EXPORTS, FORMULA

# The cases of the .xlsx tests: approved 1.1 figures, a review queue whose note is a formula, names that are formulas.
reported, hostile_names = test_exports.reported, test_exports.hostile_names

pytestmark = pytest.mark.usefixtures("after_the_plan")


def fetch(client, name: str, fmt: str, *, args=(), **params):
    response = client.get(reverse(name, args=args), {**params, "export": fmt})
    assert response.status_code == 200, response.status_code
    return response


def xlsx_tables(client, name: str, *, args=(), **params) -> list[list[list]]:
    book = openpyxl.load_workbook(io.BytesIO(fetch(client, name, "xlsx", args=args, **params).content))
    return [[list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets]


def csv_table(client, name: str, *, args=(), **params) -> list[list[str]]:
    response = fetch(client, name, "csv", args=args, **params)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].endswith(".csv")
    assert response.content.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 (the Chinese) only after a BOM
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


def json_table(client, name: str, *, args=(), **params) -> list[dict]:
    response = fetch(client, name, "json", args=args, **params)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].endswith(".json")
    return json.loads(response.content)


def same_in_csv(text: str, value) -> bool:
    """A CSV field against the .xlsx cell of the same place: empty for none, the number, the date or time (the .xlsx
    reads dates back as times), text as typed, with an apostrophe before text a spreadsheet would run."""
    if value is None:
        return text == ""
    if isinstance(
        value, int | float
    ):  # the .xlsx keeps 16 significant digits of a rate (0.0 reads back as 0)
        return float(text) == pytest.approx(value, rel=1e-15)
    if isinstance(value, datetime.datetime):
        return abs(datetime.datetime.fromisoformat(text) - value) < datetime.timedelta(seconds=1)
    return text == ("'" + value if value.startswith(("=", "+", "-", "@")) else value)


def same_in_json(item, value) -> bool:
    if isinstance(value, datetime.datetime):
        parsed = datetime.datetime.fromisoformat(item)
        parsed = timezone.make_naive(parsed) if timezone.is_aware(parsed) else parsed
        return abs(parsed - value) < datetime.timedelta(seconds=1)
    if isinstance(value, int | float):  # a number, not text that reads as one
        return isinstance(item, int | float) and item == pytest.approx(value, rel=1e-15)
    return item == value and type(item) is type(value)


def quarters(plan) -> list[str]:
    return [p.code for p in plan.periods.all()]


def keys_of(name: str, table: str, plan) -> list[str]:
    """The documented JSON keys (README, reports/dashboards/exports.py)."""
    if name == "reports:task_board":
        units, _rows = task_board(plan=plan)  # the page's columns: every unit with a task
        return ["code", "title", "delayed_units", *(f"unit_{unit.code}" for unit in units)]
    return {
        ("reports:indicator_table", ""): [
            *(
                "code",
                "name",
                "area",
                "kind",
                "value",
                "expected",
                "target",
                "status",
                "projected",
                "reported",
            ),
        ],
        ("reports:heatmap", "grid"): ["unit", *quarters(plan), "completeness", "timeliness"],
        ("reports:heatmap", "detail"): [
            *("unit", "quarter", "status", "owed", "reported", "on_time", "late", "due"),
        ],
        ("reports:league", ""): [
            *("rank", "unit", "timeliness", "completeness", "red_indicators", "returned", "delayed_tasks"),
        ],
        ("reports:review", "figures"): [
            *("plan", "unit", "period", "indicator_code", "indicator", "value", "uom", "note"),
            *("submitted_by", "submitted_at"),
        ],
        ("reports:review", "task_reports"): [
            *("plan", "unit", "period", "task_code", "task", "progress", "progress_text"),
            *("submitted_by", "submitted_at"),
        ],
        ("reports:indicator_progress", ""): ["unit", *quarters(plan)],
    }[(name, table)]


PAGES = [
    ("reports:indicator_table", "", 0),
    ("reports:heatmap", "grid", 0),
    ("reports:heatmap", "detail", 1),
    ("reports:task_board", "", 0),
    ("reports:league", "", 0),
    ("reports:review", "figures", 0),
    ("reports:review", "task_reports", 1),
    ("reports:indicator_progress", "", 0),
]


@pytest.mark.parametrize(("name", "table", "sheet"), PAGES, ids=[f"{n}-{t}" for n, t, _s in PAGES])
def test_csv_and_json_hold_the_rows_of_the_xlsx(
    client, reported, hostile_names, office_user, name, table, sheet
):
    client.force_login(office_user)
    args = [indicator(reported, "1.1").pk] if name == "reports:indicator_progress" else []
    params = {"period": "2025Q2", **({"table": table} if table else {})}
    header, *rows = xlsx_tables(client, name, args=args, period="2025Q2")[sheet]
    assert rows, "the case must have rows to compare"

    csv_header, *csv_rows = csv_table(client, name, args=args, **params)
    assert [(t, v) for t, v in zip(csv_header, header, strict=True) if not same_in_csv(t, v)] == []
    assert len(csv_rows) == len(rows)
    for csv_row, row in zip(csv_rows, rows, strict=True):
        assert [(t, v) for t, v in zip(csv_row, row, strict=True) if not same_in_csv(t, v)] == []

    objects = json_table(client, name, args=args, **params)
    keys = keys_of(name, table, reported)
    assert all(list(o) == keys for o in objects)
    for item, row in zip(objects, rows, strict=True):
        assert [(i, v) for i, v in zip(item.values(), row, strict=True) if not same_in_json(i, v)] == []


def test_the_review_queues_csv_and_json_by_hand(client, reported, office_user):
    """Two figures wait: 旌阳区 2.3 = 0.75 with a note that is a formula, 广汉市 2.3 = 1.25."""
    client.force_login(office_user)
    figures = json_table(client, "reports:review", table="figures")
    assert sorted((f["unit"], f["indicator_code"], f["value"], f["note"]) for f in figures) == [
        ("广汉市人民政府", "2.3", 1.25, "按合同金额统计"),
        ("旌阳区人民政府", "2.3", 0.75, FORMULA),  # JSON is data: the text as typed
    ]
    assert all(f["period"] == "2025年第二季度" and f["submitted_at"].endswith("+08:00") for f in figures)
    reports = json_table(client, "reports:review", table="task_reports")
    assert sorted((r["unit"], r["task_code"], r["progress"]) for r in reports) == [
        ("广汉市人民政府", "二(一)2", "推进中"),
        ("旌阳区人民政府", "二(一)2", "滞后"),
    ]
    raw = fetch(client, "reports:review", "csv").content.decode("utf-8-sig")
    assert f"'{FORMULA}" in raw.replace('""', '"')  # neutralised: a spreadsheet shows it, never runs it
    rows = {row[1]: row for row in csv.reader(io.StringIO(raw, newline=""))}
    assert rows["广汉市人民政府"][5:8] == ["1.25", "亿元", "按合同金额统计"]


def test_one_indicators_unit_figures_by_hand(client, reported, office_user):
    """1.1 was approved at 40 (旌阳区) and 41 (广汉市) in 2025Q1 and 2025Q2; every other quarter is empty."""
    client.force_login(office_user)
    objects = json_table(client, "reports:indicator_progress", args=[indicator(reported, "1.1").pk])
    by_unit = {o["unit"]: o for o in objects}
    for unit, value in (("旌阳区人民政府", 40), ("广汉市人民政府", 41)):
        filled = {key: v for key, v in by_unit[unit].items() if key != "unit" and v is not None}
        assert filled == {"2025Q1": value, "2025Q2": value}
    header, *rows = csv_table(client, "reports:indicator_progress", args=[indicator(reported, "1.1").pk])
    assert header[0] == "单位" and "2025年第二季度" in header
    jingyang = next(r for r in rows if r[0] == "旌阳区人民政府")
    assert jingyang[header.index("2025年第二季度")] == "40" and jingyang[header.index("2024年第一季度")] == ""


def test_csv_and_json_keep_the_pages_filter(client, reported, office_user):
    client.force_login(office_user)
    guanghan = Unit.objects.get(code="guanghan")
    for table in ("figures", "task_reports"):
        assert {o["unit"] for o in json_table(client, "reports:review", unit=guanghan.pk, table=table)} == {
            "广汉市人民政府"
        }
        _header, *rows = csv_table(client, "reports:review", unit=guanghan.pk, table=table)
        assert {r[1] for r in rows} == {"广汉市人民政府"}


def test_the_pages_link_their_csv_and_json_with_the_filter(client, reported, office_user):
    client.force_login(office_user)
    area = indicator(reported, "1.1").area
    page = client.get(
        reverse("reports:indicator_table"), {"period": "2025Q2", "area": area.pk}
    ).content.decode()
    for fmt in ("xlsx", "csv", "json"):
        assert f"period=2025Q2&amp;area={area.pk}&amp;export={fmt}" in page
    heatmap = client.get(reverse("reports:heatmap"), {"period": "2025Q2"}).content.decode()
    assert "export=csv&amp;table=detail" in heatmap and "export=json&amp;table=grid" in heatmap


@pytest.mark.parametrize("fmt", ["csv", "json"])
@pytest.mark.parametrize("name", EXPORTS)
def test_a_reporter_cannot_download_the_offices_tables(client, reported, jingyang, name, fmt):
    client.force_login(jingyang)
    assert client.get(reverse(name), {"export": fmt}).status_code == 403


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_reporter_cannot_download_an_indicators_unit_figures(client, reported, jingyang, fmt):
    client.force_login(jingyang)
    url = reverse("reports:indicator_progress", args=[indicator(reported, "1.1").pk])
    assert client.get(url, {"export": fmt}).status_code == 403


def test_a_leader_downloads_the_dashboards_but_not_the_review_queue(client, reported, make_user):
    client.force_login(make_user("leader-csv", User.Role.LEADER))
    for name in EXPORTS[:-1]:
        assert client.get(reverse(name), {"export": "json"}).status_code == 200, name
        assert client.get(reverse(name), {"export": "csv"}).status_code == 200, name
    assert client.get(reverse("reports:review"), {"export": "csv"}).status_code == 403


def test_an_unknown_table_is_not_found_and_an_unknown_format_is_the_page(client, reported, office_user):
    client.force_login(office_user)
    assert client.get(reverse("reports:heatmap"), {"export": "csv", "table": "nope"}).status_code == 404
    page = client.get(reverse("reports:heatmap"), {"export": "pdf"})
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")


# An Excel download in a template: a link (?…export=xlsx) or a form's button (name="export" value="xlsx").
EXCEL_LINK = re.compile(r'export=xlsx|name="export" value="xlsx"')


def test_every_excel_download_in_a_template_has_its_csv_and_json_beside_it():
    """Whatever page offers an .xlsx (through includes/_downloads.html or a link of its own) offers its CSV and JSON
    in the same template."""
    root = Path(settings.BASE_DIR) / "templates"
    offering = {
        path.relative_to(root).as_posix(): path.read_text(encoding="utf-8")
        for path in root.rglob("*.html")
        if EXCEL_LINK.search(path.read_text(encoding="utf-8"))
    }
    assert {"includes/_downloads.html", "reports/audit_log.html", "reports/indicator_progress.html"} <= set(
        offering
    )
    for name, text in offering.items():
        for fmt in ("csv", "json"):
            assert f"export={fmt}" in text or f'name="export" value="{fmt}"' in text, (name, fmt)


# --- the writers -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "field"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-3", "'-3"),  # text that looks like a negative number stays text
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("'=1+1", "''=1+1"),  # read back, one apostrophe goes: exactly what was stored
        ("a=b", "a=b"),
        ("旌阳区人民政府", "旌阳区人民政府"),
        (-5, "-5"),
        (Decimal("-2.50"), "-2.5"),
        (Decimal("60.0000"), "60"),
        (Decimal("12345678901234.5678"), "12345678901234.5678"),  # not rounded through a float
        (0.857, "0.857"),
        (Decimal("NaN"), ""),
        (None, ""),
        (datetime.date(2025, 7, 10), "2025-07-10"),
        (datetime.datetime(2025, 7, 10, 1, 15, tzinfo=datetime.UTC), "2025-07-10 09:15:00"),  # local time
    ],
)
def test_a_csv_field_is_plain_and_never_a_formula(value, field):
    assert csv_field(value) == field


def test_a_csv_file_quotes_commas_quotes_and_line_breaks():
    content = csv_bytes(headers=["单位", "说明"], rows=[["旌阳区", '含"高企",\n第二行']])
    assert content == '\ufeff单位,说明\r\n旌阳区,"含""高企"",\n第二行"\r\n'.encode()


def test_json_is_a_list_of_objects_with_numbers_dates_and_text_as_stored():
    when = datetime.datetime(2025, 7, 10, 1, 15, tzinfo=datetime.UTC)
    rows = [[FORMULA, Decimal("12345678901234.5678"), 3, None, datetime.date(2025, 7, 10), when]]
    content = json_bytes(keys=["unit", "value", "owed", "late", "due", "at"], rows=rows)
    assert json.loads(content) == [
        {
            "unit": FORMULA,
            "value": 12345678901234.5678,
            "owed": 3,
            "late": None,
            "due": "2025-07-10",
            "at": "2025-07-10T09:15:00+08:00",
        }
    ]
    assert b"12345678901234.5678" in content  # the number as stored, for a reader that keeps decimals
