"""The generated 实施情况评估（Excel） has CSV and JSON downloads of each of its three tables beside it (issue 19, item 3):
the cells its stored workbook holds (the document is a snapshot, never recomputed), each column under its JSON key,
for whoever may download the workbook and nobody else, audited as every download. Test data: the approved 1.1
figures and the formula-like names of tests/reports/test_exports.py on the Deyang fixture plan."""

import csv
import io
import json
import re

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reports.documents.evaluation_files import evaluation_tables
from reports.documents.services import document_request, document_write
from reports.models import Document
from reports.xlsx import Sheet, xlsx_book
from units.models import AuditEvent, Unit, User

from . import test_exports

reported, hostile_names = test_exports.reported, test_exports.hostile_names

pytestmark = pytest.mark.usefixtures("after_the_plan")

# The documented keys (reports/documents/evaluation_files.py), one per column of the sheet.
KEYS = {
    "indicators": [
        *("code", "name", "area_or_task", "kind", "uom", "target", "value", "completion_rate", "verdict"),
    ],
    "tasks": [
        *("code", "title", "units", "done_units", "in_progress_units", "delayed_units", "not_started_units"),
        *("missing_units", "completion"),
    ],
    "units": [
        *(
            "unit",
            "owed",
            "reported",
            "on_time",
            "late",
            "missing",
            "returned",
            "delayed_tasks",
            "completeness",
        ),
        *("timeliness", "indicators_reported", "indicators_met"),
    ],
}
SHEETS = {"indicators": "指标", "tasks": "任务", "units": "单位"}


@pytest.fixture
def workbook(reported, hostile_names, office_user) -> Document:
    """The evaluation workbook as the office's request and its job leave it."""
    document = document_request(user=office_user, plan=reported, kind=Document.Kind.EVALUATION_XLSX)
    document_write(document_id=document.pk)  # what the job runs
    document.refresh_from_db()
    assert document.state == Document.State.DONE
    return document


def stored_rows(document: Document, table: str) -> list[list]:
    """The cells of one sheet of the stored workbook, header row first."""
    with document.file.open("rb") as handle:
        book = openpyxl.load_workbook(io.BytesIO(handle.read()))
    return [list(row) for row in book[SHEETS[table]].iter_rows(values_only=True)]


def fetch(client, document: Document, fmt: str, table: str | None = None):
    params = {"export": fmt, **({"table": table} if table else {})}
    return client.get(reverse("reports:document_table_download", args=[document.pk]), params)


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


def as_in_csv(value) -> str:
    """How a CSV field writes a stored cell: empty, the number, the text (an apostrophe before a formula's start)."""
    if value is None:
        return ""
    if isinstance(value, int | float):
        return repr(value)
    return "'" + value if value.startswith(("=", "+", "-", "@")) else value


@pytest.mark.parametrize("table", list(SHEETS))
def test_the_csv_of_each_table_holds_the_stored_workbooks_cells(client, workbook, office_user, table):
    client.force_login(office_user)
    header, *rows = stored_rows(workbook, table)
    assert rows, "the case must have rows to compare"
    response = fetch(client, workbook, "csv", table)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"].endswith(".csv") and "attachment" in response["Content-Disposition"]
    )
    assert csv_rows(response) == [[as_in_csv(v) for v in row] for row in [header, *rows]]


@pytest.mark.parametrize("table", list(SHEETS))
def test_the_json_of_each_table_holds_the_stored_workbooks_cells_under_its_keys(
    client, workbook, office_user, table
):
    client.force_login(office_user)
    _header, *rows = stored_rows(workbook, table)
    response = fetch(client, workbook, "json", table)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    objects = json.loads(response.content)
    assert all(list(item) == KEYS[table] for item in objects)
    assert all(re.fullmatch(r"[a-z]+(_[a-z]+)*", key) for key in KEYS[table])
    values = [list(item.values()) for item in objects]
    assert values == rows
    # Numbers stay numbers (a 4 is not "4"), and so does every empty cell's null.
    assert [[type(v) for v in row] for row in values] == [[type(v) for v in row] for row in rows]


def test_rates_are_fractions_as_in_the_other_json_downloads(client, workbook, office_user):
    """The workbook shows 1.1's completion as a percentage (0.0%); the JSON holds the fraction the cell holds."""
    client.force_login(office_user)
    indicators = {i["code"]: i for i in json.loads(fetch(client, workbook, "json", "indicators").content)}
    one = indicators["1.1"]
    assert one["value"] == 81  # the city's: 旌阳区's 40 and 广汉市's 41 in 2025Q2
    assert isinstance(one["target"], int | float)
    assert one["completion_rate"] == pytest.approx(one["value"] / one["target"])
    assert 0 < one["completion_rate"] < 1 and one["name"] == "@SUM(1,2)"  # the name as typed (test data)
    with workbook.file.open("rb") as handle:
        sheet = openpyxl.load_workbook(io.BytesIO(handle.read()))["指标"]
    cell = next(row[7] for row in sheet.iter_rows(min_row=2) if row[0].value == "1.1")
    assert (cell.value, cell.number_format) == (one["completion_rate"], "0.0%")
    units = json.loads(fetch(client, workbook, "json", "units").content)
    assert any(0 < u["completeness"] < 1 for u in units)  # 旌阳区 reported some of what it owed


def test_the_tables_are_the_stored_snapshot_not_a_new_evaluation(client, workbook, office_user):
    Unit.objects.filter(code="guanghan").update(name="广汉市（改名后，测试数据）")
    client.force_login(office_user)
    units = [u["unit"] for u in json.loads(fetch(client, workbook, "json", "units").content)]
    assert "广汉市人民政府" in units and "广汉市（改名后，测试数据）" not in units


def test_without_table_the_first_is_downloaded(client, workbook, office_user):
    client.force_login(office_user)
    response = fetch(client, workbook, "csv")
    assert response.status_code == 200
    assert csv_rows(response)[0][:2] == ["编号", "指标"]
    assert "%E6%8C%87%E6%A0%87.csv" in response["Content-Disposition"]  # 实施情况评估-指标.csv


def test_a_csv_opened_in_excel_reads_the_chinese(client, workbook, office_user):
    """Excel takes a CSV for UTF-8 only when it starts with a BOM; without one the headers come out garbled."""
    client.force_login(office_user)
    content = fetch(client, workbook, "csv", "units").content
    assert content.startswith(b"\xef\xbb\xbf")
    assert content[3:].decode("utf-8").startswith("单位,应报,已报,按时,逾期,未报,退回次数")
    assert b"\r\n" in content


@pytest.mark.parametrize(
    ("table", "fmt"),
    [("nosuch", "csv"), ("nosuch", "json"), ("indicators", "xlsx"), ("indicators", "")],
    ids=["unknown-table-csv", "unknown-table-json", "xlsx", "no-format"],
)
def test_an_unknown_table_or_format_is_not_found(client, workbook, office_user, table, fmt):
    client.force_login(office_user)
    assert fetch(client, workbook, fmt, table).status_code == 404


def test_only_the_evaluation_workbook_has_table_downloads(client, reported, office_user):
    word = document_request(user=office_user, plan=reported, kind=Document.Kind.EVALUATION)
    document_write(document_id=word.pk)
    client.force_login(office_user)
    assert fetch(client, word, "csv", "indicators").status_code == 404


def test_a_workbook_not_yet_written_has_no_tables(client, reported, office_user):
    queued = document_request(user=office_user, plan=reported, kind=Document.Kind.EVALUATION_XLSX)
    client.force_login(office_user)
    assert fetch(client, queued, "json", "units").status_code == 404


def test_a_workbook_gone_from_storage_is_not_found(client, workbook, office_user):
    workbook.file.storage.delete(workbook.file.name)
    client.force_login(office_user)
    response = fetch(client, workbook, "csv", "indicators")
    assert response.status_code == 404 and "attachment" not in response.get("Content-Disposition", "")


def test_a_workbook_with_a_column_this_version_does_not_name_is_refused_with_what_to_do():
    book = xlsx_book(sheets=[Sheet(title="指标", headers=["编号", "旧的列（测试数据）"], rows=[["1.1", 3]])])
    with pytest.raises(ValidationError, match="请重新生成实施情况评估"):
        evaluation_tables(book)


@pytest.mark.parametrize("role", [r for r in User.Role.values if r != User.Role.OFFICE])
def test_whoever_may_not_download_the_workbook_cannot_download_its_tables(client, workbook, make_user, role):
    unit = "jingyang" if role in User.UNIT_ROLES else None
    user = make_user(f"x-{role}", role, unit)
    client.force_login(user)
    workbook_status = client.get(reverse("reports:document_download", args=[workbook.pk])).status_code
    for table in SHEETS:
        for fmt in ("csv", "json"):
            response = fetch(client, workbook, fmt, table)
            assert response.status_code == workbook_status, (role, table, fmt)
            if workbook_status != 200:
                assert "attachment" not in response.get("Content-Disposition", "")
    if role == User.Role.LEADER:
        assert workbook_status == 200  # leaders read the evaluation (documents_visible_to)
    else:
        assert workbook_status in (403, 404)


def test_a_download_is_audited_and_so_is_a_refusal(client, workbook, office_user, jingyang):
    client.force_login(office_user)
    fetch(client, workbook, "json", "tasks")
    download = AuditEvent.objects.filter(action="download", username=office_user.username).first()
    assert download is not None and "%E4%BB%BB%E5%8A%A1.json" in download.detail  # 实施情况评估-任务.json
    client.force_login(jingyang)
    assert fetch(client, workbook, "csv", "tasks").status_code == 404
    assert AuditEvent.objects.filter(action="denied", username=jingyang.username).exists()


def test_the_list_page_links_each_table_as_csv_and_json_in_chinese(client, workbook, office_user):
    client.force_login(office_user)
    page = client.get(reverse("reports:document_list")).content.decode()
    links = re.findall(r'<a href="([^"]*/table/\?[^"]*)">([^<]*)</a>', page)
    assert [text for _href, text in links] == [
        *("指标 CSV", "指标 JSON", "任务 CSV", "任务 JSON", "单位 CSV", "单位 JSON"),
    ]
    for href, _text in links:
        assert client.get(href.replace("&amp;", "&")).status_code == 200, href
