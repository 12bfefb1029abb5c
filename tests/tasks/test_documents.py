"""Reading a plan's text from the files offices have."""

import io
import zipfile

import docx
import pytest
from django.core.exceptions import ValidationError

from tasks.documents import plan_text_read

TEXT = "德阳市推进国家知识产权强市建设试点城市工作方案\n一、总体要求\n（一）指导思想"


def docx_bytes(lines: list[str]) -> bytes:
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_a_text_file_is_read_in_utf8_or_gb18030(encoding):
    assert plan_text_read(name="方案.TXT", content=TEXT.encode(encoding)) == TEXT


def test_a_word_file_gives_its_paragraphs_one_per_line():
    assert plan_text_read(name="方案.docx", content=docx_bytes(TEXT.split("\n"))) == TEXT


def saved(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_word_file_gives_its_tables_in_document_order_one_row_per_line_cells_apart_by_tabs():
    document = docx.Document()
    document.add_paragraph("主要指标详见附件。")
    table = document.add_table(rows=2, cols=3)
    for row, texts in zip(
        table.rows, [("序号", "指标名称", "目标值"), ("1", "高新技术企业", "402")], strict=True
    ):
        for cell, text in zip(row.cells, texts, strict=True):
            cell.text = text
    document.add_paragraph("附件")
    assert plan_text_read(name="方案.docx", content=saved(document)) == (
        "主要指标详见附件。\n序号\t指标名称\t目标值\n1\t高新技术企业\t402\n附件"
    )


def test_a_merged_cell_is_written_once_in_its_row_and_a_vertical_merge_in_each_row_it_covers():
    document = docx.Document()
    table = document.add_table(rows=4, cols=4)
    group = table.cell(0, 0).merge(table.cell(0, 3))  # a group row across the table
    group.text = "一、知识产权创造"
    area = table.cell(1, 0).merge(table.cell(2, 0))  # a 类别 cell over two rows
    area.text = "创造"
    table.cell(1, 1).text, table.cell(1, 2).text, table.cell(1, 3).text = "发明专利", "件", "1200"
    table.cell(2, 1).text, table.cell(2, 2).text, table.cell(2, 3).text = "高新技术企业", "户", "402"
    both = table.cell(3, 1).merge(table.cell(3, 2))  # a name written over the unit column
    both.text = "国家知识产权\n示范城市"
    table.cell(3, 0).text, table.cell(3, 3).text = "", "获批"
    assert plan_text_read(name="方案.docx", content=saved(document)).split("\n") == [
        "一、知识产权创造",
        "创造\t发明专利\t件\t1200",
        "创造\t高新技术企业\t户\t402",
        "\t国家知识产权 示范城市\t获批",
    ]


def test_a_tab_or_line_break_inside_a_cell_becomes_a_space():
    document = docx.Document()
    table = document.add_table(rows=1, cols=3)
    table.cell(0, 0).text = "市科技局、\n市经信局"
    table.cell(0, 1).text = "基期值\t（2021年）"
    table.cell(0, 2).paragraphs[0].add_run("目标值")
    table.cell(0, 2).add_paragraph("（2025年）")
    assert plan_text_read(name="方案.docx", content=saved(document)) == (
        "市科技局、 市经信局\t基期值 （2021年）\t目标值 （2025年）"
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("方案.txt", b"", "文件是空的"),
        ("方案.doc", b"\xd0\xcf\x11\xe0", "另存为” .docx"),
        ("方案.pdf", b"%PDF-1.4", "请上传 .txt 或 .docx"),
        ("方案.docx", b"not a zip at all", "不是有效的 Word"),
        ("方案.txt", b"\x81\x30\x81", "无法识别文件的文字编码"),
        ("方案.txt", b"x" * (5 * 1024 * 1024 + 1), "超过5MB"),
    ],
)
def test_a_file_that_is_not_a_plan_text_is_refused_saying_what_to_do(name, content, message):
    with pytest.raises(ValidationError) as error:
        plan_text_read(name=name, content=content)
    assert message in " ".join(error.value.messages)


def test_a_docx_that_would_unpack_to_a_huge_size_is_refused_before_parsing():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * (60 * 1024 * 1024))
    with pytest.raises(ValidationError, match="解压后过大"):
        plan_text_read(name="方案.docx", content=buffer.getvalue())
