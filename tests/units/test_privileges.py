"""三员分立 (issue 14, item 1): no one gains a role or a privilege by acting alone, and the system administrator never
signs in as someone else. In 管理后台 the administrator can no longer set the superuser or staff flags, permissions or
groups; giving or taking the office, auditor or administrator role, and resetting such an account's authenticator,
wait for the security auditor's approval; a password an administrator sets must be replaced at the next sign-in."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.units.test_second_factor import bound_device, sign_in_with_code
from units.models import AuditEvent, PrivilegeRequest, User

NEW_PASSWORD = "Kx9#mQ2vLp7!"


@pytest.fixture(autouse=True)
def outside_demo_mode(settings):
    """As in production: the office, the administrator and the auditor give a code after their password."""
    settings.DEMO_MODE = False


@pytest.fixture
def sysadmin(client, make_user) -> User:
    user = make_user("t-sysadmin", User.Role.SYSADMIN)
    bound_device(user)
    sign_in_with_code(client, user)
    return user


@pytest.fixture
def auditor(make_user) -> User:
    user = make_user("t-auditor", User.Role.AUDITOR)
    bound_device(user)
    return user


def change_form(client, user: User) -> dict:
    """The user change form as the administrator's browser posts it back, unchanged."""
    form = client.get(reverse("admin:units_user_change", args=[user.pk])).context["adminform"].form
    data = {}
    for name in form.fields:
        value = form.initial.get(name)
        if name == "password":
            continue
        data[name] = "" if value is None else getattr(value, "pk", value)
    return {key: value for key, value in data.items() if value is not False}


def test_the_account_form_offers_no_superuser_staff_permissions_or_groups(client, sysadmin, jingyang):
    form = client.get(reverse("admin:units_user_change", args=[jingyang.pk])).context["adminform"].form
    assert not {"is_superuser", "is_staff", "user_permissions", "groups"} & set(form.fields)
    data = change_form(client, sysadmin)
    data.update(is_superuser="on", is_staff="on", user_permissions=[Permission.objects.first().pk])
    client.post(reverse("admin:units_user_change", args=[sysadmin.pk]), data)
    sysadmin.refresh_from_db()
    assert (
        not sysadmin.is_superuser
        and sysadmin.user_permissions.filter(codename__contains="submission").count() == 0
    )


def test_making_an_account_office_waits_for_the_auditors_approval(client, sysadmin, auditor, jingyang):
    data = {**change_form(client, jingyang), "role": User.Role.OFFICE}
    response = client.post(reverse("admin:units_user_change", args=[jingyang.pk]), data, follow=True)
    assert "安全审计员批准后生效" in response.content.decode()
    jingyang.refresh_from_db()
    assert jingyang.role == User.Role.REPORTER and not jingyang.is_staff
    [pending] = PrivilegeRequest.objects.filter(user=jingyang, state="pending")
    assert (pending.role, pending.requested_by) == (User.Role.OFFICE, sysadmin)
    # The administrator cannot approve his own request.
    assert (
        client.post(reverse("units:privilege_decide", args=[pending.pk]), {"decision": "approve"}).status_code
        == 403
    )
    client.logout()
    sign_in_with_code(client, auditor)
    page = client.get(reverse("units:privilege_requests")).content.decode()
    assert jingyang.username in page and "批准" in page
    client.post(reverse("units:privilege_decide", args=[pending.pk]), {"decision": "approve"})
    jingyang.refresh_from_db()
    assert jingyang.role == User.Role.OFFICE and jingyang.is_staff and not jingyang.is_superuser
    assert jingyang.user_permissions.filter(codename="view_submission").exists()
    actions = list(AuditEvent.objects.filter(object_id=str(jingyang.pk)).values_list("action", flat=True))
    assert {"privilege_request", "privilege_approve", "role_change"} <= set(actions)


def test_a_refusal_needs_a_reason_and_changes_nothing(client, sysadmin, auditor, jingyang):
    data = {**change_form(client, jingyang), "role": User.Role.AUDITOR, "unit": ""}
    client.post(reverse("admin:units_user_change", args=[jingyang.pk]), data)
    [pending] = PrivilegeRequest.objects.filter(user=jingyang)
    client.logout()
    sign_in_with_code(client, auditor)
    client.post(reverse("units:privilege_decide", args=[pending.pk]), {"decision": "refuse"})
    pending.refresh_from_db()
    assert pending.state == "pending"
    client.post(
        reverse("units:privilege_decide", args=[pending.pk]), {"decision": "refuse", "note": "无此需要"}
    )
    pending.refresh_from_db()
    jingyang.refresh_from_db()
    assert pending.state == "refused" and jingyang.role == User.Role.REPORTER


def test_the_auditor_cannot_approve_a_request_about_their_own_account(client, sysadmin, auditor):
    data = {**change_form(client, auditor), "role": User.Role.SYSADMIN}
    client.post(reverse("admin:units_user_change", args=[auditor.pk]), data)
    [pending] = PrivilegeRequest.objects.filter(user=auditor)
    client.logout()
    sign_in_with_code(client, auditor)
    assert (
        client.post(reverse("units:privilege_decide", args=[pending.pk]), {"decision": "approve"}).status_code
        == 403
    )
    auditor.refresh_from_db()
    assert auditor.role == User.Role.AUDITOR


def test_a_new_privileged_account_is_inactive_until_approved(client, sysadmin, auditor):
    response = client.post(
        reverse("admin:units_user_add"),
        {
            "username": "new-office",
            "usable_password": "true",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "role": User.Role.OFFICE,
            "unit": "",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="new-office")
    assert not user.is_active and not user.is_staff
    [pending] = PrivilegeRequest.objects.filter(user=user, state="pending")
    client.logout()
    sign_in_with_code(client, auditor)
    client.post(reverse("units:privilege_decide", args=[pending.pk]), {"decision": "approve"})
    user.refresh_from_db()
    assert user.is_active and user.is_staff and user.role == User.Role.OFFICE


def test_the_administrator_cannot_sign_in_as_the_auditor(client, sysadmin, auditor):
    """The attack of the penetration test: set the auditor's password, reset its authenticator, sign in as it."""
    device = TOTPDevice.objects.get(user=auditor)
    client.post(
        reverse("admin:auth_user_password_change", args=[auditor.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    client.post(
        reverse("admin:units_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [auditor.pk]},
    )
    assert TOTPDevice.objects.filter(pk=device.pk).exists()  # waits for a second person
    client.logout()
    assert client.login(username=auditor.username, password=NEW_PASSWORD)
    # Signed in with the password alone the administrator gets no further than the code the auditor's phone shows.
    response = client.get(reverse("reports:audit_log"))
    assert response.status_code == 302 and reverse("units:second_factor_verify") in response.url
    assert client.post(reverse("units:second_factor_verify"), {"code": "000000"}).status_code == 200
    assert client.get(reverse("reports:audit_log")).status_code == 302


def test_a_password_set_by_an_administrator_must_be_replaced_at_the_next_sign_in(client, sysadmin, jingyang):
    response = client.post(
        reverse("admin:auth_user_password_change", args=[jingyang.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )
    assert "一次性密码" in response.content.decode()
    jingyang.refresh_from_db()
    assert jingyang.must_change_password
    [event] = AuditEvent.objects.filter(action="admin_password_set")
    assert (event.username, event.object_id) == (sysadmin.username, str(jingyang.pk))
    assert NEW_PASSWORD not in event.detail
    client.logout()
    assert client.login(username=jingyang.username, password=NEW_PASSWORD)
    response = client.get(reverse("reports:home"))
    assert response.status_code == 302 and response.url == reverse("units:password_change")
    client.post(
        reverse("units:password_change"),
        {"old_password": NEW_PASSWORD, "new_password1": "Zq8$wRt5nB3@", "new_password2": "Zq8$wRt5nB3@"},
    )
    jingyang.refresh_from_db()
    assert not jingyang.must_change_password
    assert (
        client.get(reverse("reports:home")).status_code == 302
    )  # to its own unit, no longer to the password page
    assert client.get(reverse("reports:home")).url != reverse("units:password_change")


def test_only_the_auditor_and_the_administrator_see_the_requests(client, make_user, jingyang):
    for user in (make_user("t-leader", User.Role.LEADER), jingyang):
        client.force_login(user)
        assert client.get(reverse("units:privilege_requests")).status_code == 403
