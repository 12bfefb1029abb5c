"""Every workbook the portal writes (the page exports, the audit log, the evaluation, the sheet's template) is written
row by row (write-only, so a 50,000-row export costs the same per row as a 50-row one) under one rule for text: it
stays text (never a formula, never an error code), and text a spreadsheet would run as a formula is marked as
Excel marks typed text (quotePrefix: the apostrophe shows in the formula bar only), so it reads back as typed."""

import datetime
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from reports import xlsx as xlsx_module
from reports.documents.evaluation import plan_evaluation
from reports.documents.evaluation_files import evaluation_xlsx
from reports.models import Submission
from reports.workflow.drafts import figure_save, task_report_save
from reports.workflow.excel import SHEET_FIGURES, SHEET_TASKS, UNCHANGED, sheet_import, sheet_template_xlsx
from reports.workflow.services import item_submit
from reports.xlsx import FORMULA_STARTS, Formatted, Sheet, xlsx_book
from targets.models import Indicator
from tasks.models import Task
from units.audit import audit
from units.models import Unit, User

from .factories import indicator, period, task

FORMULA = '=HYPERLINK("http://example.invalid","点我")'
HOSTILE = {
    "unit": FORMULA,
    "indicator": "@SUM(1,2)",
    "task": "+SUM(A1:A9)",
    "note": "=SUM(A1)",
    "progress": "-1+2 项已完成",
}


def read(content: bytes, *, read_only: bool = False) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content), read_only=read_only)


def assert_text_kept_as_typed(content: bytes, expected: set[str]) -> None:
    """The rule, over a whole file: no formula anywhere, every text cell is text, the text that looks like a formula
    is marked quotePrefix, and the hostile text reads back exactly as it was typed."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert "<f>" not in archive.read(name).decode(), name
    texts = set()
    for sheet in read(content):
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    texts.add(cell.value)
                    assert cell.data_type == "s", (cell.coordinate, cell.value)
                    assert cell.quotePrefix == cell.value.startswith(FORMULA_STARTS), (
                        cell.coordinate,
                        cell.value,
                    )
    assert expected <= texts, expected - texts
    assert not any(text.startswith("'") for text in texts)  # no apostrophe added to the text itself


# --- the writer --------------------------------------------------------------------------------------------------


def test_text_that_looks_like_a_formula_stays_text_marked_as_typed_text():
    texts = ["=1+1", "+1", "-1+2", "@SUM(A1)", "\t=1+1", FORMULA, "-"]
    content = xlsx_book(sheets=[Sheet(title="测试", headers=[FORMULA, "说明"], rows=[texts])])
    assert_text_kept_as_typed(content, {*texts, FORMULA})
    read_back = list(read(content, read_only=True).active.iter_rows(values_only=True))
    assert list(read_back[1]) == texts


def test_text_like_an_error_code_or_a_number_stays_text():
    content = xlsx_book(
        sheets=[Sheet(title="测试", headers=["说明"], rows=[["#N/A"], ["#DIV/0!"], ["0012"]])]
    )
    cells = [row[0] for row in read(content).active.iter_rows(min_row=2)]
    assert [(c.value, c.data_type) for c in cells] == [("#N/A", "s"), ("#DIV/0!", "s"), ("0012", "s")]


def test_a_workbook_keeps_bold_headers_widths_a_frozen_header_numbers_dates_and_formats():
    local = datetime.datetime(2025, 7, 10, 9, 15)
    rows = [
        ["旌阳区人民政府", -5, Decimal("2.50"), datetime.date(2025, 7, 10), local, Formatted(0.857, "0%")],
        ["广汉市", None, Decimal("NaN"), None, None, Formatted(None, "0%")],
    ]
    headers = ["单位", "数", "小数", "日期", "时间", "完整率"]
    content = xlsx_book(sheets=[Sheet(title="报送/情况:2025[Q2]", headers=headers, rows=iter(rows))])
    book = read(content)
    assert book.sheetnames == ["报送情况2025Q2"]
    sheet = book.active
    assert [c.value for c in sheet[1]] == headers and all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    first, second = list(sheet.iter_rows(min_row=2, values_only=True))
    assert first == ("旌阳区人民政府", -5, 2.5, datetime.datetime(2025, 7, 10), local, 0.857)
    assert second == ("广汉市", None, None, None, None, None)
    assert sheet["F2"].number_format == "0%" and sheet["B2"].data_type == "n"
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDEF"}
    assert widths["A"] == 16  # 旌阳区人民政府: seven characters, two widths each, and a margin
    assert widths["E"] == 19 and widths["F"] == 8  # a time; a formatted number (its header, 完整率, is wider)


def test_sheet_titles_are_cut_to_excels_31_characters_and_kept_apart():
    long = "很长的工作表名称" * 5
    content = xlsx_book(
        sheets=[Sheet(title=long, headers=["甲"], rows=[]), Sheet(title=long, headers=["乙"], rows=[])]
    )
    first, second = read(content).sheetnames
    assert first == long[:31] and len(second) <= 31 and second.endswith("-2")


def test_a_workbook_is_written_row_by_row_not_held_in_memory(monkeypatch):
    """Streamed (openpyxl's write-only mode): rows go to the file as they come, so a 50,000-row audit export neither
    holds every cell nor re-reads the sheet's size for each row (what it costs is measured in `make bench`)."""
    made = []
    real = xlsx_module.Workbook

    def recording(*args, **kwargs):
        made.append(kwargs.get("write_only", False))
        return real(*args, **kwargs)

    monkeypatch.setattr(xlsx_module, "Workbook", recording)
    rows = ([n, f"说明{n}"] for n in range(3_000))
    content = xlsx_book(sheets=[Sheet(title="审计日志", headers=["序号", "说明"], rows=rows)])
    assert made == [True]
    assert read(content).active.max_row == 3_001


# --- the rule over every workbook the portal writes ---------------------------------------------------------------


@pytest.fixture
def hostile_names(plan):
    """A unit, an indicator and a task whose names a spreadsheet would run as formulas."""
    Unit.objects.filter(code="jingyang").update(name=HOSTILE["unit"])
    Indicator.objects.filter(pk=indicator(plan, "1.1").pk).update(name=HOSTILE["indicator"])
    Task.objects.filter(pk=task(plan, "二(一)2").pk).update(title=HOSTILE["task"])
    return plan


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("reports:indicator_table", {HOSTILE["indicator"]}),
        ("reports:heatmap", {HOSTILE["unit"]}),
        ("reports:task_board", {HOSTILE["unit"], HOSTILE["task"]}),
        ("reports:league", {HOSTILE["unit"]}),
        ("reports:review", {HOSTILE["unit"], HOSTILE["indicator"], HOSTILE["note"]}),
    ],
)
def test_the_page_exports_keep_formula_text_as_typed(
    client, hostile_names, after_the_plan, office_user, name, expected
):
    figure = figure_save(
        user=office_user,
        proxy_reason="代填（测试数据）",
        unit=Unit.objects.get(code="jingyang"),
        period=period(hostile_names, "2025Q2"),
        indicator=indicator(hostile_names, "1.1"),
        data={"value": Decimal("40"), "note": HOSTILE["note"]},
        expected_version=None,
    )
    item_submit(user=office_user, proxy_reason="代填（测试数据）", item=figure)
    client.force_login(office_user)
    response = client.get(reverse(name), {"period": "2025Q2", "export": "xlsx"})
    assert response.status_code == 200
    assert_text_kept_as_typed(response.content, expected)


def test_the_indicator_export_keeps_formula_text_as_typed(client, hostile_names, after_the_plan, office_user):
    client.force_login(office_user)
    url = reverse("reports:indicator_progress", args=[indicator(hostile_names, "1.1").pk])
    response = client.get(url, {"export": "xlsx"})
    assert_text_kept_as_typed(response.content, {HOSTILE["unit"]})


def test_the_audit_log_export_keeps_formula_text_as_typed(client, plan, make_user):
    auditor = make_user("auditor-x", User.Role.AUDITOR)
    audit(action="import", username="@attacker", detail=HOSTILE["note"], object_repr=FORMULA)
    client.force_login(auditor)
    response = client.get(reverse("reports:audit_log"), {"export": "xlsx"})
    assert response.status_code == 200
    assert_text_kept_as_typed(response.content, {"@attacker", HOSTILE["note"], FORMULA})


def test_the_evaluation_workbook_keeps_formula_text_as_typed(hostile_names, after_the_plan):
    content = evaluation_xlsx(plan_evaluation(plan=hostile_names))
    assert_text_kept_as_typed(content, {HOSTILE["unit"], HOSTILE["indicator"], HOSTILE["task"]})


# --- the sheet's template: written under the rule, and read back as typed -----------------------------------------


@pytest.fixture
def hostile_sheet(hostile_names, in_2024q1, jingyang):
    """旌阳区 (its name a formula) has saved a figure and a task report whose texts look like formulas."""
    q4 = period(hostile_names, "2023Q4")
    mine = {"user": jingyang, "unit": jingyang.unit, "period": q4, "expected_version": None}
    figure_save(
        indicator=indicator(hostile_names, "1.1"), data={"value": 60, "note": HOSTILE["note"]}, **mine
    )
    task_report_save(
        task=task(hostile_names, "二(一)2"),
        data={"progress": "in_progress", "progress_text": HOSTILE["progress"], "next_steps": "@各县"},
        **mine,
    )
    return sheet_template_xlsx(unit=Unit.objects.get(code="jingyang"), period=q4)


def test_the_sheet_template_keeps_formula_text_as_typed(hostile_sheet):
    assert_text_kept_as_typed(hostile_sheet, set(HOSTILE.values()) | {"@各县"})


def test_formula_text_in_the_template_reads_back_as_typed_and_so_changes_nothing(
    plan, hostile_sheet, jingyang
):
    q4 = period(plan, "2023Q4")
    result = sheet_import(user=jingyang, unit=jingyang.unit, period=q4, content=hostile_sheet, dry_run=True)
    assert not result.has_errors, result.error_messages
    assert {row.action for row in result.rows} == {UNCHANGED}
    assert {row.sheet for row in result.rows} == {SHEET_FIGURES, SHEET_TASKS}


def test_a_formula_note_survives_a_change_to_another_column_of_its_row(plan, hostile_sheet, jingyang):
    book = read(hostile_sheet)
    sheet = book[SHEET_FIGURES]
    headers = [cell.value for cell in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[headers.index("编号")].value == "1.1")
    row[headers.index("数值")].value = 61
    out = io.BytesIO()
    book.save(out)
    q4 = period(plan, "2023Q4")
    result = sheet_import(user=jingyang, unit=jingyang.unit, period=q4, content=out.getvalue(), dry_run=False)
    assert result.applied, result.error_messages
    changed = next(r for r in result.rows if r.code == "1.1")
    assert changed.changes == [("数值", "60", "61")]
    figure = Submission.objects.get(unit=jingyang.unit, indicator__code="1.1", period=q4)
    assert (figure.value, figure.note) == (61, HOSTILE["note"])
