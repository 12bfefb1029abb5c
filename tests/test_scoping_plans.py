"""Two plans open at once and a draft (issue 16): every URL of either plan, walked as each role. A page of one plan
shows that plan (never the other); what belongs to 旌阳区 stays refused to 广汉市 in both plans; a draft exists for
the office alone, and never through ?plan=."""

from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

from django.urls import resolve, reverse

from targets.models import Indicator, WorkPlan
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
            "reports:document_table_download": 999_999,
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


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href") if tag == "a" else None
        if href and href.startswith("/"):
            self.hrefs.append(href)


# Pages of one plan that a link may lead to: a page about the whole plan, or a sheet or an item of one of its quarters.
PLAN_SCOPED = {*(name.split(":")[1] for name in PLAN_PAGES), "sheet", "sheet_excel", "item_detail"}


# Pages that list something of every plan, each linking into its own plan: the unit's record across plans (单位), the
# sheets of every open plan (季度填报).
EVERY_PLAN = {"reports:unit_detail", "reports:report_index"}


def test_every_link_to_a_page_of_the_plan_names_the_plan_shown(client, plans, make_user):
    """An address copied from any link opens the plan the page showed, for a colleague too (whose default differs).
    A page that lists every plan's things (EVERY_PLAN) links each into its own plan."""
    wrong = set()
    for role, user in roles(make_user).items():
        client.force_login(user)
        for key in ("pilot", "next"):
            shown = plans[key]
            for name, who in PLAN_PAGES.items():
                if not opens(role, who):
                    continue
                kwargs = {"code": "jingyang"} if name == "reports:unit_detail" else None
                response = client.get(reverse(name, kwargs=kwargs), {"plan": shown.pk}, follow=True)
                parser = Links()
                parser.feed(response.content.decode())
                page = response.resolver_match.view_name  # a reporter's 首页 is its unit's page
                checked = 0
                for href in parser.hrefs:
                    url = urlsplit(href)
                    match = resolve(url.path)
                    if match.url_name not in PLAN_SCOPED or match.namespace not in ("reports", "tasks"):
                        continue
                    named = parse_qs(url.query).get("plan")
                    if not named or (page not in EVERY_PLAN and named != [str(shown.pk)]):
                        wrong.add((name, href.split("?")[0], str(named)))
                    checked += 1
                assert checked, (role, name)  # the header's links at least
    assert not wrong, sorted(wrong)
