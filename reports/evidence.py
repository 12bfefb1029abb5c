"""What counts as a supporting document: the content is checked, not just the file name."""

import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# extension → (content type, test on the first bytes)
SIGNATURES = {
    ".pdf": ("application/pdf", lambda head: head.startswith(b"%PDF-")),
    ".png": ("image/png", lambda head: head.startswith(b"\x89PNG\r\n\x1a\n")),
    ".jpg": ("image/jpeg", lambda head: head.startswith(b"\xff\xd8\xff")),
    ".jpeg": ("image/jpeg", lambda head: head.startswith(b"\xff\xd8\xff")),
    ".doc": ("application/msword", lambda head: head.startswith(OLE2)),
    ".xls": ("application/vnd.ms-excel", lambda head: head.startswith(OLE2)),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        lambda head: head.startswith(b"PK\x03\x04"),
    ),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        lambda head: head.startswith(b"PK\x03\x04"),
    ),
}
OOXML_PART = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml"}
ACCEPTED = "PDF、图片（PNG/JPG）、Word（DOC/DOCX）、Excel（XLS/XLSX）"


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}MB"


def evidence_sniff(*, upload: UploadedFile) -> str:
    """The content type of an acceptable evidence file. Raises ValidationError saying what is wrong."""
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            f"文件“{upload.name}”大小为{_megabytes(upload.size)}，超过{_megabytes(limit)}的限制"
        )
    if upload.size == 0:
        raise ValidationError(f"文件“{upload.name}”是空文件")
    extension = PurePath(upload.name).suffix.lower()
    if extension not in SIGNATURES:
        raise ValidationError(f"不接受“{extension or '无扩展名'}”类型的文件，请上传{ACCEPTED}")
    content_type, matches = SIGNATURES[extension]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not matches(head):
        raise ValidationError(
            f"文件“{upload.name}”的内容不是{extension.lstrip('.').upper()}格式，请检查后重新上传"
        )
    if extension in OOXML_PART:
        _check_office_zip(upload, extension, limit)
    return content_type


def _check_office_zip(upload: UploadedFile, extension: str, limit: int) -> None:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise ValidationError(f"文件“{upload.name}”已损坏，无法打开") from None
    finally:
        upload.seek(0)
    if OOXML_PART[extension] not in names:
        raise ValidationError(
            f"文件“{upload.name}”的内容不是{extension.lstrip('.').upper()}格式，请检查后重新上传"
        )
    if unpacked > limit * 10:
        raise ValidationError(f"文件“{upload.name}”解压后过大，疑似异常文件，已拒绝")
