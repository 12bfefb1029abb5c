"""The second factor: office, system administrator and auditor accounts give a code from an authenticator app after
their password (outside demo mode), bind one first, are throttled on wrong codes, and only the system administrator
resets an authenticator. Reporters and leaders are not asked."""

import datetime
import time

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD
from units.models import AuditEvent, PrivilegeRequest, User
from units.privileges import privilege_request_decide
from units.second_factor import second_factor_reset


@pytest.fixture(autouse=True)
def outside_demo_mode(settings):
    settings.DEMO_MODE = False


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """What the user's authenticator app shows (`steps_ahead` × 30 s later: a code not used yet)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def bound_device(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="验证器", confirmed=True)


def sign_in(client, user: User):
    assert client.login(username=user.username, password=PASSWORD)


def sign_in_with_code(client, user: User) -> None:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    sign_in(client, user)
    assert client.post(reverse("units:second_factor_verify"), {"code": code_for(device)}).status_code == 302


@pytest.mark.parametrize(
    ("role", "unit"),
    [(User.Role.OFFICE, "ldxzbgs"), (User.Role.SYSADMIN, None), (User.Role.AUDITOR, None)],
)
def test_office_sysadmin_and_auditor_without_an_authenticator_are_sent_to_bind_one(
    client, make_user, role, unit
):
    user = make_user(f"t-{role}", role, unit)
    sign_in(client, user)
    response = client.get(reverse("reports:home"))
    assert response.status_code == 302
    assert response.url == f"{reverse('units:second_factor_setup')}?next={reverse('reports:home')}"


@pytest.mark.parametrize(("role", "unit"), [(User.Role.REPORTER, "jingyang"), (User.Role.LEADER, None)])
def test_reporters_and_leaders_are_not_asked_for_a_code(client, make_user, role, unit):
    sign_in(client, make_user(f"t-{role}", role, unit))
    response = client.get(reverse("reports:home"), follow=True)
    assert response.status_code == 200
    assert reverse("units:second_factor_setup") not in [url for url, _ in response.redirect_chain]


def test_in_demo_mode_no_code_is_asked(client, office_user, settings):
    settings.DEMO_MODE = True
    sign_in(client, office_user)
    assert client.get(reverse("reports:home")).status_code == 200


def test_the_office_binds_an_authenticator_with_a_code_it_shows(client, office_user):
    sign_in(client, office_user)
    page = client.get(
        reverse("units:second_factor_setup"), {"next": reverse("reports:review")}
    ).content.decode()
    assert "绑定验证器" in page and 'src="data:image/svg+xml' in page
    device = TOTPDevice.objects.get(user=office_user, confirmed=False)
    assert device.config_url.split("secret=")[1].split("&")[0][:4] in page.replace(" ", "")
    wrong = client.post(
        reverse("units:second_factor_setup"), {"code": "000000", "next": reverse("reports:review")}
    )
    assert "验证码不正确或已过期" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=office_user, confirmed=True).exists()
    device.refresh_from_db()
    device.throttling_failure_timestamp = timezone.now() - datetime.timedelta(seconds=10)  # the wait is over
    device.save()
    bound = client.post(
        reverse("units:second_factor_setup"), {"code": code_for(device), "next": reverse("reports:review")}
    )
    assert bound.status_code == 302 and bound.url == reverse("reports:review")
    assert TOTPDevice.objects.get(user=office_user).confirmed
    assert client.get(reverse("reports:review")).status_code == 200
    trail = AuditEvent.objects.filter(action="second_factor_bind", username=office_user.username).order_by(
        "id"
    )
    assert [e.result for e in trail] == [AuditEvent.Result.FAILURE, AuditEvent.Result.SUCCESS]


def test_each_sign_in_asks_for_the_code_before_anything_else(client, office_user, settings):
    settings.PASSWORD_EXPIRY_DAYS = 90
    User.objects.filter(pk=office_user.pk).update(
        password_changed_at=timezone.now() - datetime.timedelta(days=91)
    )
    device = bound_device(office_user)
    sign_in(client, office_user)
    response = client.get(reverse("reports:review"))
    assert (
        response.url == f"{reverse('units:second_factor_verify')}?next={reverse('reports:review')}"
    )  # before the expired password
    page = client.get(response.url).content.decode()
    assert "输入验证码" in page
    wrong = client.post(
        reverse("units:second_factor_verify"), {"code": "123456", "next": reverse("reports:review")}
    )
    assert "验证码不正确或已过期" in wrong.content.decode()
    assert client.get(reverse("reports:review")).status_code == 302
    device.refresh_from_db()
    device.throttling_failure_timestamp = timezone.now() - datetime.timedelta(seconds=10)
    device.save()
    right = client.post(
        reverse("units:second_factor_verify"), {"code": code_for(device), "next": reverse("reports:review")}
    )
    assert right.url == reverse("reports:review")
    assert client.get(reverse("reports:review")).url == reverse(
        "units:password_change"
    )  # then the password rule
    events = AuditEvent.objects.filter(action="second_factor", username=office_user.username).order_by("id")
    assert [e.result for e in events] == [AuditEvent.Result.FAILURE, AuditEvent.Result.SUCCESS]


def test_a_right_code_straight_after_a_wrong_one_waits_for_the_throttle(client, office_user):
    device = bound_device(office_user)
    sign_in(client, office_user)
    client.post(reverse("units:second_factor_verify"), {"code": "000000"})
    client.post(
        reverse("units:second_factor_verify"), {"code": "000001"}
    )  # refused unchecked: still within the wait
    throttled = client.post(reverse("units:second_factor_verify"), {"code": code_for(device)})
    assert "验证码错误次数过多，请" in throttled.content.decode() and "秒后再试" in throttled.content.decode()
    assert client.get(reverse("reports:home")).status_code == 302
    assert AuditEvent.objects.filter(action="second_factor", result=AuditEvent.Result.DENIED).count() == 2
    device.refresh_from_db()
    device.throttling_failure_timestamp = timezone.now() - datetime.timedelta(minutes=5)
    device.save()
    assert client.post(reverse("units:second_factor_verify"), {"code": code_for(device)}).status_code == 302
    assert client.get(reverse("reports:home")).status_code == 200


def test_a_code_is_accepted_once(client, office_user):
    device = bound_device(office_user)
    code = code_for(device)
    sign_in(client, office_user)
    assert client.post(reverse("units:second_factor_verify"), {"code": code}).status_code == 302
    client.logout()
    sign_in(client, office_user)
    replayed = client.post(reverse("units:second_factor_verify"), {"code": code})
    assert "验证码不正确或已过期" in replayed.content.decode()


def test_whoever_has_the_password_cannot_bind_another_authenticator(client, office_user):
    device = bound_device(office_user)
    sign_in(client, office_user)
    response = client.get(reverse("units:second_factor_setup"))
    assert response.url.startswith(reverse("units:second_factor_verify"))
    client.post(reverse("units:second_factor_setup"), {"code": code_for(device)})
    assert list(TOTPDevice.objects.filter(user=office_user)) == [device]
    assert client.get(reverse("reports:home")).status_code == 302  # not verified by the setup page


def test_the_sysadmin_resets_an_authenticator_in_the_admin_and_its_owner_binds_a_new_one(
    client, make_user, office_user
):
    sysadmin = make_user("t-sysadmin", User.Role.SYSADMIN)
    bound_device(sysadmin)
    old = bound_device(office_user)
    sign_in_with_code(client, sysadmin)
    changelist = client.get(reverse("admin:units_user_changelist")).content.decode()
    assert "重置验证器" in changelist
    response = client.post(
        reverse("admin:units_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [office_user.pk]},
        follow=True,
    )
    # The office's authenticator guards every figure: a second person (the auditor) approves the reset first.
    assert "须经安全审计员批准后重置验证器" in response.content.decode()
    assert TOTPDevice.objects.filter(pk=old.pk).exists()
    auditor = make_user("t-auditor", User.Role.AUDITOR)
    [pending] = PrivilegeRequest.objects.filter(user=office_user, state="pending")
    assert privilege_request_decide(by=auditor, request=pending, approve=True)
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    [reset] = AuditEvent.objects.filter(action="second_factor_reset")
    assert (reset.username, reset.object_id) == (sysadmin.username, str(office_user.pk))
    client.logout()
    sign_in(client, office_user)
    assert client.get(reverse("reports:home")).url.startswith(reverse("units:second_factor_setup"))


@pytest.mark.parametrize(("role", "unit"), [(User.Role.OFFICE, "ldxzbgs"), (User.Role.AUDITOR, None)])
def test_only_the_sysadmin_resets_an_authenticator(make_user, office_user, role, unit):
    device = bound_device(office_user)
    with pytest.raises(PermissionDenied):
        second_factor_reset(user=office_user, by=make_user(f"t-{role}", role, unit))
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_the_code_page_reads_in_english(client, office_user):
    bound_device(office_user)
    sign_in(client, office_user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("units:second_factor_verify")).content.decode()
    assert "Enter the verification code" in page
    wrong = client.post(reverse("units:second_factor_verify"), {"code": "000000"}).content.decode()
    assert "wrong or has expired" in wrong
