"""Two plans open at once and a draft (issue 16): every URL of either plan, walked as each role. A page of one plan
shows that plan (never the other); what belongs to 旌阳区 stays refused to 广汉市 in both plans; a draft exists for
the office alone, and never through ?plan=."""

import pytest
from django.urls import reverse

from reports.workflow.drafts import figure_save
from targets.models import Indicator, Period, WorkPlan
from tasks.lifecycle import plan_open
from tasks.services import plan_import, plan_reporting_defaults
from tests.tasks.test_services import another_plan
from tests.test_scoping import NOT_UNIT_SCOPED, all_patterns, assert_refused, url_for
from tests.units.factories import PASSWORD
from units.models import User

# Pages about a whole plan (the plan bar's ?plan= chooses which), each as the roles that open it.
PLAN_PAGES = {
    "reports:home": "all",
    "reports:report_index": "all",
    "reports:unit_detail": "all",
    "reports:indicator_table": "readers",
    "reports:heatmap": "readers",
    "reports:task_board": "readers",
    "reports:league": "readers",
    "reports:document_list": "all",
    "reports:instruction_list": "all",
    "tasks:plan_overview": "all",
}


@pytest.fixture
def plans(plan, office_user, jingyang, settings) -> dict:
    """The pilot plan and the next one (test data), both open on 2025-11-01, a figure of 旌阳区 in each, and a third
    plan still a draft."""
    settings.PORTAL_TODAY = "2025-11-01"
    second = plan_import(data=another_plan(), status=WorkPlan.Status.DRAFT)
    plan_reporting_defaults(user=office_user, plan=second)
    plan_open(user=office_user, plan=second, acknowledged=True)
    draft_data = another_plan()
    draft_data["plan"] |= {"title": "第三个方案（测试数据，草稿）", "start": "2026-01-01"}
    draft = plan_import(data=draft_data, status=WorkPlan.Status.DRAFT)
    for shown, code in ((plan, "2023Q4"), (second, "2025Q3")):
        year, quarter = int(code[:4]), int(code[-1])
        figure_save(
            user=jingyang,
            unit=jingyang.unit,
            period=Period.objects.get(plan=shown, year=year, quarter=quarter),
            indicator=Indicator.objects.get(plan=shown, code="1.1"),
            data={"value": 5},
            expected_version=None,
        )
    return {"pilot": plan, "next": second, "draft": draft}


def data_for(shown: WorkPlan, code: str) -> dict:
    indicator = Indicator.objects.get(plan=shown, code="1.1")
    return {
        "unit_code": "jingyang",
        "code": "jingyang",
        "period_code": code,
        "kind": {"reports:item_detail": "figure", "reports:instruction_new": "indicator"},
        "pk": {
            "reports:item_detail": indicator.pk,
            "reports:instruction_new": indicator.pk,
            "reports:indicator_progress": indicator.pk,
            "reports:indicator_detail": indicator.pk,
            "reports:task_detail": shown.tasks.order_by("pk").first().pk,
            "reports:reopen_decide": 999_999,
            "tasks:plan_draft": 999_999,
            "reports:document_status": 999_999,
            "reports:document_download": 999_999,
            "units:privilege_decide": 999_999,
        },
        "token": "none",
        "plan_id": shown.pk,
        "post": {"value": "999", "reason": "x", "text": "x"},
    }


def roles(make_user) -> dict[str, User]:
    return {
        "office": User.objects.get(role=User.Role.OFFICE),
        "leader": make_user("leader-scope", User.Role.LEADER),
        "reporter": User.objects.get(role=User.Role.REPORTER, unit__code="jingyang"),
        "unit_head": make_user("jingyang-head", User.Role.UNIT_HEAD, "jingyang"),
    }


def opens(role: str, who: str) -> bool:
    return who == "all" or (who == "readers" and role in ("office", "leader"))


def test_each_page_of_either_plan_shows_that_plan_to_every_role(client, plans, make_user):
    users = roles(make_user)
    for role, user in users.items():
        client.force_login(user)
        for key in ("pilot", "next"):
            shown = plans[key]
            for name, who in PLAN_PAGES.items():
                kwargs = {"code": "jingyang"} if name == "reports:unit_detail" else {}
                response = client.get(reverse(name, kwargs=kwargs or None), {"plan": shown.pk}, follow=True)
                if not opens(role, who):
                    assert response.status_code in (403, 404), (role, name)
                    continue
                assert response.status_code == 200, (role, key, name, response.status_code)
                assert response.context["plan_shown"] == shown, (role, key, name)
            # A page about one thing of a plan shows that thing's plan, whichever plan the user looked at before.
            other = plans["next" if key == "pilot" else "pilot"]
            client.get(reverse("reports:home"), {"plan": other.pk})
            indicator = Indicator.objects.get(plan=shown, code="1.1")
            page = client.get(reverse("reports:indicator_detail", args=[indicator.pk]))
            assert page.status_code == 200 and page.context["plan_shown"] == shown, (role, key)


def test_another_units_pages_are_refused_in_both_plans(client, plans, guanghan_user):
    assert client.login(username=guanghan_user.username, password=PASSWORD)
    for key, code in (("pilot", "2023Q4"), ("next", "2025Q3")):
        data = data_for(plans[key], code)
        for pattern in all_patterns():
            if pattern.name in NOT_UNIT_SCOPED or pattern.name.startswith(("units:", "tasks:plan_")):
                continue
            url = url_for(pattern, data) + f"?plan={plans[key].pk}"
            assert_refused(client, guanghan_user, "get", url, {})


def test_a_draft_plan_is_the_offices_alone_and_never_listed(client, plans, make_user):
    draft = plans["draft"]
    indicator = Indicator.objects.get(plan=draft, code="1.1")
    for role, user in roles(make_user).items():
        client.force_login(user)
        for name, who in PLAN_PAGES.items():
            kwargs = {"code": "jingyang"} if name == "reports:unit_detail" else None
            response = client.get(reverse(name, kwargs=kwargs), {"plan": draft.pk}, follow=True)
            # 404 wherever the role may open the page; a page the role never opens stays a 403.
            assert response.status_code in ((404,) if opens(role, who) else (403, 404)), (role, name)
        for url in (
            reverse("tasks:plan_detail", args=[draft.pk]),
            reverse("reports:indicator_detail", args=[indicator.pk]),
        ):
            assert client.get(url).status_code == (200 if role == "office" else 404), (role, url)
        page = client.get(reverse("reports:home"), follow=True)
        assert draft.title not in page.content.decode(), role
