"""Every dashboard table downloads as .xlsx: Chinese headers, the page's rows and no others, numbers as numbers,
and text that a spreadsheet would run as a formula escaped."""

import datetime
import io
import zipfile
from decimal import Decimal
from types import SimpleNamespace

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from reports.dashboards.tables import StandingTable
from reports.figures.rollup import rollup_rebuild_plan
from reports.workflow.drafts import figure_save, task_report_save
from reports.workflow.services import item_approve, item_submit
from reports.xlsx import XLSX, safe_cell, set_cell, xlsx_response
from targets.models import Indicator
from tasks.models import Task
from units.models import Unit, User

from .factories import indicator, period, task

pytestmark = pytest.mark.usefixtures("after_the_plan")

FORMULA = '=HYPERLINK("http://example.invalid","点我")'


def _figure(office, plan, unit_code: str, quarter: str, code: str, value: str, note: str = ""):
    figure = figure_save(
        user=office,
        proxy_reason="代填（测试数据）",
        unit=Unit.objects.get(code=unit_code),
        period=period(plan, quarter),
        indicator=indicator(plan, code),
        data={"value": Decimal(value), "note": note},
        expected_version=None,
    )
    item_submit(user=office, proxy_reason="代填（测试数据）", item=figure)
    return figure


def _task_report(office, plan, unit_code: str, quarter: str, progress: str):
    report = task_report_save(
        user=office,
        proxy_reason="代填（测试数据）",
        unit=Unit.objects.get(code=unit_code),
        period=period(plan, quarter),
        task=task(plan, "二(一)2"),
        data={"progress": progress, "progress_text": "推进", "problems": "资金"},
        expected_version=None,
    )
    item_submit(user=office, proxy_reason="代填（测试数据）", item=report)
    return report


@pytest.fixture
def reported(plan, office_user):
    """Approved 1.1 figures of two counties for two quarters; in the review queue: 旌阳区's 2.3 figure (its note
    looks like a formula), 广汉市's 2.3 figure, and both counties' task reports on 二(一)2 (旌阳区 behind)."""
    for quarter in ("2025Q1", "2025Q2"):
        for code, value in (("jingyang", "40"), ("guanghan", "41")):
            item_approve(user=office_user, item=_figure(office_user, plan, code, quarter, "1.1", value))
    _figure(office_user, plan, "jingyang", "2025Q2", "2.3", "0.75", note=FORMULA)
    _figure(office_user, plan, "guanghan", "2025Q2", "2.3", "1.25", note="按合同金额统计")
    _task_report(office_user, plan, "jingyang", "2025Q2", "delayed")
    _task_report(office_user, plan, "guanghan", "2025Q2", "in_progress")
    rollup_rebuild_plan(plan=plan)
    return plan


@pytest.fixture
def hostile_names(plan):
    """A unit, a task and an indicator whose names a spreadsheet would run as formulas."""
    Unit.objects.filter(code="jingyang").update(name=FORMULA)
    Task.objects.filter(pk=task(plan, "二(一)2").pk).update(title="+SUM(A1:A9)")
    Indicator.objects.filter(pk=indicator(plan, "1.1").pk).update(name="@SUM(1,2)")


def download(client, name: str, **params) -> openpyxl.Workbook:
    response = client.get(reverse(name), {**params, "export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    return openpyxl.load_workbook(io.BytesIO(response.content))


def cells(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows()]


def values(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


# --- safe_cell ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1+2", "@SUM(A1)", "\t=1+1", "\r=1+1", FORMULA, "-"])
def test_text_that_starts_a_formula_is_kept_as_typed_text_marked_quote_prefix(text):
    cell = set_cell(openpyxl.Workbook().active["A1"], text)
    assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)


@pytest.mark.parametrize("text", ["旌阳区人民政府", "1-2", "a=b", " =1", "2025Q2", ""])
def test_other_text_is_written_as_typed(text):
    assert safe_cell(text) == text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (-5, -5),
        (-2.5, -2.5),
        (0, 0),
        (Decimal("-2.50"), -2.5),
        (Decimal("3.0000"), 3),
        (Decimal("0.1"), 0.1),
        (Decimal("-7"), -7),
    ],
)
def test_numbers_stay_numbers_negative_ones_too(value, expected):
    result = safe_cell(value)
    assert result == expected
    assert type(result) is type(expected)


def test_decimal_that_is_not_a_number_is_an_empty_cell():
    assert safe_cell(Decimal("NaN")) is None
    assert safe_cell(float("inf")) is None


def test_none_is_an_empty_cell_and_booleans_stay_booleans():
    assert safe_cell(None) is None
    assert safe_cell(True) is True


def test_dates_stay_dates_and_aware_times_are_written_in_local_time():
    assert safe_cell(datetime.date(2025, 7, 10)) == datetime.date(2025, 7, 10)
    aware = datetime.datetime(2025, 7, 10, 2, 30, tzinfo=datetime.UTC)
    assert safe_cell(aware) == datetime.datetime(2025, 7, 10, 10, 30)  # Asia/Shanghai, naive for Excel
    naive = datetime.datetime(2025, 7, 10, 8, 0)
    assert safe_cell(naive) == naive


def test_control_characters_are_dropped_before_the_formula_check():
    cell = set_cell(openpyxl.Workbook().active["A1"], "\x07=1+1")
    assert (cell.value, cell.quotePrefix) == ("=1+1", True)
    assert safe_cell("第一\x0b行") == "第一行"


def test_a_written_file_holds_no_formula_and_keeps_numbers_and_dates():
    local = timezone.make_aware(datetime.datetime(2025, 7, 10, 9, 15))
    response = xlsx_response(
        filename="测试.xlsx",
        title="测试",
        headers=["单位", FORMULA],
        rows=[[FORMULA, -5, Decimal("-2.5"), datetime.date(2025, 7, 10), local, "-3"]],
    )
    with zipfile.ZipFile(io.BytesIO(response.content)) as book:
        sheet_xml = book.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml  # no formula anywhere in the file
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header, row = cells(sheet)
    assert (header[1].value, header[1].quotePrefix) == (FORMULA, True)
    assert [c.data_type for c in row] == ["s", "n", "n", "d", "d", "s"]
    assert [c.value for c in row[:3]] == [FORMULA, -5, -2.5] and row[0].quotePrefix
    assert row[3].value == datetime.datetime(2025, 7, 10)
    assert row[4].value == datetime.datetime(2025, 7, 10, 9, 15)
    assert (row[5].value, row[5].quotePrefix) == ("-3", True)  # text that looks like a negative number: text


# --- the dashboards' downloads -----------------------------------------------------------------------------------


def test_the_indicator_table_download_has_the_page_rows_as_text_and_numbers(
    client, reported, hostile_names, office_user
):
    client.force_login(office_user)
    page = client.get(reverse("reports:indicator_table"), {"period": "2025Q2"})
    page_codes = [row.record.indicator.code for row in page.context["table"].rows]
    sheet = download(client, "reports:indicator_table", period="2025Q2").active
    header, *rows = values(sheet)
    assert header == [
        "编号",
        "指标",
        "领域",
        "类型",
        "当前值",
        "应达值",
        "目标",
        "状态",
        "预计期末值",
        "本季报送",
    ]
    assert [r[0] for r in rows] == page_codes
    first = next(r for r in rows if r[0] == "1.1")
    assert (
        first[1] == "@SUM(1,2)"
    )  # the link's text, as typed: no HTML, no formula (tests/reports/test_xlsx.py)
    assert first[4] == 81 and first[7] in {"达标/正常", "达标", "预警", "滞后"}
    assert not any("<" in str(v) for r in rows for v in r)
    assert (
        next(r for r in rows if r[0].startswith("二"))[2] == "任务"
    )  # the area column's default, as on the page


def test_a_milestone_is_exported_as_the_page_reads_it_and_a_figure_as_a_number():
    table = StandingTable([])
    milestone = SimpleNamespace(indicator=SimpleNamespace(kind="milestone", uom="家"))
    count = SimpleNamespace(indicator=SimpleNamespace(kind="level", uom="户"))
    assert table.value_value(milestone, Decimal(1)) == "已达成"
    assert table.value_expected(milestone, Decimal(0)) == "未达成"
    assert table.value_value(count, Decimal("413.89")) == Decimal("413.89")


def test_the_heatmap_download_has_every_unit_with_states_counts_and_rates(
    client, reported, hostile_names, office_user
):
    client.force_login(office_user)
    data = client.get(reverse("reports:heatmap")).context["data"]
    book = download(client, "reports:heatmap")
    grid, detail = book.worksheets
    header, *rows = cells(grid)
    assert [c.value for c in header] == ["单位", *[p.label for p in data.periods], "完整率", "及时率"]
    assert [r[0].value for r in rows] == [
        *[FORMULA if u.code == "jingyang" else u.name for u, _, _ in data.rows],
        "全市完整率",
        "全市及时率",
    ]
    for (_unit, page_cells, rates), row in zip(data.rows, rows, strict=False):
        assert [c.value for c in row[1:-2]] == [f"{c.label} {c.reported}/{c.owed}" for c in page_cells]
        completeness, timeliness = row[-2:]
        assert completeness.value == pytest.approx(rates.completeness)
        assert timeliness.value == pytest.approx(rates.timeliness)
        assert completeness.data_type == "n" and completeness.number_format == "0%"
    completeness_row, timeliness_row = rows[-2:]
    for rates, completeness, timeliness in zip(
        data.period_rates, completeness_row[1:-2], timeliness_row[1:-2], strict=True
    ):
        assert completeness.value == (
            None if rates.completeness is None else pytest.approx(rates.completeness)
        )
        assert timeliness.value == (None if rates.timeliness is None else pytest.approx(rates.timeliness))
    assert completeness_row[-2].value == pytest.approx(data.total.completeness)
    assert timeliness_row[-1].value == pytest.approx(data.total.timeliness)

    detail_header, *detail_rows = values(detail)
    assert detail_header == ["单位", "季度", "状态", "应报", "已报", "按时", "逾期", "报送截止"]
    assert len(detail_rows) == len(data.rows) * len(data.periods)
    jingyang = next(r for r in detail_rows if r[0] == FORMULA and r[1] == "2025年第二季度")
    cell = next(cells_ for u, cells_, _ in data.rows if u.code == "jingyang")[-1]
    assert jingyang[2:7] == [cell.label, cell.owed, cell.reported, cell.on_time, cell.late]
    assert all(isinstance(v, int) for v in jingyang[3:7])
    assert jingyang[7] == datetime.datetime(2025, 7, 10)


def test_the_task_board_download_has_every_task_and_each_units_progress(
    client, reported, hostile_names, office_user
):
    client.force_login(office_user)
    page = client.get(reverse("reports:task_board")).context
    sheet = download(client, "reports:task_board").active
    header, *rows = values(sheet)
    assert header[:3] == ["编号", "任务", "滞后单位数"]
    assert header[3:] == [FORMULA if u.code == "jingyang" else u.name for u in page["units"]]
    assert [r[0] for r in rows] == [r.task.code for r in page["rows"]]
    assert [r[2] for r in rows] == [r.delayed for r in page["rows"]]
    behind = next(r for r in rows if r[0] == "二(一)2")
    assert behind[1] == "+SUM(A1:A9)"
    assert isinstance(behind[2], int) and behind[2] >= 1
    by_unit = dict(zip(header, behind, strict=True))
    assert by_unit[FORMULA] == "滞后" and by_unit["广汉市人民政府"] == "推进中"


def test_the_league_download_ranks_units_as_the_page_with_numeric_rates(
    client, reported, hostile_names, office_user
):
    client.force_login(office_user)
    page_rows = client.get(reverse("reports:league"), {"period": "2025Q2"}).context["rows"]
    book = download(client, "reports:league", period="2025Q2")
    header, *rows = cells(book.active)
    assert [c.value for c in header] == [
        "名次",
        "单位",
        "及时率",
        "完整率",
        "滞后指标",
        "被退回次数",
        "滞后任务",
    ]
    assert [r[1].value for r in rows] == [
        FORMULA if r.unit.code == "jingyang" else r.unit.name for r in page_rows
    ]
    assert [r[0].value for r in rows] == list(range(1, len(page_rows) + 1))
    for page_row, row in zip(page_rows, rows, strict=True):
        assert row[2].value == pytest.approx(page_row.rates.timeliness)
        assert row[2].data_type == "n" and row[2].number_format == "0%"
        assert [c.value for c in row[4:]] == [
            page_row.red_indicators,
            page_row.returned,
            page_row.delayed_tasks,
        ]


def test_the_review_queue_download_has_the_queued_items_with_numeric_values(
    client, reported, office_user, plan
):
    client.force_login(office_user)
    book = download(client, "reports:review")
    figures, reports = book.worksheets
    header, *rows = values(figures)
    assert header == [
        "方案",
        "单位",
        "季度",
        "指标编号",
        "指标",
        "数值",
        "计量单位",
        "说明",
        "提交人",
        "提交时间",
    ]
    assert {r[0] for r in rows} == {plan.title}
    assert sorted((r[1], r[3], r[5]) for r in rows) == [
        ("广汉市人民政府", "2.3", 1.25),
        ("旌阳区人民政府", "2.3", 0.75),
    ]
    assert next(r for r in rows if r[1] == "旌阳区人民政府")[7] == FORMULA
    assert all(isinstance(r[9], datetime.datetime) for r in rows)
    report_header, *report_rows = values(reports)
    assert report_header[:6] == ["方案", "单位", "季度", "任务编号", "任务", "进展状态"]
    assert sorted((r[1], r[3], r[5]) for r in report_rows) == [
        ("广汉市人民政府", "二(一)2", "推进中"),
        ("旌阳区人民政府", "二(一)2", "滞后"),
    ]


def test_the_review_queue_download_keeps_the_pages_filter(client, reported, office_user):
    client.force_login(office_user)
    guanghan = Unit.objects.get(code="guanghan")
    book = download(client, "reports:review", unit=guanghan.pk)
    assert {r[1] for r in values(book.worksheets[0])[1:]} == {"广汉市人民政府"}
    assert {r[1] for r in values(book.worksheets[1])[1:]} == {"广汉市人民政府"}


EXPORTS = [
    "reports:indicator_table",
    "reports:heatmap",
    "reports:task_board",
    "reports:league",
    "reports:review",
]


@pytest.mark.parametrize("name", EXPORTS)
def test_a_reporter_cannot_download_a_dashboard_table(client, reported, jingyang, name):
    client.force_login(jingyang)
    assert client.get(reverse(name), {"export": "xlsx"}).status_code == 403


def test_a_reporter_cannot_download_an_indicators_unit_figures(client, reported, jingyang):
    client.force_login(jingyang)
    url = reverse("reports:indicator_progress", args=[indicator(reported, "1.1").pk])
    assert client.get(url, {"export": "xlsx"}).status_code == 403


def test_a_leader_downloads_the_dashboards_but_not_the_review_queue(client, reported, make_user):
    client.force_login(make_user("leader-x", User.Role.LEADER))
    for name in EXPORTS[:-1]:
        assert client.get(reverse(name), {"export": "xlsx"})["Content-Type"] == XLSX, name
    assert client.get(reverse("reports:review"), {"export": "xlsx"}).status_code == 403
