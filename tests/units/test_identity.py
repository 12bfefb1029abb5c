"""Identity rules: password strength and history, expiry with a forced change, session idle and absolute limits."""

import datetime
import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD
from units.models import AuditEvent, PasswordHistory, User


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Ab1!xyz", "password_too_short"),
        ("abcdefghijk1", "password_classes"),
        ("ABCDEFGHIJ!", "password_classes"),
        ("1234567890", "password_classes"),
    ],
)
def test_a_weak_password_is_refused_with_what_to_fix(password, code, jingyang):
    with pytest.raises(ValidationError) as error:
        validate_password(password, jingyang)
    assert code in [e.code for e in error.value.error_list]
    if code == "password_classes":
        assert "至少3类" in " ".join(error.value.messages)


@pytest.mark.parametrize("password", ["Deyang2025x", "deyang-2025-ip", "DEYANG#ipcity"])
def test_ten_characters_of_three_classes_are_enough(password, jingyang):
    validate_password(password, jingyang)


def test_none_of_the_last_five_passwords_may_come_back(jingyang):
    passwords = [f"Changed{n}-pw!" for n in range(1, 6)]
    for password in passwords:
        validate_password(password, jingyang)
        jingyang.set_password(password)
        jingyang.save()
    assert PasswordHistory.objects.filter(user=jingyang).count() == 6  # the first one and five changes
    for password in passwords:
        with pytest.raises(ValidationError, match="最近5次"):
            validate_password(password, jingyang)
    validate_password(PASSWORD, jingyang)  # six passwords ago: allowed again


def test_each_change_starts_the_expiry_clock(jingyang):
    before = jingyang.password_changed_at
    jingyang.set_password("Another1-pw")
    jingyang.save()
    jingyang.refresh_from_db()
    assert before is not None and jingyang.password_changed_at > before


def test_an_expired_password_must_be_changed_before_anything_else(client, jingyang, settings):
    settings.PASSWORD_EXPIRY_DAYS = 90
    User.objects.filter(pk=jingyang.pk).update(
        password_changed_at=timezone.now() - datetime.timedelta(days=91)
    )
    assert client.login(username=jingyang.username, password=PASSWORD)
    response = client.get(reverse("reports:report_index"))
    assert response.status_code == 302 and response.url == reverse("units:password_change")
    page = client.get(reverse("units:password_change")).content.decode()
    assert "已超过90天未修改" in page
    refused = client.post(
        reverse("units:password_change"),
        {"old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    assert "不能使用最近5次用过的密码" in refused.content.decode()
    changed = client.post(
        reverse("units:password_change"),
        {"old_password": PASSWORD, "new_password1": "Fresh-2026-pw", "new_password2": "Fresh-2026-pw"},
    )
    assert changed.status_code == 302
    assert client.get(reverse("reports:report_index")).status_code == 200  # still signed in, free to work
    assert AuditEvent.objects.filter(action="password_change", username=jingyang.username).exists()


def test_no_expiry_when_it_is_switched_off(client, jingyang, settings):
    settings.PASSWORD_EXPIRY_DAYS = 0
    User.objects.filter(pk=jingyang.pk).update(
        password_changed_at=timezone.now() - datetime.timedelta(days=900)
    )
    assert client.login(username=jingyang.username, password=PASSWORD)
    assert client.get(reverse("reports:report_index")).status_code == 200


@pytest.mark.parametrize(
    ("key", "age", "message"),
    [("seen_at", 31 * 60, "长时间未操作，已自动退出"), ("signed_in_at", 8 * 3600 + 60, "登录已满8小时")],
)
def test_a_session_ends_after_30_idle_minutes_or_8_hours(client, jingyang, key, age, message):
    assert client.login(username=jingyang.username, password=PASSWORD)
    assert client.get(reverse("reports:report_index")).status_code == 200
    session = client.session
    session[key] = time.time() - age
    session.save()
    response = client.get(reverse("reports:report_index"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert "next=" in response.url
    assert message in client.get(response.url).content.decode()
    assert client.get(reverse("reports:report_index")).status_code == 302  # signed out for good
    assert AuditEvent.objects.filter(action="session_end", username=jingyang.username).exists()


def test_a_session_in_use_goes_on(client, jingyang):
    assert client.login(username=jingyang.username, password=PASSWORD)
    session = client.session
    session["seen_at"] = time.time() - 29 * 60
    session.save()
    assert client.get(reverse("reports:report_index")).status_code == 200


@pytest.fixture
def lockout(settings):
    settings.AXES_ENABLED = True


def sign_in(client, user, password, ip):
    return client.post(reverse("login"), {"username": user.username, "password": password}, REMOTE_ADDR=ip)


def test_five_failures_lock_that_user_from_that_address_only(lockout, client, jingyang, make_user):
    colleague = make_user("jy-colleague", User.Role.REPORTER, "jingyang")
    office_ip, home_ip = "10.8.0.23", "10.9.1.5"
    for _ in range(4):
        assert sign_in(client, jingyang, "wrong-password", office_ip).status_code == 200
    assert sign_in(client, jingyang, "wrong-password", office_ip).status_code == 429  # the fifth locks
    locked = sign_in(client, jingyang, PASSWORD, office_ip)  # the right password, too late
    assert locked.status_code == 429 and "已锁定30分钟" in locked.content.decode()
    assert AuditEvent.objects.filter(action="lockout", username=jingyang.username, ip=office_ip).exists()
    assert (
        sign_in(client, colleague, PASSWORD, office_ip).status_code == 302
    )  # same office address: not locked
    client.post(reverse("logout"))
    assert sign_in(client, jingyang, PASSWORD, home_ip).status_code == 302  # same user elsewhere: not locked


def test_a_successful_sign_in_clears_the_failures(lockout, client, jingyang):
    ip = "10.8.0.23"
    for _ in range(4):
        sign_in(client, jingyang, "wrong-password", ip)
    assert sign_in(client, jingyang, PASSWORD, ip).status_code == 302
    client.post(reverse("logout"))
    for _ in range(4):
        sign_in(client, jingyang, "wrong-password", ip)
    assert sign_in(client, jingyang, PASSWORD, ip).status_code == 302
