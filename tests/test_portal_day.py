"""One "today": in demo mode the portal stands on PORTAL_TODAY (2025-07-15) while the machine's clock says another
day, and every date a user reads follows the portal's day: an item's 修改记录, an indicator's history, 最近登录, the
audit log and the print header. The audit log's hash chain still verifies; outside demo mode the audit log keeps the
machine's time whatever PORTAL_TODAY says."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.workflow.drafts import StaleEditError, item_save
from reports.workflow.services import item_approve, item_submit, reopen_request_create
from targets.models import Indicator, Period
from tests.reports import factories
from units.audit import audit
from units.audit_chain import audit_chain_verify, audit_seal
from units.models import AuditEvent, User

pytestmark = pytest.mark.usefixtures("after_the_plan")

PORTAL_DAY = datetime.date(2025, 7, 15)


def local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def machine_dates(page: str) -> list[str]:
    """Dates on the page in a year the portal does not stand in (the machine's clock leaking through)."""
    return [d for d in re.findall(r"\b(20\d\d)-\d\d-\d\d\b", page) if int(d) > PORTAL_DAY.year]


@pytest.fixture
def q2(plan) -> Period:
    return Period.objects.get(plan=plan, year=2025, quarter=2)


def test_an_items_change_history_is_dated_on_the_portal_day(client, plan, q2, jingyang):
    task = factories.task(plan, "二(一)2")
    report = item_save(
        user=jingyang,
        unit=jingyang.unit,
        period=q2,
        subject=task,
        data={"progress": "in_progress", "progress_text": "推进中", "problems": "", "next_steps": ""},
        expected_version=None,
    )
    assert [local_day(h.history_date) for h in report.history.all()] == [PORTAL_DAY]
    client.force_login(jingyang)
    page = client.get(
        reverse("reports:item_detail", args=["jingyang", "2025Q2", "task", task.pk])
    ).content.decode()
    assert "2025-07-15" in page and machine_dates(page) == []


def test_a_request_to_reopen_is_dated_on_the_portal_day(client, plan, q2, jingyang, office_user):
    report = item_save(
        user=jingyang,
        unit=jingyang.unit,
        period=q2,
        subject=factories.task(plan, "二(一)2"),
        data={"progress": "in_progress", "progress_text": "推进中"},
        expected_version=None,
    )
    item_submit(user=jingyang, item=report)
    item_approve(user=office_user, item=report)
    request = reopen_request_create(user=jingyang, item=report, reason="进展状态填错")
    assert local_day(request.requested_at) == PORTAL_DAY
    client.force_login(office_user)
    page = client.get(reverse("reports:review")).content.decode()
    assert "进展状态填错" in page and machine_dates(page) == []


def test_a_colleagues_newer_save_is_dated_on_the_portal_day(plan, q2, jingyang):
    mine = {"user": jingyang, "unit": jingyang.unit, "period": q2, "subject": factories.task(plan, "二(一)2")}
    report = item_save(
        **mine, data={"progress": "in_progress", "progress_text": "推进中"}, expected_version=None
    )
    assert local_day(report.updated_at) == PORTAL_DAY
    with pytest.raises(StaleEditError) as refused:
        item_save(**mine, data={"progress": "done", "progress_text": "已完成"}, expected_version=None)
    assert "于2025-07-15" in refused.value.messages[0]


def test_an_indicators_history_is_dated_on_the_portal_day(plan):
    indicator = Indicator.objects.filter(plan=plan).order_by("position").first()
    indicator.source_text += "（已核对）"
    indicator.save()
    assert local_day(indicator.history.order_by("history_id").last().history_date) == PORTAL_DAY


def test_the_last_login_is_the_portal_day(client, make_user, jingyang):
    client.force_login(jingyang)
    jingyang.refresh_from_db()
    assert local_day(jingyang.last_login) == PORTAL_DAY
    client.force_login(make_user("sysadmin-d", User.Role.SYSADMIN))
    page = client.get(reverse("units:account_list")).content.decode()
    assert "2025-07-15" in page and machine_dates(page) == []


def test_the_audit_log_reads_the_portal_day_and_its_chain_still_verifies(client, make_user):
    auditor = make_user("auditor-d", User.Role.AUDITOR)
    client.force_login(auditor)
    login = AuditEvent.objects.filter(username=auditor.username, action="login").get()
    assert local_day(login.at) == PORTAL_DAY
    page = client.get(reverse("reports:audit_log"), {"username": auditor.username}).content.decode()
    assert "2025-07-15" in page and machine_dates(page) == []
    audit_seal()
    assert audit_chain_verify().intact


def test_outside_demo_mode_the_audit_log_keeps_the_machines_time(settings, jingyang):
    settings.DEMO_MODE = False
    event = audit(action="login", user=jingyang)
    assert local_day(event.at) == timezone.localdate()


def test_the_print_header_is_dated_on_the_portal_day(client, jingyang):
    client.force_login(jingyang)
    page = client.get(reverse("reports:unit_detail", args=["jingyang"])).content.decode()
    stamp = re.search(r'<p class="print-stamp".*?</p>', page, re.S).group(0)
    assert "打印日期 2025-07-15" in stamp
