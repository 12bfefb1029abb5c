"""单位审核 (issue 18, item 4): where a unit has its own review on, what its reporters submit goes to its 单位审核人
first, who passes it to the office or returns it; a county reviews what its sub-units (towns, departments the office
adds) submit. Off by default: a unit without it submits straight to the office. Test data: 旌阳区's 2023Q4 sheet."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from reports.models import ItemAction, ReportingTally, Status, Submission
from reports.workflow.drafts import figure_save, task_report_save
from reports.workflow.history import item_history
from reports.workflow.selectors import (
    review_queue,
    unit_review_queue,
    unit_review_queue_task_reports,
)
from reports.workflow.services import (
    item_approve,
    item_forward,
    item_submit,
    item_unit_return,
    items_unit_review,
)
from tests.conftest import PASSWORD
from units.models import AuditEvent, Unit, User
from units.selectors import units_visible_to

from .factories import indicator, period, task

pytestmark = pytest.mark.usefixtures("in_2024q1")


@pytest.fixture
def reviewed(plan) -> Unit:
    unit = Unit.objects.get(code="jingyang")
    unit.unit_review = True
    unit.save(update_fields=["unit_review"])
    return unit


@pytest.fixture
def head(make_user, reviewed) -> User:
    return make_user("jy-head", User.Role.UNIT_HEAD, "jingyang")


def draft(user, plan, code="1.1", value=58, unit=None):
    return figure_save(
        user=user,
        unit=unit or user.unit,
        period=period(plan, "2023Q4"),
        indicator=indicator(plan, code),
        data={"value": value},
        expected_version=None,
    )


def test_a_reporters_submission_waits_for_the_unit_head_then_reaches_the_office(
    plan, jingyang, head, office_user
):
    figure = draft(jingyang, plan)
    assert item_submit(user=jingyang, item=figure)
    figure.refresh_from_db()
    assert figure.status == Status.PENDING and figure.first_submitted_at is None
    assert figure not in review_queue(user=office_user)
    assert list(unit_review_queue(user=head)) == [figure]
    with pytest.raises(ValidationError, match="只有已提交的数据可以审核"):
        item_approve(user=office_user, item=figure)  # the office does not see it yet

    assert item_forward(user=head, item=figure)
    assert not item_forward(user=head, item=figure)  # a double click passes it once
    figure.refresh_from_db()
    assert figure.status == Status.SUBMITTED and figure.first_submitted_at is not None
    assert list(review_queue(user=office_user)) == [figure]
    assert ReportingTally.objects.get(unit=figure.unit, period=figure.period).on_time == 1
    assert item_approve(user=office_user, item=figure)
    actions = list(figure.history.order_by("history_date", "history_id").values_list("action", flat=True))
    assert actions == [ItemAction.CREATE, ItemAction.TO_UNIT, ItemAction.FORWARD, ItemAction.APPROVE]
    shown = [entry["why"] for entry in item_history(item=figure)]
    assert {"提交单位审核", "单位审核通过，报送办公室", "审核通过"} <= set(shown)
    logged = AuditEvent.objects.filter(object_id=str(figure.pk)).values_list("action", "username")
    assert ("item_forward", "jy-head") in set(logged)


def test_the_unit_head_returns_an_item_to_its_reporter_with_a_reason(plan, jingyang, head, office_user):
    figure = draft(jingyang, plan)
    item_submit(user=jingyang, item=figure)
    with pytest.raises(ValidationError, match="退回原因"):
        item_unit_return(user=head, item=figure, reason=" ")
    assert item_unit_return(user=head, item=figure, reason="单位口径不对，请按年末数填写")
    figure.refresh_from_db()
    assert (figure.status, figure.return_reason) == (Status.RETURNED, "单位口径不对，请按年末数填写")
    assert figure.reviewed_by is None  # the office has not reviewed it
    assert figure.history.latest("history_date").action == ItemAction.UNIT_RETURN
    # corrected and submitted again: back to the unit head, not to the office
    figure = figure_save(
        user=jingyang,
        unit=jingyang.unit,
        period=figure.period,
        indicator=figure.indicator,
        data={"value": 61},
        expected_version=figure.version,
    )
    item_submit(user=jingyang, item=figure)
    figure.refresh_from_db()
    assert figure.status == Status.PENDING and figure not in review_queue(user=office_user)


def test_the_unit_heads_own_submission_and_a_unit_without_review_go_straight_to_the_office(
    plan, jingyang, head, guanghan_user
):
    own = draft(head, plan, "1.1")
    item_submit(user=head, item=own)
    other = draft(guanghan_user, plan, "1.1")
    item_submit(user=guanghan_user, item=other)
    assert {i.status for i in Submission.objects.all()} == {Status.SUBMITTED}


def test_only_the_units_own_head_passes_its_items(plan, jingyang, head, make_user, office_user):
    figure = draft(jingyang, plan)
    item_submit(user=jingyang, item=figure)
    other_head = make_user("gh-head", User.Role.UNIT_HEAD, "guanghan")
    for user in (other_head, jingyang, office_user):
        with pytest.raises(PermissionDenied):
            item_forward(user=user, item=figure)
        with pytest.raises(PermissionDenied):
            item_unit_return(user=user, item=figure, reason="不行")
    assert list(unit_review_queue(user=other_head)) == []
    figure.refresh_from_db()
    assert figure.status == Status.PENDING


def test_a_batch_is_all_or_nothing(plan, jingyang, head):
    first, second = draft(jingyang, plan, "1.1"), draft(jingyang, plan, "1.2", 3)
    report = task_report_save(
        user=jingyang,
        unit=jingyang.unit,
        period=period(plan, "2023Q4"),
        task=task(plan, "二(一)2"),
        data={"progress": "in_progress", "progress_text": "按计划推进"},
        expected_version=None,
    )
    for item in (first, second, report):
        item_submit(user=jingyang, item=item)
    assert list(unit_review_queue_task_reports(user=head)) == [report]
    with pytest.raises(ValidationError, match="退回原因"):
        items_unit_review(user=head, figures=[first, second], task_reports=[report], action="return")
    assert set(Submission.objects.values_list("status", flat=True)) == {Status.PENDING}
    done = items_unit_review(user=head, figures=[first, second], task_reports=[report], action="forward")
    assert done == 3 and set(Submission.objects.values_list("status", flat=True)) == {Status.SUBMITTED}


@pytest.fixture
def town(plan) -> Unit:
    """A town of 旌阳区 the office added as its sub-unit, reporting indicator 1.1 (test data)."""
    unit = Unit.objects.create(
        code="jy-town",
        name="旌阳区测试镇",
        full_name="旌阳区测试镇人民政府（测试数据）",
        kind=Unit.Kind.COUNTY,
        parent=Unit.objects.get(code="jingyang"),
    )
    indicator(plan, "1.1").reporting_units.add(unit)
    return unit


def test_a_county_head_reviews_what_its_sub_units_submit(plan, make_user, town, office_user):
    head = make_user("jy-head", User.Role.UNIT_HEAD, "jingyang")  # 旌阳区 itself has no unit review
    clerk = make_user("town-clerk", User.Role.REPORTER, "jy-town")
    figure = draft(clerk, plan)
    item_submit(user=clerk, item=figure)
    figure.refresh_from_db()
    assert figure.status == Status.PENDING
    assert list(unit_review_queue(user=head)) == [figure]
    assert set(units_visible_to(user=head).values_list("code", flat=True)) == {"jingyang", "jy-town"}
    jy_reporter = make_user("jy-clerk", User.Role.REPORTER, "jingyang")
    assert set(units_visible_to(user=jy_reporter).values_list("code", flat=True)) == {"jingyang"}
    with pytest.raises(PermissionDenied):  # the head reviews the town's figures; it does not write them
        draft(head, plan, unit=town)
    assert item_forward(user=head, item=figure)
    assert figure in review_queue(user=office_user)


def test_the_unit_review_page_lists_the_heads_queue_and_acts_on_it(
    client, plan, jingyang, head, guanghan_user
):
    mine = draft(jingyang, plan)
    item_submit(user=jingyang, item=mine)
    theirs = draft(guanghan_user, plan)
    Submission.objects.filter(pk=theirs.pk).update(status=Status.PENDING)  # 广汉市's, never this head's
    assert client.login(username=head.username, password=PASSWORD)
    page = client.get(reverse("reports:unit_review")).content.decode()
    assert "单位审核" in page and f'value="{mine.pk}"' in page and f'value="{theirs.pk}"' not in page
    response = client.post(
        reverse("reports:unit_review_act"), {"figure": [mine.pk, theirs.pk], "action": "forward"}
    )
    assert response.status_code == 302
    statuses = dict(Submission.objects.values_list("pk", "status"))
    assert statuses == {mine.pk: Status.SUBMITTED, theirs.pk: Status.PENDING}
    follow = client.get(response.url).content.decode()
    assert "已审核通过1项，报送领导小组办公室" in follow


def test_the_item_page_offers_the_head_its_buttons_and_the_reporter_sees_the_wait(
    client, plan, jingyang, head
):
    figure = draft(jingyang, plan)
    url = reverse("reports:item_detail", args=["jingyang", "2023Q4", "figure", figure.indicator_id])
    assert client.login(username=jingyang.username, password=PASSWORD)
    client.post(url, {"action": "submit"})
    shown = client.get(url).content.decode()
    assert "待单位审核" in shown and "已提交，等待本单位审核人审核" in shown
    assert 'value="forward"' not in shown
    client.force_login(head)
    assert 'value="forward"' in client.get(url).content.decode()
    client.post(url, {"action": "unit_return", "reason": "请补充说明"})
    figure.refresh_from_db()
    assert (figure.status, figure.return_reason) == (Status.RETURNED, "请补充说明")


def test_the_office_turns_on_a_units_review_and_adds_a_sub_unit_in_the_admin_but_changes_nothing_else(
    client, plan, office_user, town
):
    jy = Unit.objects.get(code="jingyang")
    client.force_login(office_user)
    url = reverse("admin:units_unit_change", args=[jy.pk])
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, {"unit_review": "on", "parent": "", "name": "改名（不应生效）"})
    assert response.status_code == 302
    jy.refresh_from_db()
    assert jy.unit_review and jy.name == "旌阳区人民政府"
    # one level only: 旌阳区 has a sub-unit, so it cannot itself be put under another county
    guanghan = Unit.objects.get(code="guanghan")
    refused = client.post(url, {"unit_review": "on", "parent": guanghan.pk})
    assert refused.status_code == 200 and "本单位已有下级单位" in refused.content.decode()
    jy.refresh_from_db()
    assert jy.parent_id is None
