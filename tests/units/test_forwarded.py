"""Where a request comes from, and the sign-in limits built on it (pen test, issue 14 item 5).

X-Forwarded-For is believed only from the reverse proxies the settings name (TRUSTED_PROXY_COUNT of them, the
nearest at one of TRUSTED_PROXY_ADDRESSES), and then only the entry those proxies appended, so a client cannot
choose the address its failed sign-ins are counted, and audited, under. The audit row keeps the peer (the proxy, or
the client itself) beside it. Across addresses, one username's failures slow its next sign-in down, never for ever.
"""

import datetime

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD
from units.audit import client_ip, peer_ip
from units.models import AuditEvent
from units.signin_throttle import signin_wait

PROXY = "127.0.0.1"  # nginx on the same machine
CLIENT = "203.0.113.9"  # the address nginx saw and appended


@pytest.fixture(autouse=True)
def no_proxy(settings):
    """Development's and the tests' layout, whatever the environment says: no proxy is trusted."""
    settings.TRUSTED_PROXY_COUNT = 0


@pytest.fixture
def behind_nginx(settings):
    """Production's layout: one nginx in front, on this machine."""
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXY_ADDRESSES = ["127.0.0.1", "::1"]


@pytest.fixture
def lockout(settings):
    settings.AXES_ENABLED = True


def request_from(peer: str, forwarded: str | None = None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=peer, **headers)


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored_even_from_loopback():
    assert client_ip(request_from(PROXY, "198.51.100.7")) == PROXY
    assert client_ip(request_from("10.8.0.23", "198.51.100.7")) == "10.8.0.23"


def test_behind_one_proxy_the_address_it_appended_is_the_clients(behind_nginx):
    # Whatever the client sent comes first; nginx appends the address it saw last.
    assert client_ip(request_from(PROXY, f"198.51.100.7, 10.0.0.1,{CLIENT}")) == CLIENT
    assert client_ip(request_from("::1", CLIENT)) == CLIENT
    assert peer_ip(request_from(PROXY, CLIENT)) == PROXY


def test_a_forwarded_header_from_a_peer_that_is_not_the_proxy_is_ignored(behind_nginx):
    assert client_ip(request_from("10.8.0.23", CLIENT)) == "10.8.0.23"


@pytest.mark.parametrize("forwarded", ["", "not-an-address", "203.0.113.9:443", "1.2.3.4, <script>", " , "])
def test_a_forwarded_value_that_is_no_address_counts_as_the_peer(behind_nginx, forwarded):
    assert client_ip(request_from(PROXY, forwarded)) == PROXY


def test_behind_two_proxies_the_entry_the_outer_one_appended_is_the_clients(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    settings.TRUSTED_PROXY_ADDRESSES = ["10.0.0.0/24"]
    assert client_ip(request_from("10.0.0.5", f"198.51.100.7, {CLIENT}, 10.0.0.9")) == CLIENT
    assert (
        client_ip(request_from("10.0.0.5", CLIENT)) == "10.0.0.5"
    )  # fewer entries than proxies: not believed


def sign_in(client, username, password, peer=PROXY, forwarded=None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=peer, **headers
    )


def test_a_new_x_forwarded_for_does_not_buy_new_guesses(lockout, client, jingyang):
    for n in range(4):
        assert sign_in(client, jingyang.username, "wrong", forwarded=f"198.51.100.{n}").status_code == 200
    assert sign_in(client, jingyang.username, "wrong", forwarded="198.51.100.99").status_code == 429
    assert sign_in(client, jingyang.username, PASSWORD, forwarded="198.51.100.100").status_code == 429
    assert set(AuditEvent.objects.filter(action="login_failed").values_list("ip", flat=True)) == {PROXY}


def test_behind_nginx_what_the_client_prepends_does_not_buy_new_guesses(
    behind_nginx, lockout, client, jingyang
):
    for n in range(4):
        forwarded = f"198.51.100.{n}, {CLIENT}"
        assert sign_in(client, jingyang.username, "wrong", forwarded=forwarded).status_code == 200
    assert (
        sign_in(client, jingyang.username, "wrong", forwarded=f"198.51.100.99, {CLIENT}").status_code == 429
    )
    assert (
        sign_in(client, jingyang.username, PASSWORD, forwarded="198.51.100.7, 192.0.2.1").status_code == 302
    )


def test_the_audit_row_keeps_the_peer_beside_the_forwarded_address(behind_nginx, client, jingyang):
    sign_in(client, jingyang.username, "wrong", forwarded=f"198.51.100.7, {CLIENT}")
    sign_in(client, jingyang.username, "wrong", peer="10.8.0.23", forwarded="198.51.100.7")
    first, second = AuditEvent.objects.filter(action="login_failed").order_by("id")
    assert (first.ip, first.peer_ip) == (CLIENT, PROXY)
    assert (second.ip, second.peer_ip) == ("10.8.0.23", "10.8.0.23")


# One username, many addresses: the per-address lockout (5 from one address) never triggers, the throttle does.


def fail_from_many_addresses(client, username: str, count: int) -> None:
    for n in range(count):
        response = sign_in(client, username, "wrong", peer=f"10.9.{n}.1")
        assert response.status_code == 200, n


def test_many_failures_for_one_username_from_many_addresses_make_its_next_try_wait(
    lockout, client, jingyang, settings
):
    fail_from_many_addresses(client, jingyang.username, settings.SIGNIN_THROTTLE_FAILURES)
    refused = sign_in(client, jingyang.username, PASSWORD, peer="10.8.0.23")  # the right password, too soon
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "登录失败次数过多" in page and "1分钟后再试" in page
    assert "_auth_user_id" not in client.session
    throttled = AuditEvent.objects.get(action="login_throttled")
    assert (throttled.username, throttled.result, throttled.ip) == (
        jingyang.username,
        AuditEvent.Result.DENIED,
        "10.8.0.23",
    )
    # The refused try was not a failure: it does not lengthen the wait.
    assert AuditEvent.objects.filter(action="login_failed").count() == settings.SIGNIN_THROTTLE_FAILURES


def test_the_admins_sign_in_waits_too(client, jingyang, settings):
    fail_from_many_addresses(client, jingyang.username, settings.SIGNIN_THROTTLE_FAILURES)
    response = client.post(reverse("admin:login"), {"username": jingyang.username, "password": PASSWORD})
    assert response.status_code == 429 and "登录失败次数过多" in response.content.decode()


def test_a_sign_in_without_its_csrf_token_is_refused_before_the_throttle(client, jingyang, settings):
    fail_from_many_addresses(client, jingyang.username, settings.SIGNIN_THROTTLE_FAILURES)
    strict = Client(enforce_csrf_checks=True)
    assert sign_in(strict, jingyang.username, PASSWORD).status_code == 403
    assert not AuditEvent.objects.filter(action="login_throttled").exists()


def test_a_colleague_is_not_slowed_down_by_another_accounts_failures(client, jingyang, make_user, settings):
    colleague = make_user("jy-colleague", unit_code="jingyang")
    fail_from_many_addresses(client, jingyang.username, settings.SIGNIN_THROTTLE_FAILURES)
    assert sign_in(client, colleague.username, PASSWORD, peer="10.9.0.1").status_code == 302


def failures(username: str, ats: list[datetime.datetime]) -> None:
    for at in ats:
        AuditEvent.objects.create(at=at, action="login_failed", username=username, result="failure")


def test_the_wait_doubles_with_each_further_failure_and_stops_at_the_ceiling(db, settings):
    settings.SIGNIN_THROTTLE_FAILURES = 10
    settings.SIGNIN_THROTTLE_FIRST_WAIT = datetime.timedelta(minutes=1)
    settings.SIGNIN_THROTTLE_MAX_WAIT = datetime.timedelta(minutes=15)
    now = timezone.now()
    failures("someone", [now - datetime.timedelta(hours=1)] * 9)
    assert signin_wait(username="someone", now=now) == 0
    waits = []
    for _ in range(7):
        failures("someone", [now])
        waits.append(signin_wait(username="someone", now=now))
    assert waits == [60, 120, 240, 480, 900, 900, 900]
    # Never for ever: the ceiling after the latest failure, then a try is allowed again.
    assert signin_wait(username="someone", now=now + datetime.timedelta(minutes=15)) == 0


def test_failures_before_the_window_or_before_a_successful_sign_in_do_not_count(db, settings):
    now = timezone.now()
    failures("old", [now - settings.SIGNIN_THROTTLE_WINDOW - datetime.timedelta(minutes=1)] * 20)
    assert signin_wait(username="old", now=now) == 0
    failures("back", [now - datetime.timedelta(minutes=30)] * 20)
    AuditEvent.objects.create(at=now - datetime.timedelta(minutes=20), action="login", username="back")
    assert signin_wait(username="back", now=now) == 0


def test_after_the_wait_the_right_password_signs_in(client, jingyang, settings, monkeypatch):
    fail_from_many_addresses(client, jingyang.username, settings.SIGNIN_THROTTLE_FAILURES)
    assert sign_in(client, jingyang.username, PASSWORD).status_code == 429
    later = timezone.now() + settings.SIGNIN_THROTTLE_FIRST_WAIT + datetime.timedelta(seconds=1)
    monkeypatch.setattr("units.signin_throttle.timezone.now", lambda: later)
    assert sign_in(client, jingyang.username, PASSWORD).status_code == 302
