"""One uploaded sheet cannot exhaust the server: the file's unpacked size and packing ratio are checked before
openpyxl opens it, and its rows, columns and cells while it is streamed, each refused at its limit with a message
naming the limit; the preview lists the rows with errors first and the changed rows up to a page, and counts the
rest, while the confirmation still imports every row."""

import io
import random
import zipfile
from dataclasses import dataclass
from xml.sax.saxutils import escape

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from reports.models import Submission
from reports.workflow.excel import SHEET_FIGURES, SHEET_TASKS, sheet_import, sheet_template_xlsx
from reports.workflow.excel import reading as reading_module
from reports.workflow.excel.columns import TASK_COLUMNS
from reports.workflow.excel.limits import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_PART_MB,
    MAX_RATIO,
    MAX_ROWS,
    MAX_UNPACKED_MB,
)

from .factories import period

pytestmark = pytest.mark.usefixtures("in_2024q1")

QUARTER = "2023Q4"
FIGURE_HEADERS = [
    "单位", "季度", "编号", "指标名称", "计量单位", "填报口径", "数值", "分子名称", "分子", "分母名称", "分母",
    "是否达成", "达成日期", "说明", "状态", "版本",
]  # fmt: skip


# --- files made by hand (zipfile and XML text: a million rows in a few seconds) ------------------------------------

_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/worksheets/sheet2.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
        f'<sheet name="{SHEET_FIGURES}" sheetId="1" r:id="rId1"/><sheet name="{SHEET_TASKS}" sheetId="2" r:id="rId2"/>'
        "</sheets></workbook>"
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet2.xml"/></Relationships>'
    ),
}
_SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)
_DIMENSION = (
    '<dimension ref="A1:P2"/>'  # what Excel, WPS, LibreOffice and openpyxl write (openpyxl reads only this)
)
_SHEET_END = "</sheetData></worksheet>"


def _text_row(number: int, values: list[str]) -> str:
    cells = "".join(f'<c t="inlineStr"><is><t>{escape(value)}</t></is></c>' for value in values)
    return f'<row r="{number}">{cells}</row>'


def crafted(
    figure_rows,
    *,
    extra: dict[str, bytes] | None = None,
    parts: dict | None = None,
    dimension: str = _DIMENSION,
) -> bytes:
    """A workbook with the template's two worksheets and headers: `figure_rows` (XML text of the rows after the
    header, an iterable of strings) in 指标数据, nothing in 任务进展; `extra` parts added, `parts` replacing the
    standard ones, `dimension` the worksheet's stated size (Excel's <dimension>, or none)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        for name, text in {**_PARTS, **(parts or {})}.items():
            book.writestr(name, text)
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write((_SHEET_START + dimension + "<sheetData>" + _text_row(1, FIGURE_HEADERS)).encode())
            chunk = []
            for row in figure_rows:
                chunk.append(row)
                if len(chunk) == 10_000:
                    part.write("".join(chunk).encode())
                    chunk = []
            part.write(("".join(chunk) + _SHEET_END).encode())
        tasks = _SHEET_START + _DIMENSION + "<sheetData>" + _text_row(1, list(TASK_COLUMNS)) + _SHEET_END
        book.writestr("xl/worksheets/sheet2.xml", tasks)
        for name, content in (extra or {}).items():
            book.writestr(name, content)
    return out.getvalue()


def upload(plan, user, content: bytes, *, dry_run: bool = True):
    return sheet_import(
        user=user, unit=user.unit, period=period(plan, QUARTER), content=content, dry_run=dry_run
    )


@dataclass
class Reading:
    opened: bool = False  # whether openpyxl was given the file at all
    rows: int = 0  # rows openpyxl handed the upload, over every worksheet


def watched_upload(plan, user, content: bytes, monkeypatch):
    """The upload's result and how much of the file it read: whether openpyxl opened it and how many rows it read.
    (What it costs in seconds and memory is measured by hand and in `make bench`, not asserted here.)"""
    reading = Reading()
    real_open, real_rows = reading_module.load_workbook, ReadOnlyWorksheet.iter_rows

    def counting_open(*args, **kwargs):
        reading.opened = True
        return real_open(*args, **kwargs)

    def counting_rows(sheet, *args, **kwargs):
        for row in real_rows(sheet, *args, **kwargs):
            reading.rows += 1
            yield row

    monkeypatch.setattr(reading_module, "load_workbook", counting_open)
    monkeypatch.setattr(ReadOnlyWorksheet, "iter_rows", counting_rows)
    return upload(plan, user, content), reading


def edited(content: bytes, edit) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(content))
    edit(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template(plan, user) -> bytes:
    return sheet_template_xlsx(unit=user.unit, period=period(plan, QUARTER))


def figure_rows(book) -> int:
    return book[SHEET_FIGURES].max_row - 1


# --- the file as a whole: refused before openpyxl opens it --------------------------------------------------------


def test_a_file_that_unpacks_past_the_limit_is_refused_before_it_is_opened(plan, jingyang, monkeypatch):
    # One cell of 60 MB (the penetration test's 400 MB cell took 6 GB): it packs into a few hundred KB.
    row = _text_row(2, ["旌阳区人民政府", QUARTER, "1.1", "x" * (60 * 1024 * 1024)])
    result, reading = watched_upload(plan, jingyang, crafted([row]), monkeypatch)
    assert result.file_errors == [
        f"文件解压后超过{MAX_UNPACKED_MB}MB，本系统的模板解压后远小于此。请检查是否选错了文件"
    ]
    assert result.rows == []
    assert not reading.opened  # nothing was unpacked


def test_a_part_packed_far_tighter_than_any_workbook_is_refused(plan, jingyang):
    padding = b"<x>" + b" " * (5 * 1024 * 1024) + b"</x>"  # 5 MB that pack into 5 KB: a zip bomb's signature
    result = upload(plan, jingyang, crafted([], extra={"xl/padding.xml": padding}))
    (message,) = result.file_errors
    assert (
        message.startswith("文件中有部分解压后是压缩时的") and f"本系统的模板不超过{MAX_RATIO}倍" in message
    )


def test_a_large_part_openpyxl_would_build_whole_is_refused_before_it_is_opened(plan, jingyang, monkeypatch):
    # 3 MB of cell formats (a 51 MB one, packed into 1.4 MB, took openpyxl 13 s and 1 GB to load).
    rng = random.Random(14)
    formats = "".join(f'<xf numFmtId="{rng.randrange(200)}" fontId="0" xfId="0"/>' for _ in range(60_000))
    styles = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<cellXfs>{formats}</cellXfs></styleSheet>"
    )
    relation = (
        '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"'
        ' Target="styles.xml"/></Relationships>'
    )
    rels = _PARTS["xl/_rels/workbook.xml.rels"].replace("</Relationships>", relation)
    content = crafted(
        [], extra={"xl/styles.xml": styles.encode()}, parts={"xl/_rels/workbook.xml.rels": rels}
    )
    result, reading = watched_upload(plan, jingyang, content, monkeypatch)
    assert result.file_errors == [
        f"文件中的格式或附加信息过多（有部分解压后超过{MAX_PART_MB}MB，本系统的模板只有几KB），"
        "请把数据复制到新下载的模板中再上传"
    ]
    assert not reading.opened


def test_a_large_worksheet_that_does_not_state_its_size_is_refused_before_it_is_opened(
    plan, jingyang, monkeypatch
):
    # openpyxl reads such a worksheet whole when it opens the file, before a row could be counted.
    rows = (f'<row r="{n}"><c><v>{n}</v></c></row>' for n in range(2, 100_000))
    result, reading = watched_upload(plan, jingyang, crafted(rows, dimension=""), monkeypatch)
    assert result.file_errors == [
        "文件中有工作表没有记录其大小（Excel、WPS 保存的文件都会记录），无法安全读取。"
        "请用 Excel 或 WPS 打开后另存为 .xlsx 再上传"
    ]
    assert not reading.opened


def test_a_small_worksheet_that_does_not_state_its_size_is_read(plan, jingyang):
    row = _text_row(2, ["旌阳区人民政府", QUARTER, "1.1", "", "", "", "60"])
    result = upload(plan, jingyang, crafted([row], dimension=""))
    assert not result.has_errors, result.error_messages
    assert [r.code for r in result.rows] == ["1.1"]


# --- rows, columns and cells: refused while the sheet is streamed, at the limit ------------------------------------


def test_a_million_row_sheet_is_refused_at_the_row_limit_without_reading_the_rest(
    plan, jingyang, monkeypatch
):
    rng = random.Random(14)
    rows = (f'<row r="{n}"><c><v>{rng.randrange(10**6)}</v></c></row>' for n in range(2, 1_000_001))
    # The last row cannot be read (a number that is none): reading the whole sheet would end in another message.
    content = crafted([*rows, '<row r="1000001"><c t="n"><v>x</v></c></row>'])
    with zipfile.ZipFile(
        io.BytesIO(content)
    ) as archive:  # within the size and ratio limits: the rows stop it
        sizes = [(info.file_size, info.compress_size) for info in archive.infolist()]
    assert sum(size for size, _packed in sizes) < MAX_UNPACKED_MB * 1024 * 1024
    assert max(size / packed for size, packed in sizes) < MAX_RATIO
    result, reading = watched_upload(plan, jingyang, content, monkeypatch)
    assert result.file_errors == [
        f"工作表“指标数据”超过{MAX_ROWS}行，本系统的模板最多{MAX_ROWS}行。请检查是否选错了文件；"
        f"如果是本单位的模板，请删除第{MAX_ROWS + 2}行及以后的行（包括看似空白的行）后重新上传"
    ]
    assert result.rows == []
    assert reading.rows <= 2 * (MAX_ROWS + 2)  # the headers and rows up to the limit, not the million


def test_a_sheet_of_exactly_the_row_limit_is_read_and_one_row_more_is_refused(plan, jingyang, monkeypatch):
    content = template(plan, jingyang)
    rows = figure_rows(openpyxl.load_workbook(io.BytesIO(content)))
    monkeypatch.setattr("reports.workflow.excel.reading.MAX_ROWS", rows)
    assert upload(plan, jingyang, content).file_errors == []
    longer = edited(content, lambda book: book[SHEET_FIGURES].append(["旌阳区人民政府", QUARTER, "9.9"]))
    assert upload(plan, jingyang, longer).file_errors == [
        f"工作表“指标数据”超过{rows}行，本系统的模板最多{rows}行。请检查是否选错了文件；"
        f"如果是本单位的模板，请删除第{rows + 2}行及以后的行（包括看似空白的行）后重新上传"
    ]


def test_a_header_wider_than_the_column_limit_is_refused(plan, jingyang):
    def widen(column: int):
        return lambda book: book[SHEET_TASKS].cell(row=1, column=column, value="备注")

    content = template(plan, jingyang)
    assert upload(plan, jingyang, edited(content, widen(MAX_COLUMNS))).file_errors == []
    assert upload(plan, jingyang, edited(content, widen(MAX_COLUMNS + 1))).file_errors == [
        f"工作表“任务进展”超过{MAX_COLUMNS}列，本系统的模板最多{MAX_COLUMNS}列。请删除多余的列后重新上传"
    ]


def test_data_beyond_the_header_is_not_read(plan, jingyang):
    """A cell far to the right of the template's columns (XFD, the last one Excel has) is ignored, as it always
    was: only the header's columns are read, so a row never costs more than the header's width."""

    def far_right(book):
        book[SHEET_FIGURES].cell(row=2, column=16_384, value="x" * (MAX_CELL_CHARS + 1))

    result = upload(plan, jingyang, edited(template(plan, jingyang), far_right))
    assert not result.has_errors, result.error_messages


def test_a_cell_longer_than_the_limit_is_refused_naming_its_row_and_column(plan, jingyang):
    content = template(plan, jingyang)
    headers = [c.value for c in openpyxl.load_workbook(io.BytesIO(content))[SHEET_TASKS][1]]

    def note(length: int):
        return lambda book: book[SHEET_TASKS].cell(
            row=3, column=headers.index("工作进展") + 1, value="进" * length
        )

    at_limit = upload(plan, jingyang, edited(content, note(MAX_CELL_CHARS)))
    assert at_limit.file_errors == [] and not at_limit.has_errors, at_limit.error_messages
    assert upload(plan, jingyang, edited(content, note(MAX_CELL_CHARS + 1))).file_errors == [
        f"工作表“任务进展”第3行“工作进展”超过{MAX_CELL_CHARS}字（现有{MAX_CELL_CHARS + 1}字），请精简后重新上传"
    ]


def test_a_sheet_of_ones_own_in_the_workbook_is_not_read(plan, jingyang):
    def own_sheet(book):
        sheet = book.create_sheet("我的草稿")
        sheet["A1"] = "x" * (MAX_CELL_CHARS + 1)
        sheet.cell(row=MAX_ROWS + 10, column=MAX_COLUMNS + 10, value="很远")

    result = upload(plan, jingyang, edited(template(plan, jingyang), own_sheet))
    assert not result.has_errors, result.error_messages


# --- the preview: errors first, changed rows up to a page, the rest counted; the confirmation imports all ----------


def _filled(plan, user, *, bad: int = 0) -> tuple[bytes, list[str]]:
    """The template with every figure that takes a plain number filled in (7), and `bad` of them filled with words."""
    content = template(plan, user)
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book[SHEET_FIGURES]
    headers = [c.value for c in sheet[1]]
    codes = []
    for row in sheet.iter_rows(min_row=2):
        if not row[headers.index("填报口径")].value.startswith(("是否达成", "分子/分母")):
            row[headers.index("数值")].value = "很多" if len(codes) < bad else 7
            codes.append(row[headers.index("编号")].value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), codes


def _post(client, plan, user, content: bytes, **data):
    url = reverse("reports:sheet_excel_upload", args=[user.unit.code, QUARTER])
    return client.post(url, {"file": SimpleUploadedFile("填报表.xlsx", content), **data})


def test_the_preview_lists_the_first_changes_and_counts_the_rest(client, plan, jingyang, monkeypatch):
    monkeypatch.setattr("reports.views.excel.PREVIEW_ROWS", 2)
    content, codes = _filled(plan, jingyang)
    assert len(codes) > 3
    client.force_login(jingyang)
    response = _post(client, plan, jingyang, content)
    page = response.content.decode()
    assert [row.code for row in response.context["preview"].changes] == codes[:2]
    assert f"另有{len(codes) - 2}行将新增或修改，未逐行列出；确认导入时一并导入" in page
    assert 'value="confirm"' in page


def test_the_preview_lists_rows_with_errors_before_the_changes(client, plan, jingyang, monkeypatch):
    monkeypatch.setattr("reports.views.excel.PREVIEW_ROWS", 2)
    content, codes = _filled(plan, jingyang, bad=3)
    client.force_login(jingyang)
    response = _post(client, plan, jingyang, content)
    page = response.content.decode()
    preview = response.context["preview"]
    assert [row.code for row in preview.errors] == codes[:2]
    assert page.index("有错误的行") < page.index("将新增或修改的行")
    assert "另有1行有错误，未逐行列出，请一并改正" in page
    assert 'value="confirm"' not in page


def test_confirming_imports_every_row_not_only_those_the_preview_lists(client, plan, jingyang, monkeypatch):
    monkeypatch.setattr("reports.views.excel.PREVIEW_ROWS", 2)
    content, codes = _filled(plan, jingyang)
    client.force_login(jingyang)
    token = _post(client, plan, jingyang, content).context["token"]
    url = reverse("reports:sheet_excel_upload", args=[jingyang.unit.code, QUARTER])
    response = client.post(url, {"action": "confirm", "token": token})
    assert response.status_code == 302
    stored = Submission.objects.filter(unit=jingyang.unit, period=period(plan, QUARTER))
    assert sorted(stored.values_list("indicator__code", flat=True)) == sorted(codes)
