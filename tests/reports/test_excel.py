import datetime
import io
import re
from decimal import Decimal

import openpyxl
import pytest

from reports.models import Status, Submission, TaskReport
from reports.workflow.drafts import figure_save, task_report_save
from reports.workflow.excel import (
    CREATED,
    ERROR,
    SHEET_FIGURES,
    SHEET_TASKS,
    UNCHANGED,
    UPDATED,
    sheet_import,
    sheet_template_xlsx,
)
from reports.workflow.services import item_submit
from targets.models import Indicator
from units.models import Unit, User

from .factories import indicator, period, task

pytestmark = pytest.mark.usefixtures("in_2024q1")

QUARTER = "2023Q4"
CODE_COLUMN = {SHEET_FIGURES: "编号", SHEET_TASKS: "任务编号"}


def template(plan, unit: Unit) -> bytes:
    return sheet_template_xlsx(unit=unit, period=period(plan, QUARTER))


def upload(plan, user: User, content: bytes, *, dry_run: bool, unit: Unit | None = None, proxy_reason=""):
    return sheet_import(
        user=user,
        unit=unit or user.unit,
        period=period(plan, QUARTER),
        content=content,
        dry_run=dry_run,
        proxy_reason=proxy_reason,
    )


def table(content: bytes, sheet: str) -> list[dict]:
    rows = list(openpyxl.load_workbook(io.BytesIO(content))[sheet].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def fill(content: bytes, edits: dict[tuple[str, str], dict]) -> bytes:
    """Type values into the template as a reporter would: {(sheet, code): {column: value}}."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    for (sheet_name, code), values in edits.items():
        sheet = book[sheet_name]
        headers = [cell.value for cell in sheet[1]]
        number = next(
            row[0].row
            for row in sheet.iter_rows(min_row=2)
            if row[headers.index(CODE_COLUMN[sheet_name])].value == code
        )
        for column, value in values.items():
            sheet.cell(row=number, column=headers.index(column) + 1, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def add_row(content: bytes, sheet_name: str, values: dict) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book[sheet_name]
    headers = [cell.value for cell in sheet[1]]
    sheet.append([values.get(header) for header in headers])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def row_of(result, code: str):
    return next(row for row in result.rows if row.code == code)


def assert_chinese(messages: list[str]) -> None:
    assert messages
    for message in messages:
        assert re.search(r"[\u4e00-\u9fff]", message), message
        assert not re.search(r"[A-Za-z]{5,}", message.replace("Excel", "")), message


def test_the_template_lists_only_the_units_own_obligations(plan):
    unit = Unit.objects.get(code="jingyang")
    content = template(plan, unit)
    figure_codes = [row["编号"] for row in table(content, SHEET_FIGURES)]
    assert sorted(figure_codes) == sorted(
        Indicator.objects.filter(plan=plan, reporting_units=unit).values_list("code", flat=True)
    )
    assert "1.1" in figure_codes and "3.1" not in figure_codes
    # 二(一)2 names only 各区（市、县）人民政府; 二(二)7 is 广汉市's, not 旌阳区's.
    task_codes = {row["任务编号"] for row in table(content, SHEET_TASKS)}
    assert task_codes == {
        "二(一)2", "二(一)3", "二(一)4", "二(二)1", "二(二)8", "二(三)1", "二(三)2",
        "二(五)1", "二(五)2", "二(五)5", "三(二)",
    }  # fmt: skip


def test_every_template_row_names_the_unit_the_quarter_and_the_plans_wording(plan):
    content = template(plan, Unit.objects.get(code="jingyang"))
    rows = table(content, SHEET_FIGURES) + table(content, SHEET_TASKS)
    assert {(row["单位"], row["季度"]) for row in rows} == {("旌阳区人民政府", QUARTER)}
    first = next(row for row in table(content, SHEET_FIGURES) if row["编号"] == "1.1")
    assert (first["指标名称"], first["计量单位"], first["填报口径"]) == ("高新技术企业", "户", "季末数")
    assert (first["数值"], first["状态"], first["版本"]) == (None, "未填报", 0)


def test_the_template_is_prefilled_with_current_values_status_and_version(plan, jingyang):
    q4 = period(plan, QUARTER)
    figure_save(
        user=jingyang, unit=jingyang.unit, period=q4, indicator=indicator(plan, "1.1"),
        data={"value": Decimal("60"), "note": "含新认定8户"}, expected_version=None,
    )  # fmt: skip
    task_report_save(
        user=jingyang, unit=jingyang.unit, period=q4, task=task(plan, "二(一)2"),
        data={"progress": "in_progress", "progress_text": "已印发县域工作要点"}, expected_version=None,
    )  # fmt: skip
    content = template(plan, jingyang.unit)
    figure = next(row for row in table(content, SHEET_FIGURES) if row["编号"] == "1.1")
    assert (figure["数值"], figure["说明"], figure["状态"], figure["版本"]) == (60, "含新认定8户", "草稿", 1)
    report = next(row for row in table(content, SHEET_TASKS) if row["任务编号"] == "二(一)2")
    assert (report["进展状态"], report["工作进展"], report["版本"]) == ("推进中", "已印发县域工作要点", 1)


def test_a_ratio_rate_template_names_numerator_and_denominator(plan):
    content = template(plan, Unit.objects.get(code="zyfy"))
    rate = next(row for row in table(content, SHEET_FIGURES) if row["编号"] == "3.1")
    assert (rate["填报口径"], rate["分子名称"], rate["分母名称"]) == (
        "分子/分母（比率自动计算）",
        "审限内结案数",
        "结案总数",
    )


def _filled(plan, user):
    return fill(
        template(plan, user.unit),
        {
            (SHEET_FIGURES, "1.1"): {"数值": 60, "说明": "含新认定8户"},
            (SHEET_FIGURES, "2.3"): {"数值": "1.25"},
            (SHEET_TASKS, "二(一)2"): {"进展状态": "推进中", "工作进展": "已印发县域工作要点"},
        },
    )


def test_a_dry_run_previews_every_change_and_stores_nothing(plan, jingyang):
    result = upload(plan, jingyang, _filled(plan, jingyang), dry_run=True)
    assert not result.has_errors and not result.applied
    assert (result.created, result.updated) == (3, 0)
    assert row_of(result, "1.1").changes == [("数值", "", "60"), ("说明", "", "含新认定8户")]
    assert row_of(result, "二(一)2").changes == [
        ("进展状态", "", "推进中"),
        ("工作进展", "", "已印发县域工作要点"),
    ]
    assert row_of(result, "1.2").action == UNCHANGED
    assert not Submission.objects.exists() and not TaskReport.objects.exists()


def test_the_real_import_stores_drafts_with_history(plan, jingyang):
    result = upload(plan, jingyang, _filled(plan, jingyang), dry_run=False)
    assert result.applied and (result.created, result.updated) == (3, 0)
    figure = Submission.objects.get(indicator__code="1.1", unit=jingyang.unit)
    assert (figure.value, figure.note, figure.status, figure.version) == (
        Decimal("60"),
        "含新认定8户",
        Status.DRAFT,
        1,
    )
    assert list(figure.history.values_list("history_user__username", flat=True)) == [jingyang.username]
    assert Submission.objects.get(indicator__code="2.3").value == Decimal("1.25")
    report = TaskReport.objects.get(unit=jingyang.unit)
    assert (report.task.code, report.progress, report.status) == ("二(一)2", "in_progress", Status.DRAFT)


def test_a_second_upload_updates_the_drafts_and_reports_old_and_new(plan, jingyang):
    upload(plan, jingyang, _filled(plan, jingyang), dry_run=False)
    content = fill(template(plan, jingyang.unit), {(SHEET_FIGURES, "1.1"): {"数值": 61}})
    result = upload(plan, jingyang, content, dry_run=False)
    assert result.applied and (result.created, result.updated, result.unchanged) == (0, 1, 24)
    assert row_of(result, "1.1").changes == [("数值", "60", "61")]
    figure = Submission.objects.get(indicator__code="1.1")
    assert (figure.value, figure.version, figure.history.count()) == (Decimal("61"), 2, 2)


def test_an_untouched_template_changes_nothing(plan, jingyang):
    result = upload(plan, jingyang, template(plan, jingyang.unit), dry_run=False)
    assert result.applied and result.unchanged == len(result.rows) == 25
    assert not Submission.objects.exists() and not TaskReport.objects.exists()


def test_one_bad_row_stores_nothing_not_even_the_good_rows(plan, jingyang):
    content = fill(_filled(plan, jingyang), {(SHEET_FIGURES, "1.2"): {"数值": "很多"}})
    result = upload(plan, jingyang, content, dry_run=False)
    assert result.has_errors and not result.applied
    bad = row_of(result, "1.2")
    assert (bad.sheet, bad.row, bad.action) == (SHEET_FIGURES, 3, ERROR)
    assert bad.errors == ["数值应为数字，您填写的是“很多”"]
    assert "指标数据 第3行（1.2）：数值应为数字，您填写的是“很多”" in result.error_messages
    assert not Submission.objects.exists() and not TaskReport.objects.exists()


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [("单位", "广汉市人民政府", "不是旌阳区人民政府"), ("季度", "2023Q3", "本次导入的是2023Q4")],
)
def test_a_row_for_another_unit_or_quarter_is_refused(plan, jingyang, column, value, expected):
    content = fill(template(plan, jingyang.unit), {(SHEET_FIGURES, "1.1"): {"数值": 60, column: value}})
    result = upload(plan, jingyang, content, dry_run=False)
    assert expected in row_of(result, "1.1").errors[0]
    assert_chinese(row_of(result, "1.1").errors)
    assert not Submission.objects.exists()


def test_another_units_template_is_refused_row_by_row(plan, jingyang):
    content = fill(template(plan, Unit.objects.get(code="guanghan")), {(SHEET_FIGURES, "1.1"): {"数值": 60}})
    result = upload(plan, jingyang, content, dry_run=True)
    assert all(row.action == ERROR for row in result.rows)
    assert_chinese([error for row in result.rows for error in row.errors])


@pytest.mark.parametrize(
    ("sheet", "code", "expected"),
    [
        (SHEET_FIGURES, "9.9", "“9.9”不是本方案的指标编号"),
        (SHEET_TASKS, "二(九)1", "“二(九)1”不是本方案的任务编号"),
        (SHEET_FIGURES, "3.1", "指标 3.1 不由旌阳区人民政府报送"),
        (SHEET_TASKS, "二(二)7", "任务 二(二)7 不由旌阳区人民政府报送"),
    ],
)
def test_an_unknown_code_or_one_the_unit_does_not_report_is_refused(plan, jingyang, sheet, code, expected):
    value = {"数值": 90} if sheet == SHEET_FIGURES else {"进展状态": "推进中"}
    row = {"单位": "旌阳区人民政府", "季度": QUARTER, CODE_COLUMN[sheet]: code, "版本": 0, **value}
    result = upload(plan, jingyang, add_row(_filled(plan, jingyang), sheet, row), dry_run=False)
    assert expected in row_of(result, code).errors[0]
    assert_chinese(row_of(result, code).errors)
    assert not Submission.objects.exists() and not TaskReport.objects.exists()


def test_a_duplicate_row_is_refused(plan, jingyang):
    row = {"单位": "旌阳区人民政府", "季度": QUARTER, "编号": "1.1", "数值": 70, "版本": 0}
    result = upload(plan, jingyang, add_row(_filled(plan, jingyang), SHEET_FIGURES, row), dry_run=False)
    duplicate = [r for r in result.rows if r.code == "1.1"][-1]
    assert duplicate.errors == ["指标 1.1 在第2行已经填写，同一指标只能填写一行，请删除重复的行"]
    assert not Submission.objects.exists()


def test_a_submitted_item_cannot_be_changed_by_upload(plan, jingyang):
    figure = figure_save(
        user=jingyang, unit=jingyang.unit, period=period(plan, QUARTER), indicator=indicator(plan, "1.1"),
        data={"value": Decimal("60")}, expected_version=None,
    )  # fmt: skip
    item_submit(user=jingyang, item=figure)
    content = fill(template(plan, jingyang.unit), {(SHEET_FIGURES, "1.1"): {"数值": 65}})
    result = upload(plan, jingyang, content, dry_run=False)
    assert row_of(result, "1.1").errors == ["此项已提交，不能修改"]
    assert Submission.objects.get().value == Decimal("60")


def test_an_untouched_submitted_row_does_not_block_the_others(plan, jingyang):
    figure = figure_save(
        user=jingyang, unit=jingyang.unit, period=period(plan, QUARTER), indicator=indicator(plan, "1.1"),
        data={"value": Decimal("60")}, expected_version=None,
    )  # fmt: skip
    item_submit(user=jingyang, item=figure)
    content = fill(template(plan, jingyang.unit), {(SHEET_FIGURES, "1.2"): {"数值": 30}})
    result = upload(plan, jingyang, content, dry_run=False)
    assert result.applied and row_of(result, "1.1").action == UNCHANGED
    assert Submission.objects.get(indicator__code="1.2").value == Decimal("30")


def test_a_stale_version_is_refused_and_shows_the_current_value(plan, jingyang, make_user):
    office_user = make_user("办公室王敏", User.Role.OFFICE, "ldxzbgs")
    q4 = period(plan, QUARTER)
    first = figure_save(
        user=jingyang, unit=jingyang.unit, period=q4, indicator=indicator(plan, "1.1"),
        data={"value": Decimal("60")}, expected_version=None,
    )  # fmt: skip
    content = fill(template(plan, jingyang.unit), {(SHEET_FIGURES, "1.1"): {"数值": 65}})
    figure_save(
        user=office_user, proxy_reason="代填（测试数据）", unit=jingyang.unit, period=q4, indicator=indicator(plan, "1.1"),
        data={"value": Decimal("62")}, expected_version=first.version,
    )  # fmt: skip
    result = upload(plan, jingyang, content, dry_run=False)
    [message] = row_of(result, "1.1").errors
    assert "当前内容：62" in message and "重新下载模板" in message
    assert_chinese([message])
    assert Submission.objects.get().value == Decimal("62")


def test_a_rate_over_100_is_refused(plan, scjgj):
    content = fill(template(plan, scjgj.unit), {(SHEET_FIGURES, "3.5"): {"数值": 120}})
    result = upload(plan, scjgj, content, dry_run=False)
    assert row_of(result, "3.5").errors == ["数值：比率不能超过100%，您填写的是120%"]
    assert not Submission.objects.exists()


def test_a_negative_value_is_refused(plan, jingyang):
    content = fill(template(plan, jingyang.unit), {(SHEET_FIGURES, "2.3"): {"数值": -1}})
    result = upload(plan, jingyang, content, dry_run=False)
    assert row_of(result, "2.3").errors == ["数值：本季度发生额不能为负数，您填写的是-1"]
    assert not Submission.objects.exists()


def test_a_rate_is_computed_from_numerator_and_denominator(plan, court):
    content = fill(template(plan, court.unit), {(SHEET_FIGURES, "3.1"): {"分子": 45, "分母": 50}})
    result = upload(plan, court, content, dry_run=False)
    assert row_of(result, "3.1").changes == [("分子", "", "45"), ("分母", "", "50"), ("数值", "", "90")]
    assert Submission.objects.get().value == Decimal("90.00")


def test_numerator_above_denominator_is_refused(plan, court):
    content = fill(template(plan, court.unit), {(SHEET_FIGURES, "3.1"): {"分子": 51, "分母": 50}})
    result = upload(plan, court, content, dry_run=False)
    assert "分子：审限内结案数（51）不能大于结案总数（50）" in row_of(result, "3.1").errors
    assert not Submission.objects.exists()


def test_a_value_typed_into_a_computed_rate_is_refused(plan, court):
    content = fill(template(plan, court.unit), {(SHEET_FIGURES, "3.1"): {"数值": 90}})
    result = upload(plan, court, content, dry_run=True)
    assert "请在“分子”“分母”两列填写" in row_of(result, "3.1").errors[0]
    assert_chinese(row_of(result, "3.1").errors)


def test_the_prefilled_computed_rate_may_stay_when_numerator_changes(plan, court):
    upload(
        plan,
        court,
        fill(template(plan, court.unit), {(SHEET_FIGURES, "3.1"): {"分子": 45, "分母": 50}}),
        dry_run=False,
    )
    content = fill(template(plan, court.unit), {(SHEET_FIGURES, "3.1"): {"分子": 46}})
    result = upload(plan, court, content, dry_run=False)
    assert result.applied and row_of(result, "3.1").changes == [("分子", "45", "46"), ("数值", "90", "92")]
    assert Submission.objects.get().value == Decimal("92.00")


def test_a_numerator_for_an_indicator_without_one_is_refused(plan, jingyang):
    content = fill(template(plan, jingyang.unit), {(SHEET_FIGURES, "1.1"): {"分子": 5}})
    result = upload(plan, jingyang, content, dry_run=True)
    assert row_of(result, "1.1").errors == ["1.1 不按分子/分母填报，请把季末数填在“数值”列，“分子”列请留空"]


def test_a_milestone_is_reported_as_yes_or_no_with_a_date(plan, scjgj):
    content = fill(
        template(plan, scjgj.unit),
        {(SHEET_FIGURES, "4.1"): {"是否达成": "是", "达成日期": datetime.date(2023, 11, 2)}},
    )
    result = upload(plan, scjgj, content, dry_run=False)
    assert result.applied
    figure = Submission.objects.get()
    assert (figure.achieved, figure.achieved_on) == (True, datetime.date(2023, 11, 2))


def test_an_invalid_progress_label_is_refused(plan, jingyang):
    content = fill(template(plan, jingyang.unit), {(SHEET_TASKS, "二(一)2"): {"进展状态": "差不多了"}})
    result = upload(plan, jingyang, content, dry_run=False)
    assert row_of(result, "二(一)2").errors == [
        "进展状态应为未启动、推进中、滞后、已完成之一，您填写的是“差不多了”"
    ]
    assert not TaskReport.objects.exists()


def test_garbage_bytes_give_one_file_error(plan, jingyang):
    q4 = period(plan, QUARTER)
    named = {"user": jingyang, "unit": jingyang.unit, "period": q4, "dry_run": True}
    result = sheet_import(content=b"this is not a workbook", filename="填报表.xlsx", **named)
    assert (result.rows, result.has_errors, result.applied) == ([], True, False)
    assert result.file_errors == ["无法读取上传的文件，请上传本系统下载的 Excel 模板（.xlsx 格式）"]
    # Without the name, text is read as a CSV of figures (tests/reports/test_csv_import.py): its header is none.
    unnamed = sheet_import(content=b"this is not a workbook", **named)
    assert unnamed.rows == [] and unnamed.file_errors[0].startswith("无法识别上传的文件")


def test_a_workbook_without_the_template_sheets_gives_one_file_error(plan, jingyang):
    book = openpyxl.Workbook()
    book.active.append(["编号", "数值"])
    out = io.BytesIO()
    book.save(out)
    result = upload(plan, jingyang, out.getvalue(), dry_run=False)
    assert result.file_errors == ["文件中没有“指标数据”工作表，请使用本系统下载的模板，不要修改工作表名称"]
    assert result.rows == []


def test_a_template_missing_a_column_gives_one_file_error(plan, jingyang):
    book = openpyxl.load_workbook(io.BytesIO(template(plan, jingyang.unit)))
    book[SHEET_FIGURES].delete_cols(16)  # 版本
    out = io.BytesIO()
    book.save(out)
    result = upload(plan, jingyang, out.getvalue(), dry_run=False)
    assert result.file_errors == ["工作表“指标数据”缺少列：版本。请使用本系统下载的模板，不要修改表头"]


def test_a_template_without_rows_gives_one_file_error(plan, jingyang):
    book = openpyxl.load_workbook(io.BytesIO(template(plan, jingyang.unit)))
    for sheet in book.worksheets:
        sheet.delete_rows(2, sheet.max_row)
    out = io.BytesIO()
    book.save(out)
    result = upload(plan, jingyang, out.getvalue(), dry_run=False)
    assert result.file_errors == ["文件中没有任何数据行，请在本系统下载的模板中填写后再上传"]
    assert not result.applied


def test_the_office_can_import_for_a_unit_giving_its_reason(plan, office_user):
    unit = Unit.objects.get(code="jingyang")
    content = fill(template(plan, unit), {(SHEET_FIGURES, "1.1"): {"数值": 60}})
    refused = upload(plan, office_user, content, dry_run=False, unit=unit)
    assert not refused.applied and "代填原因" in refused.file_errors[0]
    assert not Submission.objects.exists()
    result = upload(plan, office_user, content, dry_run=False, unit=unit, proxy_reason="按纸质报表代填")
    assert result.applied and result.created == 1
    figure = Submission.objects.get()
    assert (figure.unit, figure.proxy_reason) == (unit, "按纸质报表代填")
    assert figure.history.get().history_change_reason == "代填：按纸质报表代填"


def test_a_reporter_cannot_import_for_another_unit(plan, guanghan_user):
    unit = Unit.objects.get(code="jingyang")
    content = fill(template(plan, unit), {(SHEET_FIGURES, "1.1"): {"数值": 60}})
    result = upload(plan, guanghan_user, content, dry_run=False, unit=unit)
    assert result.file_errors == ["您只能导入本单位的填报表，不能为旌阳区人民政府导入"]
    assert not Submission.objects.exists()


def test_the_results_counts_name_each_action(plan, jingyang):
    content = fill(_filled(plan, jingyang), {(SHEET_FIGURES, "1.2"): {"数值": "很多"}})
    result = upload(plan, jingyang, content, dry_run=True)
    actions = {row.code: row.action for row in result.rows}
    assert (actions["1.1"], actions["1.2"], actions["1.4"]) == (CREATED, ERROR, UNCHANGED)
    assert UPDATED not in actions.values()
    assert_chinese(result.error_messages)


def test_an_import_costs_the_same_queries_for_one_figure_as_for_many(plan, office_user):
    """Figures are stored in one batch (figures_save_bulk): the query count does not grow with the rows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    unit = Unit.objects.get(code="jingyang")
    codes = [row[CODE_COLUMN[SHEET_FIGURES]] for row in table(template(plan, unit), SHEET_FIGURES)]
    assert len(codes) >= 4
    counts = []
    for chosen in (codes[:1], codes):
        Submission.objects.filter(unit=unit).delete()
        content = fill(template(plan, unit), {(SHEET_FIGURES, code): {"数值": 7} for code in chosen})
        with CaptureQueriesContext(connection) as queries:
            result = upload(
                plan, office_user, content, dry_run=False, unit=unit, proxy_reason="代填（测试数据）"
            )
        assert result.applied and result.created == len(chosen)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert Submission.objects.filter(unit=unit, value=7).count() == len(codes)
    assert {h.why for h in Submission.history.filter(unit_id=unit.pk, history_type="+")} == {
        "新建草稿（文件导入）"
    }
