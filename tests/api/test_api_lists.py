"""The API's lists: filtered by plan and quarter, paged, a fixed number of queries whatever their length, throttled;
the standings as 指标进展 has them; malformed queries and bodies answered 400/404, never a server error."""

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.throttling import UserRateThrottle

from reports.figures.rollup import rollup_rebuild_plan
from reports.workflow.drafts import figure_save, task_report_save
from reports.workflow.services import item_approve, item_submit
from tasks.selectors import tasks_for_unit
from tests.reports.factories import indicator, period
from units.models import Unit

from .test_api_scoping import KINDS, url_of

pytestmark = pytest.mark.usefixtures("in_2024q1")

COUNTIES = ("jingyang", "guanghan", "luojiang", "shifang", "mianzhu", "zhongjiang")
PROXY = "测试数据：代填"


def fill(plan, office_user, codes: tuple[str, ...]) -> None:
    """Figures of 1.1 and 1.2 and a report on each county's first task in 2023Q4, for each unit of `codes`."""
    quarter = period(plan, "2023Q4")
    for code in codes:
        unit = Unit.objects.get(code=code)
        for indicator_code in ("1.1", "1.2"):
            figure_save(
                user=office_user,
                unit=unit,
                period=quarter,
                indicator=indicator(plan, indicator_code),
                data={"value": 10},
                expected_version=None,
                proxy_reason=PROXY,
            )
        task_report_save(
            user=office_user,
            unit=unit,
            period=quarter,
            task=tasks_for_unit(unit=unit, plan=plan).order_by("pk").first(),
            data={"progress": "in_progress"},
            expected_version=None,
            proxy_reason=PROXY,
        )


def queries(client: Client, url: str) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return len(captured), response.json()


@pytest.mark.parametrize("name", ["api:figure_list", "api:task_report_list"])
def test_a_lists_queries_do_not_grow_with_its_length(plan, office_user, token_client, name):
    client = token_client(office_user)
    url = reverse(name) + "?quarter=2023Q4"
    client.get(url)  # the token's first use is written down once
    fill(plan, office_user, COUNTIES[:1])
    few, small = queries(client, url)
    fill(plan, office_user, COUNTIES[1:])
    many, large = queries(client, url)
    per_unit = 2 if name == "api:figure_list" else 1
    assert (small["count"], large["count"]) == (per_unit, per_unit * len(COUNTIES))
    assert few == many


@pytest.mark.parametrize(
    "name", ["api:indicator_list", "api:task_list", "api:area_list", "api:standing_list"]
)
def test_the_plans_lists_cost_the_same_for_a_page_of_2_or_20(plan, office_user, token_client, name):
    client = token_client(office_user)
    client.get(reverse(name))
    few, small = queries(client, reverse(name) + "?page_size=2")
    many, large = queries(client, reverse(name) + "?page_size=20")
    assert len(small["results"]) == 2 and len(large["results"]) == min(20, large["count"]) > 2
    assert few == many


def test_a_reporter_lists_its_own_figures_of_a_quarter_page_by_page(
    plan, office_user, make_user, token_client
):
    fill(plan, office_user, COUNTIES)
    client = token_client(make_user("jy-lister", "reporter", "jingyang"))
    first = client.get(reverse("api:figure_list"), {"quarter": "2023Q4", "page_size": 1}).json()
    assert first["count"] == 2 and first["next"] and first["results"][0]["indicator_code"] == "1.1"
    second = client.get(first["next"]).json()
    assert second["results"][0]["indicator_code"] == "1.2" and second["next"] is None
    assert {row["unit"] for row in first["results"] + second["results"]} == {"jingyang"}
    assert client.get(reverse("api:figure_list"), {"quarter": "2023Q3"}).json()["count"] == 0
    assert client.get(reverse("api:figure_list"), {"status": "approved"}).json()["count"] == 0
    changed = client.get(reverse("api:figure_list"), {"updated_after": "2030-01-01T00:00:00+08:00"}).json()
    assert changed["count"] == 0


def test_the_standings_of_a_quarter_are_those_of_the_indicator_table(
    plan, office_user, jingyang, token_client
):
    """旌阳区 and 广汉市 report 1.1 高新技术企业 (target 402 户): 120 + 95 approved in 2023Q4 makes 215 for the city."""
    quarter = period(plan, "2023Q4")
    for user, value in ((jingyang, 120), (None, 95)):
        unit = user.unit if user else Unit.objects.get(code="guanghan")
        writer = user or office_user
        proxy = "" if user else PROXY
        figure = figure_save(
            user=writer,
            unit=unit,
            period=quarter,
            indicator=indicator(plan, "1.1"),
            data={"value": value},
            expected_version=None,
            proxy_reason=proxy,
        )
        item_submit(user=writer, item=figure, proxy_reason=proxy)
        item_approve(user=office_user, item=figure)
    rollup_rebuild_plan(plan=plan)
    answer = token_client(office_user).get(
        reverse("api:standing_list"), {"quarter": "2023Q4", "page_size": 500}
    )
    row = next(r for r in answer.json()["results"] if r["code"] == "1.1")
    assert (row["quarter"], row["value"], row["target"], row["reported"]) == ("2023Q4", "215", "402", 2)
    table = Client()
    table.force_login(office_user)
    page = table.get(reverse("reports:indicator_table"), {"period": "2023Q4", "plan": plan.pk})
    shown = next(s for s in page.context["table"].data.data if s.indicator.code == "1.1")
    assert (row["status"], Decimal(row["expected"] or "0")) == (
        shown.progress.status,
        shown.progress.expected or 0,
    )


def test_a_user_over_its_rate_waits(plan, jingyang, token_client, monkeypatch):
    monkeypatch.setattr(UserRateThrottle, "rate", "3/minute", raising=False)
    client = token_client(jingyang)
    answers = [client.get(reverse("api:plan_list")) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert int(answers[-1]["Retry-After"]) > 0


BAD_QUERIES = [
    {"plan": "x"},
    {"plan": "999999"},
    {"quarter": "2025Q9"},
    {"quarter": "1999Q1"},
    {"page": "-1"},
    {"page": "x"},
    {"page": "99999999999999999999"},
    {"page_size": "x"},
    {"page_size": "-5"},
    {"updated_after": "x"},
    {"updated_after": "0001-01-01T00:00:00"},
    {"status": "x"},
    {"indicator": "x"},
    {"task": "99999999999999999999999"},
    {"area": "-1"},
    {"kind": "x"},
    {"unit": "旌阳" * 100},
]
BAD_BODIES = [
    "not json",
    "[1, 2]",
    json.dumps({"version": "x", "value": {"a": 1}, "indicator": [1], "unit": 5, "quarter": None}),
    json.dumps({"version": -1, "value": "1" * 100, "achieved": "maybe", "achieved_on": "2024-02-30"}),
    json.dumps(
        {"version": 99999999999999999999, "unit": "jingyang", "quarter": "2023Q4", "indicator": 2**63}
    ),
    json.dumps({"version": 1, "value": 1e308, "note": "\u0000"}),
]


@pytest.mark.parametrize("role", ["office", "reporter"])
def test_no_malformed_request_makes_a_server_error(world, office_user, jingyang, token_client, role):
    client = token_client(office_user if role == "office" else jingyang)
    client.raise_request_exception = False
    errors = []
    for name in KINDS:
        url = url_of(name, world)
        for query in BAD_QUERIES:
            response = client.get(url, query)
            if response.status_code >= 500:
                errors.append(f"GET {url} {query} → {response.status_code}")
        for body in BAD_BODIES:
            for method in ("post", "put"):
                response = getattr(client, method)(url, body, content_type="application/json")
                if response.status_code >= 500:
                    errors.append(f"{method.upper()} {url} {body[:40]} → {response.status_code}")
        if name.endswith(("_detail", "_submit")):
            for pk in (2147483648, 99999999999999999999):
                bad = reverse(name, kwargs={"pk": pk})
                if client.get(bad).status_code >= 500:
                    errors.append(f"GET {bad}")
    assert not errors, "\n".join(errors)


def test_changes_since_a_moment_are_listed_with_its_offset_encoded_or_not(world, jingyang, token_client):
    """旌阳区's figure was saved on 2024-01-05 (the portal's day): listed as changed after the 4th, not after the 6th."""
    client = token_client(jingyang)
    url = reverse("api:figure_list")
    assert client.get(url, {"updated_after": "2024-01-04T00:00:00+08:00"}).json()["count"] == 1
    assert client.get(f"{url}?updated_after=2024-01-04T00:00:00+08:00").json()["count"] == 1  # "+" unencoded
    assert client.get(url, {"updated_after": "2024-01-06T00:00:00"}).json()["count"] == 0
    refused = client.get(url, {"updated_after": "yesterday"})
    assert refused.status_code == 400
    assert refused.json() == {"updated_after": ["应为时间，如 2025-07-01T08:00:00+08:00，收到“yesterday”"]}
