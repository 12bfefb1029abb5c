"""Crafted input never makes a 5xx (pen test, issue 14 item 9): every URL pattern (walked as tests/test_scoping.py
walks them), as the office, a reporter and the auditor, with malformed ids, codes and tokens in the path, malformed
pages, dates, quarters and filters in the query, NUL bytes anywhere, and POST bodies of nonsense. Each answer is a
page, a redirect, 400, 403, 404 or 405. A 5xx that happens all the same is audited.

Bounded: one value changed at a time from a valid request, a fixed list of values (no randomness), so a failure
names the request that made it and runs again the same way."""

from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.test_scoping import all_patterns, jingyang_data  # noqa: F401 - jingyang_data: the fixture, by name
from units.models import AuditEvent, User

pytestmark = pytest.mark.usefixtures("in_2024q1")

NUL = "\x00"
PLACEHOLDER = "987654321987"  # matches every converter, replaced by the bad value after reverse()

# What a path argument may be replaced with, per converter ("int" accepts only digits, "slug" only [-\w]).
PATH_VALUES = {
    "int": ["0", "2147483648", "99999999999999999999"],
    "slug": ["x", "-", "a" * 300],
    "string": [NUL, "x" * 500, "2025Q9", "0Q1", "旌阳", "%"],
}

FILTERS = ("unit", "area", "kind", "status", "action", "result", "username", "plan", "quarter")
# Query parameters: pages, page sizes, dates, quarters, filters and exports, malformed. Those a view reads in the
# same step go together; a quarter, which a view may refuse first, goes alone.
QUERIES = [
    {"page": "-1", "per_page": "-1", "sort": "-x"},
    {"page": "0", "per_page": "0"},
    {"page": "x", "per_page": "x"},
    {"page": "99999999999999999999", "per_page": "100000000"},
    {"start": "0001-01-01"},
    {"end": "9999-12-31"},
    {"start": "x", "end": "2024-02-30"},
    {"period": "2025Q9"},
    {"period": "0Q0"},
    {"export": "xlsx", "page": "-1", "per_page": "-1"},
    {"export": "xlsx", "start": "0001-01-01", "end": "9999-12-31"},
    {name: "-1" for name in FILTERS},
    {name: "x" * 300 for name in FILTERS},
    {"next": "https://evil.example/"},
    {NUL: NUL, "period": NUL, "sort": NUL, **{name: NUL for name in FILTERS}},
]


def bad_posts(valid: dict) -> list[dict]:
    """Bodies for every POST: the valid one with each field made nonsense, then every field a NUL byte."""
    nonsense = {
        "figure": ["x", "-1", "99999999999999999999"],
        "task_report": ["x"],
        "action": "approve",
        "reason": "x",
        "grant": "x",
        "period": "x",
        "kind": "x",
        "version": "x",
        "expected_version": "-1",
        "next": "//evil.example/",
        "page": "-1",
    }
    values = {
        key: "NaN" if key.endswith("-value") else "x"
        for key in valid
        if key not in nonsense and key != "action"
    }
    sheet = {key: "1e999999" for key in valid if key.endswith("-value")}
    return [
        {**valid, **values, **nonsense},
        {**valid, **sheet},
        {key: NUL for key in [*valid, *nonsense]},
    ]


def requests_for(page, data: dict):
    """(method, url, body) for one URL pattern: its valid URL with each bad query, then each argument replaced."""
    valid = reverse(page.name, kwargs=kwargs_for(page, data))
    for query in QUERIES:
        yield "get", f"{valid}?{urlencode(query)}", None
    for body in bad_posts(data["post"]):
        yield "post", valid, body
    for name, converter in page.pattern.converters.items():
        kind = type(converter).__name__.removesuffix("Converter").lower()
        for value in PATH_VALUES[kind]:
            url = reverse(page.name, kwargs={**kwargs_for(page, data), name: PLACEHOLDER})
            url = url.replace(PLACEHOLDER, quote(value, safe=""))
            yield "get", url, None
            yield "post", url, data["post"]


def kwargs_for(page, data: dict) -> dict:
    """The valid arguments jingyang_data gives; a page it does not know (added later) gets 1 for an id."""
    kwargs = {}
    for name in page.pattern.converters:
        value = data.get(name, 1)
        kwargs[name] = value.get(page.name, 1) if isinstance(value, dict) else value
    return kwargs


@pytest.mark.parametrize("role", [User.Role.OFFICE, User.Role.REPORTER, User.Role.AUDITOR])
def test_no_malformed_request_makes_a_server_error(request, make_user, role):
    data = request.getfixturevalue("jingyang_data")
    unit = {User.Role.OFFICE: "ldxzbgs", User.Role.REPORTER: "jingyang"}.get(role)
    user = make_user(f"fuzz-{role}", role, unit)
    client = Client(raise_request_exception=False)
    assert client.login(username=user.username, password=PASSWORD)
    errors, count = [], 0
    for page in all_patterns():
        if page.name == "logout":
            continue  # signs the fuzzing user out: checked on its own below
        for method, url, body in requests_for(page, data):
            response = (
                getattr(client, method)(url, body) if body is not None else getattr(client, method)(url)
            )
            count += 1
            if response.status_code >= 500:
                errors.append(f"{method.upper()} {url!r} → {response.status_code}")
    assert count > 800
    assert not errors, f"{len(errors)} of {count} requests answered 5xx:\n" + "\n".join(errors[:40])
    assert client.post(reverse("logout"), {"next": NUL}).status_code < 500


def test_a_nul_byte_in_a_path_is_refused_before_the_database(client, jingyang_signed_in):
    """PostgreSQL answers a NUL byte in a query with an error (a 500 at /evidence/%00/): it is refused (400) before
    any view reads it, in the path, a parameter or a posted field."""
    assert client.get("/evidence/%00/").status_code == 400
    assert client.post("/evidence/a%00b/delete/").status_code == 400
    assert client.get("/report/jingyang/2023Q4%00/").status_code == 400
    assert client.get(reverse("reports:report_index"), {"q": NUL}).status_code == 400
    assert client.post(reverse("reports:review_act"), {"reason": f"a{NUL}"}).status_code == 400


@pytest.mark.parametrize(
    "query",
    [{"start": "0001-01-01"}, {"end": "9999-12-31"}, {"start": "0001-01-02", "end": "9999-12-30"}],
)
def test_the_audit_logs_date_range_refuses_days_it_cannot_reach(client, make_user, query):
    auditor = make_user("fuzz-auditor", User.Role.AUDITOR)
    client.force_login(auditor)
    response = client.get(reverse("reports:audit_log"), query)
    assert response.status_code == 200
    assert "日期须在" in response.content.decode()
    assert not response.context["page"].object_list  # a search the form refuses finds nothing
    export = client.get(reverse("reports:audit_log"), {**query, "export": "xlsx"})
    assert export.status_code == 200


@pytest.mark.parametrize("per_page", ["-1", "0", "x", "100000000"])
def test_the_indicator_table_keeps_its_page_size_whatever_is_asked(client, office_user, plan, per_page):
    client.force_login(office_user)
    response = client.get(reverse("reports:indicator_table"), {"per_page": per_page, "page": "-1"})
    assert response.status_code == 200
    assert response.context["table"].paginator.per_page == 50


def test_a_server_error_is_audited_as_a_failure(client, jingyang, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("secret detail")

    monkeypatch.setattr("reports.views.sheet.unit_sheet_summaries", broken)
    client.raise_request_exception = False
    client.force_login(jingyang)
    response = client.get(reverse("reports:report_index"))
    assert response.status_code == 500
    [event] = AuditEvent.objects.filter(action="server_error")
    assert (event.username, event.result, event.path) == (
        jingyang.username,
        AuditEvent.Result.FAILURE,
        reverse("reports:report_index"),
    )
    assert "RuntimeError" in event.detail and "secret detail" not in event.detail
