"""Comments on a figure (issue 18, item 6): a short thread between the reporting unit and the office, kept with the
item, in its history and in the audit log; nobody else writes in it. Test data: 旌阳区's figure 1.1 of 2023Q4."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from reports.models import ItemComment
from reports.workflow.comments import item_comment_add
from reports.workflow.drafts import figure_save
from reports.workflow.history import item_history
from units.models import AuditEvent, User

from .factories import indicator, period

pytestmark = pytest.mark.usefixtures("in_2024q1")


@pytest.fixture
def figure(plan, jingyang):
    return figure_save(
        user=jingyang,
        unit=jingyang.unit,
        period=period(plan, "2023Q4"),
        indicator=indicator(plan, "1.1"),
        data={"value": 58},
        expected_version=None,
    )


def page_url(figure) -> str:
    return reverse("reports:item_detail", args=["jingyang", "2023Q4", "figure", figure.indicator_id])


def test_the_unit_asks_the_office_answers_and_both_are_in_the_thread_and_the_history(
    client, figure, jingyang, office_user
):
    client.force_login(jingyang)
    client.post(
        page_url(figure), {"action": "comment", "text": "  较上季度增加较多，是因为新认定了一批企业。 "}
    )
    client.force_login(office_user)
    response = client.post(page_url(figure), {"action": "comment", "text": "请上传认定名单。"}, follow=True)
    assert [(c.author, c.text) for c in response.context["comments"]] == [
        (jingyang, "较上季度增加较多，是因为新认定了一批企业。"),
        (office_user, "请上传认定名单。"),
    ]
    history = item_history(item=figure)
    assert [(e["who"], e["why"]) for e in history[:2]] == [
        (office_user, "留言：请上传认定名单。"),
        (jingyang, "留言：较上季度增加较多，是因为新认定了一批企业。"),
    ]
    assert AuditEvent.objects.filter(action="item_comment").count() == 2
    assert "请上传认定名单。" in response.content.decode()


def test_another_unit_cannot_read_or_write_the_thread(client, figure, guanghan_user):
    client.force_login(guanghan_user)
    response = client.post(page_url(figure), {"action": "comment", "text": "我们也想留言"})
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        item_comment_add(user=guanghan_user, item=figure, text="我们也想留言")
    assert not ItemComment.objects.exists()


def test_a_leader_reads_but_does_not_write_in_the_thread(figure, make_user):
    leader = make_user("leader-comment", User.Role.LEADER)
    with pytest.raises(PermissionDenied):
        item_comment_add(user=leader, item=figure, text="请说明")


@pytest.mark.parametrize(
    ("text", "message"), [("   ", "请填写留言内容"), ("长" * 501, "留言最多500字，现有501字，请精简后再发")]
)
def test_an_empty_or_too_long_comment_is_refused_with_what_to_fix(client, figure, jingyang, text, message):
    with pytest.raises(ValidationError, match=message):
        item_comment_add(user=jingyang, item=figure, text=text)
    client.force_login(jingyang)
    response = client.post(page_url(figure), {"action": "comment", "text": text}, follow=True)
    assert message in response.content.decode()
    assert not ItemComment.objects.exists()


def test_no_comment_on_an_archived_plan(figure, jingyang, plan):
    plan.status = plan.Status.ARCHIVED
    plan.save(update_fields=["status"])
    figure.period.plan.refresh_from_db()
    with pytest.raises(ValidationError, match="已归档"):
        item_comment_add(user=jingyang, item=figure, text="补充说明")
