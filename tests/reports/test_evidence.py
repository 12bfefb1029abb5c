import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from reports.workflow.evidence import evidence_sniff


def docx_bytes(extra_size: int = 0) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        if extra_size:
            archive.writestr("word/media/big.bin", b"\0" * extra_size)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("批复.pdf", b"%PDF-1.7\n...", "application/pdf"),
        ("现场.PNG", b"\x89PNG\r\n\x1a\n....", "image/png"),
        ("现场.jpg", b"\xff\xd8\xff\xe0....", "image/jpeg"),
        (
            "名单.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("旧表.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1....", "application/vnd.ms-excel"),
    ],
)
def test_accepted_files_are_recognised_by_content(name, content, expected):
    assert evidence_sniff(upload=SimpleUploadedFile(name, content)) == expected


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("病毒.pdf", b"MZ\x90\x00 program", "内容不是PDF格式"),
        ("脚本.svg", b"<svg onload=alert(1)>", "不接受“.svg”类型的文件"),
        ("伪装.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "内容不是PNG格式"),
        ("网页.jpg", b"<html><script>alert(1)</script></html>", "内容不是JPG格式"),
        ("伪装.docx", b"%PDF-1.4", "内容不是DOCX格式"),
        ("表格.xlsx", docx_bytes(), "内容不是XLSX格式"),
        ("空.pdf", b"", "空文件"),
        ("无扩展名", b"%PDF-1.4", "无扩展名"),
    ],
)
def test_wrong_content_for_the_extension_is_refused_with_a_reason(name, content, message):
    with pytest.raises(ValidationError, match=message):
        evidence_sniff(upload=SimpleUploadedFile(name, content))


def test_an_oversized_file_is_refused(settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    with pytest.raises(ValidationError, match="超过"):
        evidence_sniff(upload=SimpleUploadedFile("大.pdf", b"%PDF-" + b"0" * 2000))


def test_a_zip_bomb_disguised_as_word_is_refused(settings):
    settings.EVIDENCE_MAX_BYTES = 100_000
    bomb = docx_bytes(extra_size=5_000_000)
    assert len(bomb) < settings.EVIDENCE_MAX_BYTES
    with pytest.raises(ValidationError, match="解压后过大"):
        evidence_sniff(upload=SimpleUploadedFile("炸弹.docx", bomb))
