"""A plan's life (issue 16, item 1): 草稿 → 执行中 → 已结束 → 归档, each change a service with its checks and its audit
entry (tasks.lifecycle), and the daily job that ends a plan by itself (reports.workflow.plans)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from reports.models import ItemAction, Status, Submission, TaskReport
from reports.workflow.drafts import FigureEntry, figure_save, figures_save_bulk
from reports.workflow.plans import plans_end_due
from reports.workflow.selectors import obligations_by_unit, plan_outstanding
from reports.workflow.services import item_approve, item_reopen, item_submit
from targets.models import Indicator, WorkPlan
from tasks.lifecycle import SYSTEM, plan_archive, plan_end, plan_open
from tasks.selectors import plan_readiness
from tasks.services import plan_import, plan_reporting_defaults
from tests.units.factories import PASSWORD, UserFactory
from units.models import AuditEvent, User

from ..reports.factories import indicator, period
from .test_services import another_plan


@pytest.fixture
def draft(plan, office_user) -> WorkPlan:
    """A second plan (test data: the Deyang plan's structure, 2025-07 to 2027-12), imported as a draft, with its
    reporting units preset from the responsible units."""
    draft = plan_import(data=another_plan(), status=WorkPlan.Status.DRAFT)
    plan_reporting_defaults(user=office_user, plan=draft)
    return draft


def events(action: str, plan: WorkPlan) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, object_id=str(plan.pk)))


# 开放填报


def test_opening_refuses_while_an_indicator_has_nobody_to_report_it(draft, office_user):
    Indicator.reporting_units.through.objects.filter(indicator__plan=draft, indicator__code="1.1").delete()
    assert plan_readiness(plan=draft).blocking == [
        "还有1项指标没有指定报送单位（1.1），开放后无人填报。请先点击“按责任单位预设报送单位”或在管理后台指定"
    ]
    with pytest.raises(ValidationError, match="1.1"):
        plan_open(user=office_user, plan=draft, acknowledged=True)
    draft.refresh_from_db()
    assert draft.status == WorkPlan.Status.DRAFT and not events("plan_open", draft)


def test_opening_lists_what_is_missing_and_needs_the_office_to_acknowledge_it(draft, office_user, settings):
    settings.PORTAL_TODAY = "2025-11-01"  # 2025Q3 (due 2025-10-10) is already past its due date
    Indicator.objects.filter(plan=draft, code="1.3").update(baseline_value=None)
    missing = plan_readiness(plan=draft).missing
    assert any(m.startswith("指标 1.3 ") and "需填写基线值" in m for m in missing)
    assert (
        "1个季度的报送截止日已过（2025年第三季度至2025年第三季度），开放后将立即显示为逾期未报，可在管理后台调整截止日"
        in missing
    )
    # Nobody has a reporter account in the test database yet: every unit that owes something is listed.
    assert any("个单位还没有填报员账号：" in m for m in missing)
    with pytest.raises(ValidationError, match=f"还有{len(missing)}项内容待补充"):
        plan_open(user=office_user, plan=draft)
    assert plan_open(user=office_user, plan=draft, acknowledged=True) is True
    draft.refresh_from_db()
    assert draft.status == WorkPlan.Status.ACTIVE and draft.opened_at is not None
    (event,) = events("plan_open", draft)
    assert event.username == office_user.username and "指标 1.3" in event.detail
    # A double click: no second entry.
    assert plan_open(user=office_user, plan=draft, acknowledged=True) is False
    assert len(events("plan_open", draft)) == 1


def test_a_unit_with_a_reporter_is_not_listed_as_missing_one(draft):
    def without_reporters() -> str:
        return next(m for m in plan_readiness(plan=draft).missing if "还没有填报员账号" in m)

    assert "旌阳区" in without_reporters()
    UserFactory(role=User.Role.REPORTER, unit_code="jingyang")
    assert "旌阳区" not in without_reporters()


def test_only_the_office_opens_ends_or_archives_a_plan(draft, plan, jingyang):
    with pytest.raises(PermissionDenied):
        plan_open(user=jingyang, plan=draft)
    with pytest.raises(PermissionDenied):
        plan_end(user=jingyang, plan=plan, reason="测试数据")
    with pytest.raises(PermissionDenied):
        plan_archive(user=jingyang, plan=plan)
    assert WorkPlan.objects.get(pk=plan.pk).status == WorkPlan.Status.ACTIVE


# 结束 and 归档


def test_the_office_ends_a_plan_then_archives_it(plan, office_user):
    with pytest.raises(ValidationError, match="尚未结束，请先结束方案再归档"):
        plan_archive(user=office_user, plan=plan)
    with pytest.raises(ValidationError, match="请填写结束方案的理由"):
        plan_end(user=office_user, plan=plan, reason="  ")
    assert plan_end(user=office_user, plan=plan, reason="工作期已满（测试数据）") is True
    assert plan_end(user=office_user, plan=plan, reason="again") is False
    plan.refresh_from_db()
    assert plan.status == WorkPlan.Status.CLOSED and plan.ended_at is not None
    assert [e.detail for e in events("plan_end", plan)] == ["工作期已满（测试数据）"]
    with pytest.raises(ValidationError, match="不能再开放填报"):
        plan_open(user=office_user, plan=plan, acknowledged=True)

    assert plan_archive(user=office_user, plan=plan) is True
    assert plan_archive(user=office_user, plan=plan) is False
    assert WorkPlan.objects.get(pk=plan.pk).status == WorkPlan.Status.ARCHIVED
    assert len(events("plan_archive", plan)) == 1


def test_a_draft_cannot_be_ended(draft, office_user):
    with pytest.raises(ValidationError, match="还是草稿"):
        plan_end(user=office_user, plan=draft, reason="测试数据")


def test_an_archived_plan_is_read_only(plan, office_user, jingyang, in_2024q1):
    q4, level = period(plan, "2023Q4"), indicator(plan, "1.1")
    figure = figure_save(
        user=jingyang,
        unit=jingyang.unit,
        period=q4,
        indicator=level,
        data={"value": Decimal(3)},
        expected_version=None,
    )
    item_submit(user=jingyang, item=figure)
    plan_end(user=office_user, plan=plan, reason="测试数据")
    plan_archive(user=office_user, plan=plan)
    with pytest.raises(ValidationError, match="已归档，只能查看"):
        item_approve(user=office_user, item=figure)
    with pytest.raises(ValidationError, match="已归档，只能查看"):
        figure_save(
            user=jingyang,
            unit=jingyang.unit,
            period=period(plan, "2023Q3"),
            indicator=level,
            data={"value": Decimal(2)},
            expected_version=None,
        )
    figure.refresh_from_db()
    assert figure.status == Status.SUBMITTED


# Ending by itself.


def _approve_everything(plan: WorkPlan) -> None:
    """Every item the plan's units owe, approved (test data, written straight to the tables)."""
    periods = list(plan.periods.all())
    figures, reports = [], []
    for unit_id, (indicators, tasks) in obligations_by_unit(plan=plan).items():
        for p in periods:
            figures += [
                Submission(indicator_id=i, unit_id=unit_id, period=p, value=1, status=Status.APPROVED)
                for i in indicators
            ]
            reports += [
                TaskReport(task_id=t, unit_id=unit_id, period=p, status=Status.APPROVED) for t in tasks
            ]
    Submission.objects.bulk_create(figures)
    TaskReport.objects.bulk_create(reports)


def test_a_plan_ends_by_itself_once_its_last_quarter_is_due_and_everything_is_approved(
    plan, jingyang, office_user
):
    last_due = max(p.due_date for p in plan.periods.all())
    assert last_due == datetime.date(2025, 7, 10)
    assert plan_outstanding(plan=plan) > 0
    assert plans_end_due(today=datetime.date(2025, 7, 15)) == []  # nothing approved yet

    _approve_everything(plan)
    assert plan_outstanding(plan=plan) == 0
    assert plans_end_due(today=last_due) == []  # the due day itself still belongs to the units
    # One figure back in review: not everything is approved.
    figure = Submission.objects.filter(period__plan=plan, unit=jingyang.unit).first()
    Submission.objects.filter(pk=figure.pk).update(status=Status.SUBMITTED)
    assert plan_outstanding(plan=plan) == 1
    assert plans_end_due(today=datetime.date(2025, 7, 15)) == []
    Submission.objects.filter(pk=figure.pk).update(status=Status.APPROVED)

    assert plans_end_due(today=datetime.date(2025, 7, 15)) == [plan]
    plan.refresh_from_db()
    assert plan.status == WorkPlan.Status.CLOSED
    (event,) = events("plan_end", plan)
    assert event.username == SYSTEM and event.user_id is None and "自动结束" in event.detail
    assert plans_end_due(today=datetime.date(2025, 7, 16)) == []


def test_plan_outstanding_counts_what_was_never_reported(plan):
    owed = obligations_by_unit(plan=plan)
    per_quarter = sum(len(i) + len(t) for i, t in owed.values())
    assert plan_outstanding(plan=plan) == per_quarter * plan.periods.count()


# Pages.


@pytest.fixture
def office_client(client, office_user):
    assert client.login(username=office_user.username, password=PASSWORD)
    return client


def test_the_open_page_asks_for_confirmation_and_keeps_the_plan_a_draft_until_given(draft, office_client):
    url = reverse("tasks:plan_open", args=[draft.pk])
    page = office_client.get(url).content.decode()
    assert "还没有填报员账号" in page and "我已核对上述待补充内容" in page
    assert "《德阳市推进国家知识产权强市建设试点城市工作方案》仍在执行中：开放后两个方案同时填报" in page
    refused = office_client.post(url, follow=True).content.decode()
    assert "项内容待补充，请在确认页核对后确认开放" in refused
    assert WorkPlan.objects.get(pk=draft.pk).status == WorkPlan.Status.DRAFT
    response = office_client.post(url, {"acknowledged": "1"})
    assert response.status_code == 302 and response.url == reverse("tasks:plan_detail", args=[draft.pk])
    assert WorkPlan.objects.get(pk=draft.pk).status == WorkPlan.Status.ACTIVE


def test_ending_needs_a_reason_and_archiving_a_tick(plan, office_client):
    end, archive = reverse("tasks:plan_end", args=[plan.pk]), reverse("tasks:plan_archive", args=[plan.pk])
    page = office_client.post(end, {"reason": " "}, follow=True).content.decode()
    assert (
        "请填写结束方案的理由" in page and WorkPlan.objects.get(pk=plan.pk).status == WorkPlan.Status.ACTIVE
    )
    page = office_client.post(end, {"reason": "工作期已满（测试数据）"}, follow=True).content.decode()
    assert "已结束，各单位不再填报" in page and "归档后只能查看，不能再修改" in page
    page = office_client.post(archive, follow=True).content.decode()
    assert "请勾选" in page and WorkPlan.objects.get(pk=plan.pk).status == WorkPlan.Status.CLOSED
    office_client.post(archive, {"acknowledged": "1"})
    assert WorkPlan.objects.get(pk=plan.pk).status == WorkPlan.Status.ARCHIVED


def test_reporters_cannot_reach_the_lifecycle_pages(plan, draft, client, jingyang):
    assert client.login(username=jingyang.username, password=PASSWORD)
    assert client.get(reverse("tasks:plan_open", args=[draft.pk])).status_code == 403
    assert client.post(reverse("tasks:plan_end", args=[plan.pk]), {"reason": "x"}).status_code == 403
    assert WorkPlan.objects.get(pk=plan.pk).status == WorkPlan.Status.ACTIVE


def test_the_status_is_not_editable_in_the_admin():
    from django.contrib import admin

    assert {"status", "opened_at", "ended_at"} <= set(admin.site._registry[WorkPlan].readonly_fields)


# An ended plan's figures change only through the office.


def test_in_an_ended_plan_a_unit_changes_only_what_the_office_sent_back(
    plan, office_user, jingyang, in_2024q1
):
    level, other, third = (indicator(plan, code) for code in ("1.1", "1.2", "1.4"))

    def save(ind, value, version=None):
        return figure_save(
            user=jingyang,
            unit=jingyang.unit,
            period=period(plan, "2023Q4"),  # read afresh, with its plan's status, as each request does
            indicator=ind,
            data={"value": Decimal(value)},
            expected_version=version,
        )

    approved, draft = save(level, 3), save(other, 4)
    item_submit(user=jingyang, item=approved)
    item_approve(user=office_user, item=approved)
    plan_end(user=office_user, plan=plan, reason="测试数据")
    message = "已结束，只能修改办公室退回或同意重新打开的数据"
    with pytest.raises(ValidationError, match=message):
        save(third, 5)  # nothing new
    with pytest.raises(ValidationError, match=message):
        save(other, 6, draft.version)  # a draft left at the end stays as it was
    with pytest.raises(ValidationError, match=message):
        item_submit(user=jingyang, item=draft)
    refused = figures_save_bulk(
        user=jingyang,
        unit=jingyang.unit,
        period=period(plan, "2023Q4"),
        entries=[FigureEntry(indicator=third, data={"value": Decimal(5)}, expected_version=None)],
        action=ItemAction.SAVE,
    )
    assert message in refused[0].messages[0]

    # The office reopens the approved figure: the unit corrects it, submits it, the office approves it.
    item_reopen(user=office_user, item=approved, reason="更正口径（测试数据）")
    approved.refresh_from_db()
    corrected = save(level, 7, approved.version)
    assert item_submit(user=jingyang, item=corrected) is True
    assert item_approve(user=office_user, item=corrected) is True
    assert Submission.objects.get(pk=corrected.pk).value == Decimal(7)


def test_an_ended_plans_sheet_says_so_and_offers_no_inputs(client, plan, office_user, jingyang, in_2024q1):
    figure = figure_save(
        user=jingyang,
        unit=jingyang.unit,
        period=period(plan, "2023Q4"),
        indicator=indicator(plan, "1.1"),
        data={"value": Decimal(3)},
        expected_version=None,
    )
    client.force_login(jingyang)
    url = reverse("reports:sheet", args=["jingyang", "2023Q4"])
    assert f'name="f{figure.indicator_id}-value"' in client.get(url).content.decode()
    plan_end(user=office_user, plan=plan, reason="测试数据")
    page = client.get(url).content.decode()
    assert "已结束：只能修改办公室退回或同意重新打开的数据" in page
    assert f'name="f{figure.indicator_id}-value"' not in page
