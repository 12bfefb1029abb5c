"""A CSV of figures (issue 19, item 3) is imported as the Excel template's 指标数据 worksheet: the same columns, limits
and row checks, the same preview and the same all-or-nothing confirmation. The files here are shaped as Excel, a
Chinese Excel and other systems write them (测试数据)."""

import csv
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reports.models import ItemAction, Status, Submission, TaskReport
from reports.workflow.drafts import figure_save
from reports.workflow.excel import (
    ERROR,
    SHEET_FIGURES,
    UNCHANGED,
    sheet_import,
    sheet_template_csv,
    sheet_template_xlsx,
)
from reports.workflow.excel.columns import TASK_COLUMNS
from reports.workflow.excel.limits import MAX_CELL_CHARS, MAX_COLUMNS
from units.models import AuditEvent, Unit

from .factories import indicator, period

pytestmark = pytest.mark.usefixtures("in_2024q1")

QUARTER = "2023Q4"
NOTE = '含新认定8户，其中2户为迁入, 待核实\n第二行："高企"复核'  # a comma, a line break and quotes


# --- CSV files as the systems write them -----------------------------------------------------------------------


def template_rows(plan, unit: Unit) -> tuple[list[str], list[dict]]:
    """The unit's CSV template, read as a person sees it in Excel: its header and its rows."""
    text = sheet_template_csv(unit=unit, period=period(plan, QUARTER)).decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text, newline="")))
    return header, [dict(zip(header, row, strict=True)) for row in rows]


def written(
    header: list[str],
    rows: list[dict],
    *,
    encoding: str = "utf-8-sig",
    newline: str = "\r\n",
    delimiter: str = ",",
    trailer: str = "",
) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator=newline)
    writer.writerow(header)
    writer.writerows([row.get(column, "") for column in header] for row in rows)
    return (out.getvalue() + trailer).encode(encoding)


def filled(plan, unit: Unit, edits: dict[str, dict], **shape) -> bytes:
    """The unit's CSV template with values typed in: {code: {column: text}}."""
    header, rows = template_rows(plan, unit)
    for row in rows:
        row.update(edits.get(row["编号"], {}))
    return written(header, rows, **shape)


def upload(plan, user, content: bytes, *, dry_run: bool = False, filename: str = "填报表.csv"):
    return sheet_import(
        user=user,
        unit=user.unit,
        period=period(plan, QUARTER),
        content=content,
        dry_run=dry_run,
        filename=filename,
    )


def row_of(result, code: str):
    return next(row for row in result.rows if row.code == code)


def stored(unit: Unit) -> dict[str, Decimal]:
    return dict(Submission.objects.filter(unit=unit).values_list("indicator__code", "value"))


def assert_chinese(messages: list[str]) -> None:
    assert messages
    for message in messages:
        assert re.search(r"[\u4e00-\u9fff]", message), message
        assert not re.search(r"[A-Za-z]{5,}", message.replace("Excel", "")), message


EDITS = {"1.1": {"数值": "60", "说明": NOTE}, "2.3": {"数值": "1.25"}}


# --- the template ------------------------------------------------------------------------------------------------


def test_the_csv_template_has_the_excel_figure_sheets_columns_and_rows(client, plan, jingyang):
    client.force_login(jingyang)
    response = client.get(reverse("reports:sheet_excel", args=["jingyang", QUARTER]), {"format": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert response["Content-Disposition"].endswith(".csv")
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf") and b"\r\n" in content  # Excel reads the Chinese; CRLF
    book = openpyxl.load_workbook(
        io.BytesIO(sheet_template_xlsx(unit=jingyang.unit, period=period(plan, QUARTER)))
    )
    xlsx_header, *xlsx_rows = list(book[SHEET_FIGURES].iter_rows(values_only=True))
    header, rows = template_rows(plan, jingyang.unit)
    assert header == list(xlsx_header)
    assert [row["编号"] for row in rows] == [row[2] for row in xlsx_rows]
    first = rows[0]
    assert (first["单位"], first["季度"], first["编号"], first["指标名称"]) == (
        "旌阳区人民政府",
        QUARTER,
        "1.1",
        "高新技术企业",
    )
    assert (first["数值"], first["状态"], first["版本"]) == ("", "未填报", "0")


def test_another_units_reporter_cannot_download_the_csv_template(client, plan, guanghan_user):
    client.force_login(guanghan_user)
    response = client.get(reverse("reports:sheet_excel", args=["jingyang", QUARTER]), {"format": "csv"})
    assert response.status_code in (403, 404)


# --- the round trip ------------------------------------------------------------------------------------------------


def test_a_csv_template_filled_in_goes_through_preview_and_confirmation(client, plan, jingyang):
    """Download the CSV template, fill it, upload, preview (nothing stored), confirm: the figures are stored through
    the services as drafts, with their history (Excel/CSV import) and the audit log's import line."""
    client.force_login(jingyang)
    url = reverse("reports:sheet_excel", args=["jingyang", QUARTER])
    text = client.get(url, {"format": "csv"}).content.decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text, newline="")))
    for row in rows:
        if row[2] == "1.1":
            row[header.index("数值")], row[header.index("说明")] = "60", NOTE
        if row[2] == "2.3":
            row[header.index("数值")] = "1.25"
    content = written(header, [dict(zip(header, row, strict=True)) for row in rows])

    upload_url = reverse("reports:sheet_excel_upload", args=["jingyang", QUARTER])
    preview = client.post(upload_url, {"file": SimpleUploadedFile("旌阳区-指标数据.csv", content)})
    page = preview.content.decode()
    assert "CSV 导入预览" in page and "将新增 2 项、修改 0 项" in page
    assert "数值：— → 60" in page and "数值：— → 1.25" in page
    assert not Submission.objects.exists()

    confirmed = client.post(upload_url, {"action": "confirm", "token": preview.context["token"]})
    assert confirmed.status_code == 302
    figure = Submission.objects.get(unit=jingyang.unit, indicator__code="1.1")
    assert (figure.value, figure.note, figure.status, figure.version) == (
        Decimal("60"),
        NOTE,
        Status.DRAFT,
        1,
    )
    assert stored(jingyang.unit) == {"1.1": Decimal("60"), "2.3": Decimal("1.25")}
    [history] = figure.history.all()
    assert (history.action, history.history_user, history.history_type) == (ItemAction.IMPORT, jingyang, "+")
    line = AuditEvent.objects.filter(action="import", username=jingyang.username).latest("at")
    assert line.result == AuditEvent.Result.SUCCESS and "CSV导入" in line.detail

    # The template downloaded again holds what was stored, and uploading it untouched changes nothing.
    again = client.get(url, {"format": "csv"}).content
    unchanged = upload(plan, jingyang, again, dry_run=True)
    assert not unchanged.has_errors and {row.action for row in unchanged.rows} == {UNCHANGED}


# --- what Excel and other systems write -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "shape",
    [
        pytest.param({"encoding": "utf-8-sig", "newline": "\r\n"}, id="excel-csv-utf8-bom-crlf"),
        pytest.param({"encoding": "utf-8", "newline": "\n"}, id="system-utf8-lf"),
        pytest.param({"encoding": "gbk", "newline": "\r\n"}, id="chinese-excel-gbk"),
        pytest.param({"encoding": "gb18030", "newline": "\n", "delimiter": ";"}, id="gb18030-semicolon"),
        pytest.param(
            {"encoding": "utf-16", "newline": "\r\n", "delimiter": "\t"}, id="excel-unicode-text-tab"
        ),
        pytest.param(
            {"encoding": "utf-8-sig", "newline": "\r\n", "trailer": "\r\n,,,,\r\n"}, id="empty-last-lines"
        ),
    ],
)
def test_csv_files_as_systems_write_them_are_imported_alike(plan, jingyang, shape):
    result = upload(plan, jingyang, filled(plan, jingyang.unit, EDITS, **shape))
    assert result.applied and result.kind == "CSV", result.error_messages
    assert (result.created, result.updated) == (2, 0)
    assert stored(jingyang.unit) == {"1.1": Decimal("60"), "2.3": Decimal("1.25")}
    assert Submission.objects.get(indicator__code="1.1").note == NOTE


def test_a_file_with_only_the_columns_a_system_knows_is_enough(plan, jingyang):
    """A system need not write the names, units and status: the columns the upload reads are enough."""
    header = ["单位", "季度", "编号", "数值", "分子", "分母", "是否达成", "达成日期", "说明", "版本"]
    rows = [
        {"单位": "旌阳区人民政府", "季度": QUARTER, "编号": "1.1", "数值": "60", "版本": "0"},
        {"单位": "旌阳区人民政府", "季度": QUARTER, "编号": "2.3", "数值": "1,250.5"},
    ]
    result = upload(plan, jingyang, written(header, rows, encoding="utf-8", newline="\n"))
    assert result.applied, result.error_messages
    assert stored(jingyang.unit) == {"1.1": Decimal("60"), "2.3": Decimal("1250.5")}


def test_excels_dates_and_a_milestone_are_read(plan, scjgj):
    content = filled(plan, scjgj.unit, {"4.1": {"是否达成": "是", "达成日期": "2023/11/2"}}, encoding="gbk")
    result = upload(plan, scjgj, content)
    assert result.applied, result.error_messages
    figure = Submission.objects.get(unit=scjgj.unit, indicator__code="4.1")
    assert (figure.achieved, figure.achieved_on.isoformat()) == (True, "2023-11-02")


def test_a_rate_is_computed_from_numerator_and_denominator(plan, court):
    result = upload(plan, court, filled(plan, court.unit, {"3.1": {"分子": "45", "分母": "50"}}))
    assert row_of(result, "3.1").changes == [("分子", "", "45"), ("分母", "", "50"), ("数值", "", "90")]
    assert Submission.objects.get(unit=court.unit).value == Decimal("90.00")


def test_formula_text_round_trips_through_the_csv_template(plan, jingyang):
    """A note a spreadsheet would run (=SUM(A1)) is written with an apostrophe, and read back as it was stored."""
    q4 = period(plan, QUARTER)
    figure_save(
        user=jingyang,
        unit=jingyang.unit,
        period=q4,
        indicator=indicator(plan, "1.1"),
        data={"value": Decimal("60"), "note": "=SUM(A1)"},
        expected_version=None,
    )
    content = sheet_template_csv(unit=jingyang.unit, period=q4)
    assert ",'=SUM(A1)," in content.decode("utf-8-sig")
    assert {row.action for row in upload(plan, jingyang, content, dry_run=True).rows} == {UNCHANGED}
    result = upload(plan, jingyang, filled(plan, jingyang.unit, {"1.1": {"数值": "61"}}))
    assert row_of(result, "1.1").changes == [("数值", "60", "61")]
    assert Submission.objects.get().note == "=SUM(A1)"


# --- refused: clear Chinese messages, nothing stored ---------------------------------------------------------------


def test_a_wrong_header_is_refused_naming_the_column(plan, jingyang):
    header, rows = template_rows(plan, jingyang.unit)
    header[header.index("数值")] = "数量"
    result = upload(plan, jingyang, written(header, rows))
    assert result.file_errors == ["CSV 文件缺少列：数值。请使用本系统下载的模板，不要修改表头"]
    assert not Submission.objects.exists()


def test_impossible_numbers_refuse_the_whole_file(plan, jingyang):
    content = filled(plan, jingyang.unit, {**EDITS, "1.2": {"数值": "很多"}, "1.4": {"数值": "1e3"}})
    result = upload(plan, jingyang, content)
    assert not result.applied
    assert row_of(result, "1.2").errors == ["数值应为数字，您填写的是“很多”"]
    assert "请不要使用科学计数法" in row_of(result, "1.4").errors[0]
    assert row_of(result, "1.1").action != ERROR  # a good row, and still not stored
    assert "指标数据 第3行（1.2）：数值应为数字，您填写的是“很多”" in result.error_messages
    assert not Submission.objects.exists()


def test_a_row_after_a_blank_line_is_named_by_its_row_in_excel(plan, jingyang):
    header, rows = template_rows(plan, jingyang.unit)
    rows[1]["数值"] = "很多"  # 1.2, the file's 4th row once a blank line is put before it
    lines = written(header, rows).split(b"\r\n")
    lines.insert(2, b"")
    result = upload(plan, jingyang, b"\r\n".join(lines))
    assert (row_of(result, "1.2").row, row_of(result, "1.2").errors) == (
        4,
        ["数值应为数字，您填写的是“很多”"],
    )


def test_another_units_figure_is_refused(plan, jingyang):
    header, rows = template_rows(plan, jingyang.unit)
    rows[0].update({"数值": "60"})
    rows.append({"单位": "广汉市人民政府", "季度": QUARTER, "编号": "1.2", "数值": "12", "版本": "0"})
    rows.append({"单位": "旌阳区人民政府", "季度": QUARTER, "编号": "3.1", "分子": "45", "分母": "50"})
    result = upload(plan, jingyang, written(header, rows))
    other_unit, not_ours = result.rows[-2:]
    assert "此行的单位是“广汉市人民政府”，不是旌阳区人民政府" in other_unit.errors[0]
    assert not_ours.errors == ["指标 3.1 不由旌阳区人民政府报送，请删除此行"]
    assert_chinese(other_unit.errors + not_ours.errors)
    assert not Submission.objects.exists()


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
)
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length 3 >>\nstream\n\x00\x01\x02\nendstream\nendobj\n"


@pytest.mark.parametrize(
    ("content", "name"), [(PNG, "截图.png"), (PDF, "报表.csv")], ids=["png", "pdf-named-csv"]
)
def test_a_file_that_is_not_text_is_refused(plan, jingyang, content, name):
    result = upload(plan, jingyang, content, filename=name)
    assert result.file_errors == [
        "上传的文件既不是 Excel 模板（.xlsx），也不是 CSV 文本文件。请上传本系统下载的模板填好后的文件："
        "Excel（.xlsx）或 CSV（.csv）"
    ]
    assert result.rows == []


def test_text_that_is_not_the_templates_csv_is_refused(plan, jingyang):
    letter = "关于报送2023年第四季度数据的说明\n各单位：请按时报送。\n".encode("gbk")
    [message] = upload(plan, jingyang, letter).file_errors
    assert message.startswith(
        "无法识别上传的文件：它不是 Excel 模板（.xlsx），作为 CSV 文件读取时第一行也不是"
    )
    assert_chinese([message])


def test_a_file_in_no_known_encoding_is_refused_naming_the_row(plan, jingyang):
    content = filled(plan, jingyang.unit, {"1.2": {"说明": "含\x00"}}, encoding="utf-8")
    content = content.replace(b"\x00", b"\xff")  # a byte neither UTF-8 nor GBK has, in row 3 (1.2)
    [message] = upload(plan, jingyang, content).file_errors
    assert message.startswith("CSV 文件第3行有无法识别的文字：文件的编码既不是 UTF-8，也不是 GBK/GB18030")
    assert not Submission.objects.exists()


def test_unpaired_quotes_are_refused_naming_the_row(plan, jingyang):
    header, rows = template_rows(plan, jingyang.unit)
    text = written(header, rows, encoding="utf-8").decode()
    lines = text.split("\r\n")
    lines[2] = lines[2].replace("旌阳区人民政府", '"旌阳区人民政府', 1)
    [message] = upload(plan, jingyang, "\r\n".join(lines).encode()).file_errors
    assert message.startswith("CSV 文件第3行无法读取：英文双引号没有配对")


def test_a_csv_of_task_reports_is_refused_with_what_to_do(plan, jingyang):
    content = written(
        list(TASK_COLUMNS), [{"单位": "旌阳区人民政府", "季度": QUARTER, "任务编号": "二(一)2"}]
    )
    assert upload(plan, jingyang, content).file_errors == [
        "CSV 文件只能导入指标数据（表头应有“编号”列）。任务进展请用 Excel 模板的“任务进展”工作表导入"
    ]
    assert not TaskReport.objects.exists()


# --- the same limits as a workbook -------------------------------------------------------------------------------


def test_a_csv_of_exactly_the_row_limit_is_read_and_one_row_more_is_refused(plan, jingyang, monkeypatch):
    header, rows = template_rows(plan, jingyang.unit)
    monkeypatch.setattr("reports.workflow.excel.reading.MAX_ROWS", len(rows))
    assert upload(plan, jingyang, written(header, rows), dry_run=True).file_errors == []
    longer = written(header, [*rows, {"单位": "旌阳区人民政府", "季度": QUARTER, "编号": "9.9"}])
    assert upload(plan, jingyang, longer, dry_run=True).file_errors == [
        f"CSV 文件超过{len(rows)}行，本系统的模板最多{len(rows)}行。请检查是否选错了文件；"
        f"如果是本单位的模板，请删除第{len(rows) + 2}行及以后的行（包括看似空白的行）后重新上传"
    ]


def test_a_header_wider_than_the_column_limit_is_refused(plan, jingyang):
    header, rows = template_rows(plan, jingyang.unit)
    wide = [*header, *[f"备注{n}" for n in range(MAX_COLUMNS - len(header) + 1)]]
    assert upload(plan, jingyang, written(wide, rows), dry_run=True).file_errors == [
        f"CSV 文件超过{MAX_COLUMNS}列，本系统的模板最多{MAX_COLUMNS}列。请删除多余的列后重新上传"
    ]


def test_a_cell_longer_than_the_limit_is_refused_naming_its_row_and_column(plan, jingyang):
    at_limit = filled(plan, jingyang.unit, {"1.2": {"说明": "说" * MAX_CELL_CHARS}})
    assert upload(plan, jingyang, at_limit, dry_run=True).file_errors == []
    over = filled(plan, jingyang.unit, {"1.2": {"说明": "说" * (MAX_CELL_CHARS + 1)}})
    assert upload(plan, jingyang, over, dry_run=True).file_errors == [
        f"CSV 文件第3行“说明”超过{MAX_CELL_CHARS}字（现有{MAX_CELL_CHARS + 1}字），请精简后重新上传"
    ]


def test_a_csv_larger_than_the_upload_limit_is_refused_before_it_is_read(client, plan, jingyang, monkeypatch):
    monkeypatch.setattr("reports.views.excel.MAX_UPLOAD_MB", 1)
    content = filled(plan, jingyang.unit, {"1.2": {"说明": "说" * 400_000}})  # 1.2 MB
    client.force_login(jingyang)
    url = reverse("reports:sheet_excel_upload", args=["jingyang", QUARTER])
    response = client.post(url, {"file": SimpleUploadedFile("大.csv", content)}, follow=True)
    assert "文件超过1MB，请检查是否选错了文件" in response.content.decode()
    assert not Submission.objects.exists()


def test_a_preview_with_errors_takes_the_corrected_csv(client, plan, jingyang):
    client.force_login(jingyang)
    url = reverse("reports:sheet_excel_upload", args=["jingyang", QUARTER])
    bad = filled(plan, jingyang.unit, {"1.2": {"数值": "很多"}})
    page = client.post(url, {"file": SimpleUploadedFile("指标数据.csv", bad)}).content.decode()
    assert "数值应为数字，您填写的是“很多”" in page and 'accept=".xlsx,.csv"' in page
    assert 'value="confirm"' not in page
    good = filled(plan, jingyang.unit, {"1.2": {"数值": "12"}})
    again = client.post(url, {"action": "preview", "file": SimpleUploadedFile("改好的.csv", good)})
    assert not again.context["result"].has_errors and 'value="confirm"' in again.content.decode()
