"""What counts as a supporting document: the content is checked, not just the file name."""

import secrets
import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.models import (
    Evidence,
    ReportItem,
    Submission,
)
from reports.workflow.drafts import check_reporter, item_lock
from targets.periods import portal_now
from units.audit import audit
from units.models import User

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
ACCEPTED = gettext_lazy("PDF、图片（PNG/JPG）、Word（DOC/DOCX）、Excel（XLS/XLSX）")


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}MB"


def evidence_sniff(*, upload: UploadedFile) -> str:
    """The content type of an acceptable evidence file. Raises ValidationError saying what is wrong."""
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("文件“%(name)s”大小为%(size)s，超过%(limit)s的限制")
            % {"name": upload.name, "size": _megabytes(upload.size), "limit": _megabytes(limit)}
        )
    if upload.size == 0:
        raise ValidationError(_("文件“%(name)s”是空文件") % {"name": upload.name})
    extension = PurePath(upload.name).suffix.lower()
    if extension not in SIGNATURES:
        raise ValidationError(
            _("不接受“%(extension)s”类型的文件，请上传%(accepted)s")
            % {"extension": extension or _("无扩展名"), "accepted": ACCEPTED}
        )
    content_type, matches = SIGNATURES[extension]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not matches(head):
        raise ValidationError(
            _("文件“%(name)s”的内容不是%(format)s格式，请检查后重新上传")
            % {"name": upload.name, "format": extension.lstrip(".").upper()}
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
        raise ValidationError(_("文件“%(name)s”已损坏，无法打开") % {"name": upload.name}) from None
    finally:
        upload.seek(0)
    if OOXML_PART[extension] not in names:
        raise ValidationError(
            _("文件“%(name)s”的内容不是%(format)s格式，请检查后重新上传")
            % {"name": upload.name, "format": extension.lstrip(".").upper()}
        )
    if unpacked > limit * 10:
        raise ValidationError(_("文件“%(name)s”解压后过大，疑似异常文件，已拒绝") % {"name": upload.name})


@transaction.atomic
def evidence_add(*, user: User, item: ReportItem, upload: UploadedFile) -> Evidence:
    """Attach a supporting document to an editable item. Raises ValidationError for a file that is not what
    its name says, too large, or of a kind not accepted; PermissionDenied for another unit's item."""
    check_reporter(user, item.unit)
    item = item_lock(item)
    if not item.is_editable:
        raise ValidationError(_("此项%(status)s，不能再添加佐证材料") % {"status": item.get_status_display()})
    content_type = evidence_sniff(upload=upload)
    field = "submission" if isinstance(item, Submission) else "task_report"
    evidence = Evidence(
        **{field: item},
        token=secrets.token_hex(16),
        original_name=upload.name[-200:],
        content_type=content_type,
        size=upload.size,
        uploaded_by=user,
        uploaded_at=portal_now(),
    )
    evidence.file.save(evidence.token, upload, save=False)
    evidence.save()
    audit(
        action="upload",
        user=user,
        obj=item,
        object_repr=str(item),
        detail=f"佐证材料：{evidence.original_name}",
    )
    return evidence


@transaction.atomic
def evidence_delete(*, user: User, evidence: Evidence) -> None:
    """Remove a supporting document while its item is still editable."""
    item = evidence.submission or evidence.task_report
    check_reporter(user, item.unit)
    if not item.is_editable:
        raise ValidationError(_("此项%(status)s，不能删除佐证材料") % {"status": item.get_status_display()})
    name = evidence.original_name
    stored, storage = evidence.file.name, evidence.file.storage
    evidence.delete()
    # The file goes once the deletion commits: rolled back, the row stays and so must its file.
    transaction.on_commit(lambda: storage.delete(stored))
    audit(action="evidence_delete", user=user, obj=item, object_repr=str(item), detail=f"佐证材料：{name}")
