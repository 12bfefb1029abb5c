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
