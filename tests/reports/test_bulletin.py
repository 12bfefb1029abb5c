"""The quarterly bulletin (季度通报) written by a real worker. Its figures, its Word document and the office's request
are tested on the demo data, in tests/reports/demo/test_bulletin_demo.py."""

import time

import pytest

from reports.documents.services import document_request
from reports.models import Document
from tests.markers import needs_worker
from units.models import User

from .factories import period

pytestmark = pytest.mark.usefixtures("after_the_plan")


@needs_worker
@pytest.mark.worker
def test_on_a_real_worker_a_requested_bulletin_is_written(transactional_db, plan, make_user):
    office = make_user("office-w", User.Role.OFFICE, "ldxzbgs")
    document = document_request(
        user=office, plan=plan, kind=Document.Kind.BULLETIN, period=period(plan, "2023Q4")
    )
    for _ in range(120):  # the worker picks the job up once the request commits (autocommit here)
        document.refresh_from_db()
        if document.state in (Document.State.DONE, Document.State.FAILED):
            break
        time.sleep(0.5)
    assert (document.state, document.error) == (Document.State.DONE, "")
    assert document.file.name.endswith(".docx") and document.finished_at is not None
