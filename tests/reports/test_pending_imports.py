"""A previewed Excel upload is kept in the file storage until it is confirmed; one never confirmed is deleted by the
nightly clean-up after a day, and a confirmed one at once."""

import datetime
import os

from django.core.files.storage import default_storage
from django.utils import timezone

from reports.jobs import pending_imports_clean_all
from reports.workflow.excel.pending import (
    PENDING_HOURS,
    pending_import_drop,
    pending_import_keep,
    pending_import_read,
    pending_imports_clean,
)

SHEET = {"user_id": 7, "unit_code": "jingyang", "period_code": "2023Q4"}


def _age(token: str, hours: float) -> None:
    """Make the kept file look `hours` old (the storage dates it by its modification time)."""
    path = default_storage.path(f"imports/7-jingyang-2023Q4-{token}.xlsx")
    when = (timezone.now() - datetime.timedelta(hours=hours)).timestamp()
    os.utime(path, (when, when))


def test_a_kept_upload_is_read_back_only_by_its_user_for_its_sheet():
    token = pending_import_keep(**SHEET, content=b"PK-test-data")
    assert pending_import_read(**SHEET, token=token) == b"PK-test-data"
    assert pending_import_read(**{**SHEET, "user_id": 8}, token=token) is None
    assert pending_import_read(**{**SHEET, "unit_code": "guanghan"}, token=token) is None
    pending_import_drop(**SHEET, token=token)
    assert pending_import_read(**SHEET, token=token) is None


def test_an_upload_never_confirmed_is_deleted_after_a_day_and_a_recent_one_kept():
    old = pending_import_keep(**SHEET, content=b"old")
    recent = pending_import_keep(**SHEET, content=b"recent")
    _age(old, PENDING_HOURS + 1)
    _age(recent, PENDING_HOURS - 1)
    assert pending_imports_clean() == 1
    assert pending_import_read(**SHEET, token=old) is None
    assert pending_import_read(**SHEET, token=recent) == b"recent"
    assert pending_imports_clean() == 0  # safe to run twice


def test_the_nightly_job_cleans_up_and_copes_with_no_uploads_at_all():
    assert pending_imports_clean_all() == 0  # no imports folder yet
    token = pending_import_keep(**SHEET, content=b"x")
    _age(token, PENDING_HOURS * 2)
    assert pending_imports_clean_all() == 1
