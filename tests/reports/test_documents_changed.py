"""A written bulletin or evaluation says when its figures were computed, and says it is out of date once a figure it
covers is approved or reopened afterwards (issue 16, "the evaluation says when it was last recomputed"): the ended
plan's documents stay as they were, and the office sees when a granted reopen has changed what they would say.
Test data: 旌阳区's figure 1.1 of the Deyang fixture plan."""

import datetime

import pytest
from django.urls import reverse

from reports.documents.selectors import documents_visible_to
from reports.models import Document, Submission
from reports.workflow.drafts import figure_save
from reports.workflow.services import item_approve, item_reopen, item_return, item_submit
from targets.periods import portal_now

from .factories import indicator, period

pytestmark = pytest.mark.usefixtures("after_the_plan")


def approved(plan, user, office, code: str) -> Submission:
    item = figure_save(
        user=user,
        unit=user.unit,
        period=period(plan, code),
        indicator=indicator(plan, "1.1"),
        data={"value": 50},
        expected_version=None,
    )
    assert item_submit(user=user, item=item)
    assert item_approve(user=office, item=item)
    return item


def written(plan, office, kind: str, code: str | None = None) -> Document:
    """A document as the job leaves it once written (its file is not what is tested here)."""
    now = portal_now()
    return Document.objects.create(
        plan=plan,
        kind=kind,
        period=period(plan, code) if code else None,
        state=Document.State.DONE,
        created_by=office,
        created_at=now - datetime.timedelta(minutes=1),
        finished_at=now,
    )


def changed(plan, office) -> dict[str, int]:
    return {d.kind: d.changed for d in documents_visible_to(user=office, plan=plan)}


def test_a_document_is_up_to_date_until_a_figure_it_covers_is_reopened_or_approved(
    client, settings, plan, jingyang, office_user
):
    settings.PORTAL_TODAY = "2025-08-01"
    early, late = (
        approved(plan, jingyang, office_user, "2023Q4"),
        approved(plan, jingyang, office_user, "2025Q2"),
    )
    written(plan, office_user, Document.Kind.EVALUATION)
    written(plan, office_user, Document.Kind.BULLETIN, "2024Q1")
    assert changed(plan, office_user) == {Document.Kind.EVALUATION: 0, Document.Kind.BULLETIN: 0}

    settings.PORTAL_TODAY = "2025-08-02"  # a day later the office reopens the last quarter's figure
    assert item_reopen(user=office_user, item=late, reason="数据口径调整")
    # The evaluation covers 2025Q2; the bulletin of 2024Q1 does not.
    assert changed(plan, office_user) == {Document.Kind.EVALUATION: 1, Document.Kind.BULLETIN: 0}
    assert item_reopen(user=office_user, item=early, reason="数据口径调整")
    assert changed(plan, office_user) == {Document.Kind.EVALUATION: 2, Document.Kind.BULLETIN: 1}

    client.force_login(office_user)
    page = client.get(reverse("reports:document_list")).content.decode()
    assert page.count('data-testid="computed-at"') == 2
    assert "按2025-08-01" in page
    assert "此后有2项数据审核通过或重新打开" in page and "此后有1项数据审核通过或重新打开" in page


def test_a_figure_returned_before_its_first_approval_does_not_date_a_document(
    settings, plan, jingyang, office_user
):
    settings.PORTAL_TODAY = "2025-08-01"
    written(plan, office_user, Document.Kind.EVALUATION)
    settings.PORTAL_TODAY = "2025-08-02"
    item = figure_save(
        user=jingyang,
        unit=jingyang.unit,
        period=period(plan, "2025Q2"),
        indicator=indicator(plan, "1.1"),
        data={"value": 50},
        expected_version=None,
    )
    assert item_submit(user=jingyang, item=item)
    assert item_return(user=office_user, item=item, reason="请补充说明")
    assert changed(plan, office_user) == {Document.Kind.EVALUATION: 0}
    item.refresh_from_db()
    assert item_submit(user=jingyang, item=item)
    assert item_approve(user=office_user, item=item)  # a late figure: the evaluation did not have it
    assert changed(plan, office_user) == {Document.Kind.EVALUATION: 1}
