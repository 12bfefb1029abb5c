"""Alerts (预警提醒): reminders, overdue and escalated sheets, stale returns, red indicators; who sees them; e-mail.

2024Q4 is due on 2025-01-10 (quarter end + 10 days). Every earlier quarter is long overdue for every unit in
these tests (nothing was reported), so assertions pick out the 2024Q4 alerts by their key.
"""

import copy
import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from reports.alerts.mail import alerts_send_email, office_digest
from reports.alerts.selectors import alert_unread_count, alerts_for_user
from reports.alerts.services import alerts_mark_read, alerts_refresh
from reports.context_processors import alerts as alerts_context
from reports.figures.rollup import rollup_rebuild_indicator
from reports.jobs import alerts_refresh_all, office_digest_all
from reports.models import Alert, TaskReport
from reports.workflow.drafts import figure_save, task_report_save
from reports.workflow.services import item_approve, item_return, item_submit
from tasks.selectors import tasks_for_unit
from tests.conftest import PASSWORD
from tests.markers import eager_only, needs_worker
from units.models import Unit, User

from .factories import indicator, period

Q4 = "2024Q4"


@pytest.fixture
def kjj(make_user) -> User:
    """市科技局 answers for 6 tasks and reports no indicator."""
    return make_user("kjj-t", User.Role.REPORTER, "kjj")


@pytest.fixture
def sxdjq(make_user) -> User:
    """三星堆景区管委会 answers for one task."""
    return make_user("sxdjq-t", User.Role.REPORTER, "sxdjq")


def on(settings, day: str) -> None:
    settings.PORTAL_TODAY = day


def refresh(settings, plan, day: str) -> dict:
    on(settings, day)
    return alerts_refresh(plan=plan)


def key(kind: str, unit: Unit, plan, quarter: str = Q4) -> str:
    return f"{kind}:{unit.pk}:{period(plan, quarter).pk}"


def is_open(alert_key: str) -> bool:
    return Alert.objects.filter(key=alert_key, closed_at__isnull=True).exists()


def report_tasks(user: User, plan, quarter: str = Q4, *, limit: int | None = None) -> list[TaskReport]:
    """Fill in and submit the user's unit's task reports for the quarter (the first `limit` of them)."""
    reports = []
    for task in list(tasks_for_unit(unit=user.unit, plan=plan).order_by("position", "id"))[:limit]:
        report = task_report_save(
            user=user,
            unit=user.unit,
            period=period(plan, quarter),
            task=task,
            data={"progress": "in_progress", "progress_text": "按计划推进"},
            expected_version=None,
        )
        item_submit(user=user, item=report)
        reports.append(report)
    return reports


def approve_figure(office: User, plan, code: str, unit_code: str, quarter: str, value: int) -> None:
    figure = figure_save(
        user=office,
        proxy_reason="代填（测试数据）",
        unit=Unit.objects.get(code=unit_code),
        period=period(plan, quarter),
        indicator=indicator(plan, code),
        data={"value": Decimal(value)},
        expected_version=None,
    )
    item_submit(user=office, proxy_reason="代填（测试数据）", item=figure)
    item_approve(user=office, item=figure)


def test_reminders_come_7_and_then_3_days_before_the_due_date_to_a_unit_with_unreported_items(
    settings, plan, kjj
):
    refresh(settings, plan, "2025-01-02")
    assert not Alert.objects.filter(period=period(plan, Q4)).exists()

    refresh(settings, plan, "2025-01-03")
    first = Alert.objects.get(key=key("reminder_7", kjj.unit, plan))
    assert (first.count, first.closed_at) == (6, None)
    assert "将于2025年1月10日截止报送" in first.message and "6项未提交" in first.message

    refresh(settings, plan, "2025-01-07")
    assert is_open(key("reminder_3", kjj.unit, plan))
    assert not is_open(key("reminder_7", kjj.unit, plan))  # the second reminder replaces the first


def test_no_reminder_for_a_unit_that_has_reported_everything(settings, plan, kjj, sxdjq):
    on(settings, "2025-01-02")
    report_tasks(sxdjq, plan)
    for day in ("2025-01-03", "2025-01-07"):
        refresh(settings, plan, day)
        assert not Alert.objects.filter(unit=sxdjq.unit, period=period(plan, Q4)).exists()
        assert Alert.objects.filter(unit=kjj.unit, period=period(plan, Q4), closed_at=None).exists()


def test_the_day_after_the_due_date_a_unit_gets_one_overdue_alert_counting_its_missing_items(
    settings, plan, kjj
):
    on(settings, "2025-01-05")
    report_tasks(kjj, plan, limit=2)
    refresh(settings, plan, "2025-01-10")
    assert not Alert.objects.filter(kind=Alert.Kind.OVERDUE, period=period(plan, Q4)).exists()

    refresh(settings, plan, "2025-01-11")
    overdue = Alert.objects.get(kind=Alert.Kind.OVERDUE, unit=kjj.unit, period=period(plan, Q4))
    assert overdue.count == 4 and "还有4项未提交" in overdue.message
    assert not is_open(key("reminder_3", kjj.unit, plan))  # overdue replaces the reminder


def test_an_overdue_alert_is_seen_by_its_unit_and_not_by_another_unit(settings, plan, kjj, guanghan_user):
    refresh(settings, plan, "2025-01-11")
    overdue = Alert.objects.get(key=key("overdue", kjj.unit, plan))
    assert overdue in alerts_for_user(user=kjj)
    assert overdue not in alerts_for_user(user=guanghan_user)
    assert not alerts_for_user(user=guanghan_user).filter(unit=kjj.unit).exists()


def test_a_rerun_opens_nothing_twice(settings, plan, kjj):
    first = refresh(settings, plan, "2025-01-11")
    rows = Alert.objects.count()
    second = refresh(settings, plan, "2025-01-11")
    assert Alert.objects.count() == rows == first["open"]
    assert (second["opened"], second["updated"], second["closed"]) == (0, 0, 0)


def test_a_run_racing_another_inserts_nothing_twice_and_does_not_fail(settings, plan, kjj, monkeypatch):
    """The other run inserts its rows after this one has read the table and before it inserts its own."""
    on(settings, "2025-01-11")
    bulk_create = Alert.objects.bulk_create
    raced = []

    def after_the_other_run(objs, **kwargs):
        if not raced:
            raced.append(True)
            alerts_refresh(plan=plan)  # the concurrent run commits first
        return bulk_create(objs, **kwargs)

    monkeypatch.setattr(Alert.objects, "bulk_create", after_the_other_run)
    result = alerts_refresh(plan=plan)
    assert raced
    assert Alert.objects.count() == result["open"]
    assert Alert.objects.filter(key=key("overdue", kjj.unit, plan)).count() == 1


def test_the_overdue_alert_closes_once_the_unit_has_submitted_everything(settings, plan, kjj):
    refresh(settings, plan, "2025-01-11")
    overdue = Alert.objects.get(key=key("overdue", kjj.unit, plan))
    on(settings, "2025-01-12")
    report_tasks(kjj, plan)
    result = refresh(settings, plan, "2025-01-12")
    overdue.refresh_from_db()
    assert overdue.closed_at is not None and result["closed"] >= 1
    assert overdue not in alerts_for_user(user=kjj)


@eager_only
def test_submitting_on_the_sheet_closes_the_overdue_alert_at_once(
    client, settings, plan, sxdjq, django_capture_on_commit_callbacks
):
    """No wait for the next scheduled refresh: the bell is right as soon as the unit has submitted."""
    refresh(settings, plan, "2025-01-11")
    overdue = Alert.objects.get(key=key("overdue", sxdjq.unit, plan))
    (owed,) = tasks_for_unit(unit=sxdjq.unit, plan=plan)
    client.force_login(sxdjq)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:sheet", args=["sxdjq", Q4]),
            {
                f"t{owed.pk}-progress": "in_progress",
                f"t{owed.pk}-progress_text": "按计划推进",
                f"t{owed.pk}-version": "0",
                "action": "submit_all",
            },
        )
    assert response.status_code == 302
    overdue.refresh_from_db()
    assert overdue.closed_at is not None


def test_a_week_after_the_due_date_the_sheet_is_escalated_to_the_office(settings, plan, kjj, office_user):
    refresh(settings, plan, "2025-01-16")
    overdue = Alert.objects.get(key=key("overdue", kjj.unit, plan), closed_at=None)
    assert overdue not in alerts_for_user(
        user=office_user
    )  # the office hears of it a week late, or in its digest

    refresh(settings, plan, "2025-01-17")
    escalated = Alert.objects.get(key=key("escalated", kjj.unit, plan))
    assert escalated.for_office and "已报领导小组办公室" in escalated.message
    assert escalated in alerts_for_user(user=office_user)
    assert escalated in alerts_for_user(user=kjj)
    assert not is_open(key("overdue", kjj.unit, plan))


def test_a_returned_item_left_3_days_alerts_its_unit_and_closes_after_resubmission(
    settings, plan, kjj, guanghan_user, office_user
):
    on(settings, "2025-01-05")
    (report,) = report_tasks(kjj, plan, limit=1)
    on(settings, "2025-01-06")
    item_return(user=office_user, item=report, reason="请补充具体数据")
    refresh(settings, plan, "2025-01-08")
    assert not Alert.objects.filter(kind=Alert.Kind.RETURNED_STALE).exists()

    refresh(settings, plan, "2025-01-09")
    stale = Alert.objects.get(kind=Alert.Kind.RETURNED_STALE)
    assert (stale.unit, stale.task_id) == (kjj.unit, report.task_id)
    assert "2025年1月6日被退回" in stale.message and "请补充具体数据" in stale.message
    assert stale in alerts_for_user(user=kjj)
    assert stale not in alerts_for_user(user=guanghan_user)

    item_submit(user=kjj, item=report)
    refresh(settings, plan, "2025-01-09")
    stale.refresh_from_db()
    assert stale.closed_at is not None


def test_a_lagging_indicator_raises_a_red_alert_for_its_units_the_office_and_leaders(
    settings, plan, kjj, guanghan_user, office_user, make_user
):
    on(settings, "2025-01-08")
    approve_figure(office_user, plan, "2.3", "jingyang", Q4, 1)  # 1 of 22 with most of the plan gone
    rollup_rebuild_indicator(indicator=indicator(plan, "2.3"))
    refresh(settings, plan, "2025-01-10")  # 2024Q4 not yet due: its standing does not count yet
    assert not Alert.objects.filter(kind=Alert.Kind.INDICATOR_RED, indicator__code="2.3").exists()

    refresh(settings, plan, "2025-01-11")
    red = Alert.objects.get(kind=Alert.Kind.INDICATOR_RED, indicator__code="2.3")
    assert red.period == period(plan, Q4) and red.unit is None and red.for_office
    assert "进度滞后" in red.message and "实际 1" in red.message
    assert red in alerts_for_user(user=guanghan_user)  # 广汉 reports 2.3
    assert red in alerts_for_user(user=office_user)
    assert red in alerts_for_user(user=make_user("leader-t", User.Role.LEADER))
    assert red not in alerts_for_user(user=kjj)
    assert not alerts_for_user(user=make_user("sysadmin-t", User.Role.SYSADMIN)).exists()


def test_new_alerts_are_emailed_once_to_the_active_users_of_their_unit_with_an_address(
    settings, plan, kjj, make_user
):
    kjj.email = "kjj@example.cn"
    kjj.save(update_fields=["email"])
    make_user("kjj-nomail", User.Role.REPORTER, "kjj")
    gone = make_user("kjj-gone", User.Role.REPORTER, "kjj")
    gone.email, gone.is_active = "gone@example.cn", False
    gone.save(update_fields=["email", "is_active"])
    refresh(settings, plan, "2025-01-11")

    emailed = alerts_send_email(plan=plan)
    assert emailed == alerts_for_user(user=kjj).count()
    assert [m.to for m in mail.outbox] == [["kjj@example.cn"]]  # one message per unit, only to kjj's address
    assert "逾期未报" in mail.outbox[0].body and "2024年第四季度" in mail.outbox[0].body
    assert not alerts_for_user(user=kjj).filter(emailed_at=None).exists()

    refresh(settings, plan, "2025-01-11")
    assert alerts_send_email(plan=plan) == 0
    assert len(mail.outbox) == 1


def test_the_office_digest_lists_overdue_units_and_goes_to_the_office(settings, plan, kjj, office_user):
    office_user.email = "office@example.cn"
    office_user.save(update_fields=["email"])
    on(settings, "2025-01-11")
    report_tasks(kjj, plan, limit=2)
    refresh(settings, plan, "2025-01-11")

    text = office_digest(plan=plan)
    assert "预警日报（2025-01-11）" in text
    assert "市科技局" in text and "逾期未满一周：2024年第四季度4项" in text
    assert mail.outbox[-1].to == ["office@example.cn"] and mail.outbox[-1].body == text


def test_the_bell_counts_unread_open_alerts_until_they_are_marked_read(settings, plan, kjj):
    settings.TEMPLATES = copy.deepcopy(settings.TEMPLATES)
    settings.TEMPLATES[0]["OPTIONS"]["context_processors"].append("reports.context_processors.alerts")
    refresh(settings, plan, "2025-01-11")
    request = RequestFactory().get("/")
    request.user = kjj
    unread = alerts_for_user(user=kjj).count()
    assert unread > 0
    bell = render_to_string("includes/_bell.html", request=request)
    assert f'href="{reverse("reports:alert_list")}"' in bell
    assert "提醒" in bell and f'<span class="bell-count">{unread}</span>' in bell

    assert alerts_mark_read(user=kjj) == unread
    assert alert_unread_count(user=kjj) == 0
    assert "bell-count" not in render_to_string("includes/_bell.html", request=request)


def test_the_bell_costs_one_query_and_none_for_anonymous_users(plan, kjj, django_assert_num_queries):
    request = RequestFactory().get("/")
    request.user = kjj
    with django_assert_num_queries(1):
        alerts_context(request)
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert alerts_context(request) == {}


def test_the_alerts_page_links_each_alert_to_its_sheet_and_greys_the_recently_closed(
    client, settings, plan, kjj
):
    refresh(settings, plan, "2025-01-07")  # a reminder, closed again when the quarter turns overdue
    refresh(settings, plan, "2025-01-11")
    assert client.login(username=kjj.username, password=PASSWORD)
    page = client.get(reverse("reports:alert_list")).content.decode()
    assert "逾期未报" in page and "6项未提交" in page
    assert f'href="{reverse("reports:sheet", args=["kjj", Q4])}?plan={plan.pk}"' in page
    closed = page.split('data-testid="alert-closed"')[1]
    assert "3天后到期" in closed and 'class="closed"' in closed

    response = client.post(reverse("reports:alert_mark_read"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("reports:alert_list")
    assert alert_unread_count(user=kjj) == 0


def test_the_alerts_page_shows_a_unit_only_its_own_alerts(client, settings, plan, kjj, guanghan_user):
    refresh(settings, plan, "2025-01-11")
    assert client.login(username=guanghan_user.username, password=PASSWORD)
    page = client.get(reverse("reports:alert_list")).content.decode()
    assert reverse("reports:sheet", args=["guanghan", Q4]) in page
    assert reverse("reports:sheet", args=["kjj", Q4]) not in page


def test_a_stale_return_links_to_its_item_and_a_red_indicator_to_its_page(
    client, settings, plan, kjj, office_user
):
    on(settings, "2025-01-05")
    (report,) = report_tasks(kjj, plan, limit=1)
    item_return(user=office_user, item=report, reason="请补充")
    approve_figure(office_user, plan, "2.3", "jingyang", Q4, 1)
    rollup_rebuild_indicator(indicator=indicator(plan, "2.3"))
    refresh(settings, plan, "2025-01-11")

    assert client.login(username=kjj.username, password=PASSWORD)
    page = client.get(reverse("reports:alert_list")).content.decode()
    assert reverse("reports:item_detail", args=["kjj", Q4, "task", report.task_id]) in page
    client.logout()
    assert client.login(username=office_user.username, password=PASSWORD)
    page = client.get(reverse("reports:alert_list")).content.decode()
    assert reverse("reports:indicator_detail", args=[indicator(plan, "2.3").pk]) in page
    assert "指标滞后预警" in page


def test_a_refresh_of_the_whole_plan_takes_a_fixed_number_of_queries(
    settings, plan, kjj, sxdjq, office_user, django_assert_max_num_queries
):
    on(settings, "2025-01-05")
    report_tasks(kjj, plan)
    report_tasks(sxdjq, plan, "2024Q3")
    approve_figure(office_user, plan, "2.3", "jingyang", Q4, 1)
    rollup_rebuild_indicator(indicator=indicator(plan, "2.3"))
    on(settings, "2025-01-20")
    with django_assert_max_num_queries(25):
        result = alerts_refresh(plan=plan)
    assert result["open"] > 10 * 25  # nearly every unit × the 10 quarters overdue, in one pass


def test_a_refresh_on_a_given_day_does_not_depend_on_the_portal_date(settings, plan, kjj):
    on(settings, "2025-03-01")
    alerts_refresh(plan=plan, today=datetime.date(2025, 1, 11))
    assert is_open(key("overdue", kjj.unit, plan))


@eager_only
def test_the_jobs_refresh_every_active_plan_mail_the_new_alerts_and_send_the_digest(
    settings, plan, kjj, office_user
):
    kjj.email, office_user.email = "kjj@example.cn", "office@example.cn"
    kjj.save(update_fields=["email"])
    office_user.save(update_fields=["email"])
    on(settings, "2025-01-11")
    totals = alerts_refresh_all.delay().get()
    assert totals["opened"] == Alert.objects.count() and totals["emailed"] > 0
    assert alerts_refresh_all.delay().get()["opened"] == 0
    assert office_digest_all.delay().get() == 1
    assert {tuple(m.to) for m in mail.outbox} == {("kjj@example.cn",), ("office@example.cn",)}


@eager_only
def test_the_alerts_of_a_plan_no_longer_active_close(settings, plan, kjj):
    refresh(settings, plan, "2025-01-11")
    plan.status = plan.Status.CLOSED
    plan.save(update_fields=["status"])
    assert alerts_refresh_all.delay().get()["retired"] > 0
    assert not Alert.objects.filter(closed_at=None).exists()


@needs_worker
@pytest.mark.worker
def test_alerts_refresh_on_a_real_worker_opens_each_cause_once_and_closes_it_after_submission(
    transactional_db, plan, make_user
):
    """The worker stands on the real date, long after the plan's first quarter was due."""
    reporter = make_user("sxdjq-w", User.Role.REPORTER, "sxdjq")
    first_quarter = "2022Q3"
    alerts_refresh_all.delay().get(timeout=60)
    rows = Alert.objects.count()
    assert alerts_refresh_all.delay().get(timeout=60)["opened"] == 0
    assert Alert.objects.count() == rows
    alert = Alert.objects.get(key=key("escalated", reporter.unit, plan, first_quarter))
    assert alert.closed_at is None

    report_tasks(reporter, plan, first_quarter)
    alerts_refresh_all.delay().get(timeout=60)
    alert.refresh_from_db()
    assert alert.closed_at is not None
    assert Alert.objects.count() == rows
