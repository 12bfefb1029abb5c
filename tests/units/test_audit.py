"""The audit log (审计日志): what is recorded, with whom, from where and with what result; that nobody can change
it, not even the application's database role; and that only the security auditor reads and exports it."""

import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from reports.workflow.drafts import figure_save
from reports.workflow.services import item_approve, item_return, item_submit
from tests.conftest import PASSWORD
from tests.markers import postgresql_only
from units.models import AuditEvent, User

from ..reports.factories import indicator, period

IP = "10.8.0.23"


def events(**filters) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(**filters).order_by("id"))


def test_sign_in_failure_and_sign_out_are_recorded_with_the_address(client, jingyang):
    assert not client.login(username=jingyang.username, password="wrong-password")  # noqa: S106
    client.post(reverse("login"), {"username": jingyang.username, "password": "wrong"}, REMOTE_ADDR=IP)
    client.post(reverse("login"), {"username": jingyang.username, "password": PASSWORD}, REMOTE_ADDR=IP)
    client.post(reverse("logout"), REMOTE_ADDR=IP)
    failed = events(action="login_failed", ip=IP)
    assert [(e.username, e.result) for e in failed] == [(jingyang.username, AuditEvent.Result.FAILURE)]
    [login] = events(action="login")
    assert (login.username, login.unit, login.role, login.ip) == (
        jingyang.username,
        "旌阳区人民政府",
        "reporter",
        IP,
    )
    [logout] = events(action="logout")
    assert (logout.username, logout.ip) == (jingyang.username, IP)


def test_an_account_created_and_its_role_changed_are_recorded(make_user):
    user = make_user("someone", User.Role.REPORTER, "guanghan")
    user.role = User.Role.LEADER
    user.unit = None
    user.save()
    assert [e.object_repr for e in events(action="account_create")][-1] == str(user)
    [change] = events(action="role_change")
    assert (change.object_id, change.detail) == (str(user.pk), "填报员 → 领导")


def test_every_step_of_a_figure_is_recorded_with_who_did_it(plan, jingyang, office_user):
    q = period(plan, "2023Q4")
    figure = figure_save(
        user=jingyang, unit=jingyang.unit, period=q, indicator=indicator(plan, "1.1"), data={"value": Decimal(5)},
        expected_version=None,
    )  # fmt: skip
    item_submit(user=jingyang, item=figure)
    item_return(user=office_user, item=figure, reason="请附佐证")
    figure.refresh_from_db()
    figure = figure_save(
        user=jingyang, unit=jingyang.unit, period=q, indicator=indicator(plan, "1.1"), data={"value": Decimal(6)},
        expected_version=figure.version,
    )  # fmt: skip
    item_submit(user=jingyang, item=figure)
    item_approve(user=office_user, item=figure)
    trail = [
        (e.action, e.username) for e in events(object_type="reports.Submission", object_id=str(figure.pk))
    ]
    assert trail == [
        ("item_create", jingyang.username),
        ("item_submit", jingyang.username),
        ("item_return", office_user.username),
        ("item_change", jingyang.username),
        ("item_submit", jingyang.username),
        ("item_approve", office_user.username),
    ]
    returned = events(action="item_return")[0]
    assert (
        "请附佐证" in returned.detail and returned.unit == "市国家知识产权强市建设试点城市工作领导小组办公室"
    )


def test_downloads_and_refusals_are_recorded(client, plan, office_user, jingyang, after_the_plan):
    client.force_login(office_user)
    assert (
        client.get(reverse("reports:indicator_table"), {"export": "xlsx"}, REMOTE_ADDR=IP).status_code == 200
    )
    [download] = events(action="download")
    assert (download.username, download.ip) == (office_user.username, IP)
    assert "attachment" in download.detail and download.path.startswith(reverse("reports:indicator_table"))
    client.force_login(jingyang)
    assert client.get(reverse("reports:review")).status_code == 403
    [denied] = events(action="denied")
    assert (denied.username, denied.result, denied.path) == (
        jingyang.username,
        "denied",
        reverse("reports:review"),
    )


def test_an_audit_row_cannot_be_changed(plan, jingyang):
    AuditEvent.objects.create(at="2025-01-01T00:00:00Z", action="login", username=jingyang.username)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.update(username="someone-else")
    assert events(username="someone-else") == []


@postgresql_only("the DELETE guard (see migration)")
def test_on_postgresql_an_audit_row_cannot_be_deleted_either(plan, jingyang):
    AuditEvent.objects.create(at="2025-01-01T00:00:00Z", action="login", username=jingyang.username)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.all().delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM units_auditevent")
    assert AuditEvent.objects.filter(username=jingyang.username).exists()


def test_only_the_auditor_reads_and_exports_the_log(client, make_user, office_user, jingyang):
    auditor = make_user("auditor-a", User.Role.AUDITOR)
    sysadmin = make_user("sysadmin-a", User.Role.SYSADMIN)
    for user in (sysadmin, office_user, jingyang):
        client.force_login(user)
        assert client.get(reverse("reports:audit_log")).status_code == 403
        assert client.get(reverse("reports:audit_log"), {"export": "xlsx"}).status_code == 403
    client.force_login(auditor)
    page = client.get(reverse("reports:audit_log"), {"action": "denied", "username": "sysadmin"})
    assert page.status_code == 200
    assert [e.username for e in page.context["page"]] == [sysadmin.username, sysadmin.username]
    response = client.get(reverse("reports:audit_log"), {"action": "denied", "export": "xlsx"})
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:5] == ("时间", "用户名", "角色", "单位", "操作")
    assert {row[1] for row in rows[1:]} == {sysadmin.username, office_user.username, jingyang.username}
    assert all(row[4] == "拒绝访问" for row in rows[1:])


def test_the_auditor_exports_the_same_rows_as_csv_and_json(client, make_user, jingyang):
    auditor = make_user("auditor-c", User.Role.AUDITOR)
    client.force_login(jingyang)
    client.get(reverse("reports:audit_log"))  # refused: one "denied" line for the export below
    client.force_login(auditor)
    query = {"action": "denied", "username": jingyang.username}
    csv_text = client.get(reverse("reports:audit_log"), {**query, "export": "csv"}).content.decode(
        "utf-8-sig"
    )
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("时间,用户名,角色,单位,操作") and len(lines) == 2
    assert f",{jingyang.username},填报员," in lines[1] and ",拒绝访问," in lines[1]
    rows = json.loads(client.get(reverse("reports:audit_log"), {**query, "export": "json"}).content)
    assert [(r["username"], r["action"], r["result"]) for r in rows] == [
        (jingyang.username, "拒绝访问", "拒绝")
    ]
    client.force_login(jingyang)
    assert client.get(reverse("reports:audit_log"), {"export": "json"}).status_code == 403
