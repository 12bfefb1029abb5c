"""Walk every URL pattern of the REST API as each role, by token and by session, as tests/test_scoping.py walks the
pages (which leaves the API's patterns to this walk): 旌阳区's figure and task report are read by 旌阳区, its unit head,
the office and leaders, never by 广汉市 (its lists leave them out, their own URLs are 404); the standings are the
office's and leaders'; the system administrator and the auditor are refused everything (三员分立); nobody signed out
gets in; and every write that may not be made is refused and stores nothing, with the refusal audited."""

import json

import pytest
from django.test import Client
from django.urls import get_resolver, reverse

from tests.conftest import PASSWORD
from tests.test_scoping import all_patterns, is_api_endpoint, snapshot
from units.models import AuditEvent, User

from .conftest import token_for

pytestmark = pytest.mark.usefixtures("in_2024q1")

# Every endpoint of the API, by what it shows. A new one fails test_every_api_endpoint_is_walked until listed here.
KINDS = {
    "api:plan_list": "plan",
    "api:plan_detail": "plan",
    "api:quarter_list": "plan",
    "api:area_list": "plan",
    "api:indicator_list": "plan",
    "api:indicator_detail": "plan",
    "api:task_list": "plan",
    "api:task_detail": "plan",
    "api:unit_list": "units",
    "api:standing_list": "standings",
    "api:figure_list": "items",
    "api:task_report_list": "items",
    "api:figure_detail": "item",
    "api:task_report_detail": "item",
    "api:figure_submit": "submit",
    "api:task_report_submit": "submit",
    "api:schema": "plan",
    "api:docs": "docs",
}
READERS = ("office", "leader")
NOT_TAKEN = {
    "plan": ("post", "put", "delete"),
    "units": ("post", "put", "delete"),
    "standings": ("post", "put", "delete"),
    "items": ("put", "delete"),
    "item": ("post", "delete"),
    "submit": ("put", "delete"),
}
PLAN_ROLES = ("office", "leader", "reporter", "other_unit", "unit_head")
ROLES = (*PLAN_ROLES, "sysadmin", "auditor")


def api_patterns():
    for entry, prefix in _entries(get_resolver().url_patterns, ""):
        if is_api_endpoint(entry):
            yield prefix + entry.name


def _entries(patterns, prefix):
    for entry in patterns:
        if hasattr(entry, "url_patterns"):
            yield from _entries(entry.url_patterns, f"{entry.namespace}:" if entry.namespace else prefix)
        else:
            yield entry, prefix


@pytest.fixture
def users(plan, office_user, jingyang, guanghan_user, make_user) -> dict[str, User]:
    return {
        "office": office_user,
        "leader": make_user("x-leader", User.Role.LEADER),
        "reporter": jingyang,
        "other_unit": guanghan_user,
        "unit_head": make_user("jingyang-head", User.Role.UNIT_HEAD, "jingyang"),
        "sysadmin": make_user("x-sysadmin", User.Role.SYSADMIN),
        "auditor": make_user("x-auditor", User.Role.AUDITOR),
    }


def signed_in(user: User | None, how: str) -> Client:
    """A client signed in as `user` by token (one stored as the service stores it) or by the portal's session."""
    if user is None:
        return Client()
    if how == "token":
        return Client(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def url_of(name: str, world) -> str:
    pk = {
        "api:plan_detail": world.plan.pk,
        "api:indicator_detail": world.figure.indicator_id,
        "api:task_detail": world.task.pk,
        "api:figure_detail": world.figure.pk,
        "api:figure_submit": world.figure.pk,
        "api:task_report_detail": world.report.pk,
        "api:task_report_submit": world.report.pk,
    }.get(name)
    return reverse(name, kwargs={"pk": pk} if pk else None)


def expected_read(kind: str, role: str | None, how: str = "token") -> int:
    if kind == "docs" and (role is None or how == "token"):
        return 302  # the documentation page is a page, for people: the sign-in page first
    if role is None:
        return 401
    if role in ("sysadmin", "auditor"):
        return 403
    if kind == "standings" and role not in READERS:
        return 403
    if kind == "item" and role == "other_unit":
        return 404
    if kind == "submit":
        return 405
    return 200


def test_every_api_endpoint_is_walked_and_no_page_walk_covers_it():
    walked = set(api_patterns())
    assert walked == set(KINDS)
    assert not walked & {page.name for page in all_patterns()}


def denials(user: User | None) -> int:
    return AuditEvent.objects.filter(action="denied", username=user.username).count() if user else 0


def check(client: Client, user, method: str, url: str, expected: int, body=None) -> dict | None:
    """One request answered `expected`; a refusal (403/404) of a signed-in user audited. The answer's JSON, if any."""
    before = denials(user)
    data = json.dumps(body or {}) if method != "get" else None
    response = (
        getattr(client, method)(url, data, content_type="application/json") if data else client.get(url)
    )
    assert response.status_code == expected, (
        f"{method.upper()} {url} → {response.status_code}, not {expected}"
    )
    if user is not None and expected in (403, 404):
        assert denials(user) == before + 1, f"{method.upper()} {url}: refusal not in the audit log"
    if response.get("Content-Type", "").startswith("application/json"):
        return response.json()
    return None


def ids(answer: dict) -> set[int]:
    return {row["id"] for row in answer["results"]}


def read_everything(client: Client, user, role: str | None, world, how: str = "token") -> None:
    for name, kind in KINDS.items():
        answer = check(client, user, "get", url_of(name, world), expected_read(kind, role, how))
        if expected_read(kind, role, how) != 200:
            continue
        if name == "api:figure_list":
            assert (world.figure.pk in ids(answer)) == (role != "other_unit"), role
        if name == "api:task_report_list":
            assert (world.report.pk in ids(answer)) == (role != "other_unit"), role
        if name == "api:unit_list":
            codes = {row["code"] for row in answer["results"]}
            mine = {"reporter": {"jingyang"}, "unit_head": {"jingyang"}, "other_unit": {"guanghan"}}
            if role in mine:
                assert codes == mine[role], (role, codes)
            else:
                assert {"jingyang", "guanghan"} <= codes, (role, codes)


def writes(world):
    """Every write the API takes, aimed at 旌阳区's items, each based on the version stored when it is sent."""
    named = {"unit": "jingyang", "quarter": "2023Q4"}
    steps = [
        ("post", reverse("api:figure_list"), "figure", {**named, "indicator": world.figure.indicator_id}),
        ("put", url_of("api:figure_detail", world), "figure", {}),
        ("post", reverse("api:task_report_list"), "report", {**named, "task": world.report.task_id}),
        ("put", url_of("api:task_report_detail", world), "report", {}),
        ("post", url_of("api:figure_submit", world), "figure", None),
        ("post", url_of("api:task_report_submit", world), "report", None),
    ]
    content = {
        "figure": {"value": "999", "note": "测试数据"},
        "report": {"progress": "in_progress", "progress_text": "测试数据：推进中"},
    }
    for method, url, which, named_by in steps:
        item = getattr(world, which)
        item.refresh_from_db()
        body = (
            {"version": item.version}
            if named_by is None
            else {**named_by, **content[which], "version": item.version}
        )
        yield method, url, body


def expected_write(role: str | None, url: str) -> int:
    if role is None:
        return 401
    if role in ("sysadmin", "auditor", "leader"):
        return 403
    if role == "other_unit":  # another unit's item is not there for it; naming its unit is refused
        return 403 if url.endswith(("/figures/", "/task-reports/")) else 404
    if role == "office":
        return 400  # 代填 without its reason: the service refuses, nothing is stored
    return 200  # the unit's own reporter and head


@pytest.mark.parametrize("how", ["token", "session"])
@pytest.mark.parametrize("role", ROLES)
def test_each_endpoint_as_each_role(world, users, role, how):
    user = users[role]
    client = signed_in(user, how)
    read_everything(client, user, role, world, how)
    for name, kind in KINDS.items():  # the methods an endpoint does not take
        if kind == "docs" or name == "api:schema":
            continue
        expected = expected_read(kind, role, how)
        refused = (
            405 if expected in (200, 404, 405) else expected
        )  # the method is refused before the item is looked up
        for method in NOT_TAKEN[kind]:
            check(client, user, method, url_of(name, world), refused, {"value": "999", "version": 1})
    before = snapshot()
    for method, url, body in writes(world):
        check(client, user, method, url, expected_write(role, url), body)
    stored = snapshot() != before
    assert stored == (role in ("reporter", "unit_head")), role


def test_signed_out_nothing_is_read_or_written(world):
    client = Client()
    read_everything(client, None, None, world)
    before = snapshot()
    for method, url, body in writes(world):
        check(client, None, method, url, 401, body)
    assert snapshot() == before


def test_a_token_that_is_not_a_token_reads_nothing(world):
    client = Client(HTTP_AUTHORIZATION="Token nothing-like-a-token")
    for name in KINDS:
        if name != "api:docs":
            assert client.get(url_of(name, world)).status_code == 401, name


def test_an_office_session_before_its_code_reaches_no_endpoint(world, users, settings):
    """Outside demo mode the office gives its second factor first: every endpoint, by session, sends it there."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.DEMO_MODE = False
    TOTPDevice.objects.create(user=users["office"], name="验证器", confirmed=True)
    client = signed_in(users["office"], "session")
    verify = reverse("units:second_factor_verify")
    for name in KINDS:
        response = client.get(url_of(name, world))
        assert response.status_code == 302 and response.url.startswith(f"{verify}?next="), name
