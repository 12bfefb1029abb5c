"""CSRF: a form posted from another site (no token) is refused with 403 and stores nothing, on the sheet, the review
queue and an upload; the refusal is audited."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from reports.models import Evidence, Status, Submission
from reports.workflow.drafts import figure_save
from reports.workflow.services import item_submit
from tests.conftest import PASSWORD
from units.models import AuditEvent, User

from .reports.factories import indicator, period

pytestmark = pytest.mark.usefixtures("in_2024q1")


@pytest.fixture
def browser():
    """A client that checks CSRF tokens as a real browser session would be checked."""
    return Client(enforce_csrf_checks=True)


def assert_refused_as_forged(response, user: User) -> None:
    assert response.status_code == 403
    denied = AuditEvent.objects.filter(action="denied", username=user.username)
    assert denied.exists()


def test_a_sheet_posted_without_a_token_is_refused(browser, plan, jingyang):
    assert browser.login(username=jingyang.username, password=PASSWORD)
    one = indicator(plan, "1.1").pk
    response = browser.post(
        reverse("reports:sheet", args=["jingyang", "2023Q4"]), {f"f{one}-value": "61", f"f{one}-version": "0"}
    )
    assert_refused_as_forged(response, jingyang)
    assert not Submission.objects.exists()


def test_a_review_act_posted_without_a_token_is_refused(browser, plan, jingyang, office_user):
    figure = figure_save(
        user=jingyang, unit=jingyang.unit, period=period(plan, "2023Q4"), indicator=indicator(plan, "1.1"),
        data={"value": 5}, expected_version=None,
    )  # fmt: skip
    item_submit(user=jingyang, item=figure)
    assert browser.login(username=office_user.username, password=PASSWORD)
    response = browser.post(reverse("reports:review_act"), {"action": "approve", "figure": [figure.pk]})
    assert_refused_as_forged(response, office_user)
    figure.refresh_from_db()
    assert figure.status == Status.SUBMITTED


def test_an_upload_posted_without_a_token_is_refused(browser, plan, jingyang):
    assert browser.login(username=jingyang.username, password=PASSWORD)
    url = reverse("reports:item_detail", args=["jingyang", "2023Q4", "figure", indicator(plan, "1.1").pk])
    response = browser.post(url, {"action": "upload", "file": SimpleUploadedFile("a.pdf", b"%PDF-1.4 x")})
    assert_refused_as_forged(response, jingyang)
    assert not Evidence.objects.exists() and not Submission.objects.exists()


def test_with_the_pages_token_the_same_sheet_post_is_accepted(browser, plan, jingyang):
    """The control: the refusals above are the missing token's, not the request's."""
    assert browser.login(username=jingyang.username, password=PASSWORD)
    url = reverse("reports:sheet", args=["jingyang", "2023Q4"])
    token = browser.get(url).context["csrf_token"]
    one = indicator(plan, "1.1").pk
    response = browser.post(
        url, {f"f{one}-value": "61", f"f{one}-version": "0", "csrfmiddlewaretoken": str(token)}
    )
    assert response.status_code == 302
    assert Submission.objects.get().status == Status.DRAFT
