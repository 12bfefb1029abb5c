"""A granted reopen reads as a reopen, with the office's words, not as a return quoting the unit's own request
(issue 15, item 4); a return still reads as a return."""

from decimal import Decimal

import pytest
from django.urls import reverse

from reports.models import ReopenRequest
from reports.workflow.drafts import figure_save
from reports.workflow.services import (
    item_approve,
    item_return,
    item_submit,
    reopen_request_create,
    reopen_request_decide,
)

from .factories import indicator, period

pytestmark = pytest.mark.usefixtures("in_2024q1")

REQUEST = "户数统计口径有误，需更正"
OFFICE_WORDS = "同意，请按年末认定名单更正后重新提交"


@pytest.fixture
def approved(plan, jingyang, office_user):
    figure = figure_save(
        user=jingyang, unit=jingyang.unit, period=period(plan, "2023Q4"), indicator=indicator(plan, "1.1"),
        data={"value": Decimal("41")}, expected_version=None,
    )  # fmt: skip
    item_submit(user=jingyang, item=figure)
    item_approve(user=office_user, item=figure)
    figure.refresh_from_db()
    return figure


def _pages(client, jingyang, figure) -> tuple[str, str]:
    client.force_login(jingyang)
    sheet = client.get(reverse("reports:sheet", args=["jingyang", "2023Q4"])).content.decode()
    item = client.get(
        reverse("reports:item_detail", args=["jingyang", "2023Q4", "figure", figure.indicator_id])
    ).content.decode()
    return sheet, item


def test_a_granted_reopen_shows_as_reopened_with_the_offices_words(client, jingyang, office_user, approved):
    request = reopen_request_create(user=jingyang, item=approved, reason=REQUEST)
    reopen_request_decide(user=office_user, request=request, grant=True, note=OFFICE_WORDS)
    assert ReopenRequest.objects.get().decision == "granted"
    sheet, item = _pages(client, jingyang, approved)
    assert '<span class="status status-returned">已重新打开</span>' in sheet and OFFICE_WORDS in sheet
    assert '<span class="status status-returned">已退回</span>' not in sheet and "退回原因" not in sheet
    heading = item.split("</h1>")[
        0
    ]  # the item's page: its status and the office's words (its history lists all)
    assert "已重新打开" in heading and "已退回" not in heading
    assert f'领导小组办公室意见</dt><dd class="return-reason">{OFFICE_WORDS}' in item


def test_a_reopen_granted_without_words_says_so_plainly(client, jingyang, office_user, approved):
    request = reopen_request_create(user=jingyang, item=approved, reason=REQUEST)
    reopen_request_decide(user=office_user, request=request, grant=True)
    sheet, item = _pages(client, jingyang, approved)
    assert "已同意重新打开申请" in sheet and "退回原因" not in sheet


def test_a_return_still_reads_as_a_return(client, plan, jingyang, office_user):
    figure = figure_save(
        user=jingyang, unit=jingyang.unit, period=period(plan, "2023Q4"), indicator=indicator(plan, "1.1"),
        data={"value": Decimal("41")}, expected_version=None,
    )  # fmt: skip
    item_submit(user=jingyang, item=figure)
    item_return(user=office_user, item=figure, reason="请核对")
    sheet, item = _pages(client, jingyang, figure)
    assert '<span class="status status-returned">已退回</span>' in sheet and "退回原因：请核对" in sheet
    assert "已重新打开" not in sheet


def test_a_reopen_left_three_days_is_an_alert_that_says_reopened(
    settings, plan, jingyang, office_user, approved
):
    from reports.alerts.services import alerts_refresh
    from reports.models import Alert

    request = reopen_request_create(user=jingyang, item=approved, reason=REQUEST)
    reopen_request_decide(user=office_user, request=request, grant=True, note=OFFICE_WORDS)
    settings.PORTAL_TODAY = "2024-01-09"
    alerts_refresh(plan=plan)
    [alert] = Alert.objects.filter(kind=Alert.Kind.RETURNED_STALE)
    assert "重新打开" in alert.message and OFFICE_WORDS in alert.message and "被退回" not in alert.message
