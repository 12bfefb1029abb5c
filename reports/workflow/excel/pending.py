"""An uploaded file between its preview and the office's or unit's 确认导入: kept in the portal's file storage (under
imports/, bound to the user, unit and quarter), read back on confirmation, deleted once imported. A file nobody
confirms is deleted by `pending_imports_clean` after PENDING_HOURS (nightly job)."""

import datetime
import secrets

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _

FOLDER = "imports"
PENDING_HOURS = 24  # a preview left longer than this is not confirmed any more: upload the file again


def _name(*, user_id: int, unit_code: str, period_code: str, token: str) -> str:
    # The user, unit and quarter are part of the name: a token only picks among one's own uploads for that sheet.
    if not token.isalnum():
        raise PermissionDenied(_("无效的上传编号"))
    return f"{FOLDER}/{user_id}-{unit_code}-{period_code}-{token}.xlsx"


def pending_import_keep(*, user_id: int, unit_code: str, period_code: str, content: bytes) -> str:
    """Keep an uploaded file until it is confirmed. Returns its token."""
    token = secrets.token_hex(12)
    name = _name(user_id=user_id, unit_code=unit_code, period_code=period_code, token=token)
    default_storage.save(name, ContentFile(content))
    return token


def pending_import_read(*, user_id: int, unit_code: str, period_code: str, token: str) -> bytes | None:
    """The kept file, or None when it is gone (imported, cleaned up, or never this user's)."""
    name = _name(user_id=user_id, unit_code=unit_code, period_code=period_code, token=token)
    if not default_storage.exists(name):
        return None
    with default_storage.open(name, "rb") as file:
        return file.read()


def pending_import_drop(*, user_id: int, unit_code: str, period_code: str, token: str) -> None:
    default_storage.delete(_name(user_id=user_id, unit_code=unit_code, period_code=period_code, token=token))


def pending_imports_clean(*, now: datetime.datetime | None = None) -> int:
    """Delete the kept files older than PENDING_HOURS. Returns how many were deleted. Safe to run twice."""
    cutoff = (now or timezone.now()) - datetime.timedelta(hours=PENDING_HOURS)
    try:
        _folders, files = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return 0
    removed = 0
    for file in files:
        name = f"{FOLDER}/{file}"
        if default_storage.get_modified_time(name) < cutoff:
            default_storage.delete(name)
            removed += 1
    return removed
