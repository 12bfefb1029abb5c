import pytest
from django.urls import reverse

from targets.models import Indicator
from tasks.models import Task
from tests.conftest import PASSWORD
from units.models import User


def login(client, user: User):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def page_urls(plan) -> list[str]:
    indicator = Indicator.objects.get(code="1.1")
    task = Task.objects.get(section__number="二", number="7")
    return [
        reverse("reports:home"),
        reverse("tasks:plan_overview"),
        reverse("tasks:plan_detail", args=[plan.pk]),
        reverse("reports:indicator_detail", args=[indicator.pk]),
        reverse("reports:task_detail", args=[task.pk]),
        reverse("reports:my_unit"),
        reverse("reports:unit_list"),
        reverse("reports:unit_detail", args=["jingyang"]),
        reverse("units:account_list"),
        reverse("admin:index"),
    ]


def test_anonymous_users_see_only_the_login_page(client, plan):
    for url in page_urls(plan):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(
            reverse("login") if "admin" not in url else reverse("admin:login")
        ), url
    assert client.get(reverse("login")).status_code == 200


def test_a_wrong_password_says_what_to_fix_in_chinese(client, plan, guanghan_user):
    response = client.post(reverse("login"), {"username": guanghan_user.username, "password": "wrong"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


def test_a_county_lands_on_its_tasks(client, guanghan_user):
    login(client, guanghan_user)
    response = client.get(reverse("reports:home"), follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("reports:unit_detail", args=["guanghan"])
    assert "我的任务" in page
    assert "强化“三星堆”品牌全方位保护" in page
    assert "通过“各区（市、县）人民政府”" in page
    assert "加强知识产权司法保护" not in page


def test_a_bureau_lands_on_my_unit(client, make_user):
    login(client, make_user("kjj-t", User.Role.REPORTER, "kjj"))
    page = client.get(reverse("reports:home"), follow=True).content.decode()
    assert "我的单位" in page and "市科技局" in page
    assert "加强高价值专利培育" in page


@pytest.mark.parametrize("other", ["jingyang", "kjj", "ldxzbgs", "no-such-unit"])
def test_a_reporter_gets_404_on_another_units_page(client, guanghan_user, other):
    login(client, guanghan_user)
    assert client.get(reverse("reports:unit_detail", args=[other])).status_code == 404


def test_a_reporter_cannot_open_the_unit_list_or_accounts(client, guanghan_user):
    login(client, guanghan_user)
    assert client.get(reverse("reports:unit_list")).status_code == 302
    assert client.get(reverse("units:account_list")).status_code == 403
    assert client.get(reverse("admin:index")).status_code == 403  # the portal's page, not a second login


def test_office_sees_every_unit_and_what_the_plan_leaves_open(client, office_user):
    login(client, office_user)
    home = client.get(reverse("reports:home")).content.decode()
    assert "需要办公室补充的事项" in home and "需填写基线值" in home
    assert client.get(reverse("reports:unit_detail", args=["jingyang"])).status_code == 200
    assert client.get(reverse("reports:unit_detail", args=["zyfy"])).status_code == 200
    assert client.get(reverse("admin:targets_indicator_changelist")).status_code == 200


def test_leaders_read_every_unit_but_have_no_admin(client, make_user):
    login(client, make_user("leader-t", User.Role.LEADER))
    assert client.get(reverse("reports:home")).status_code == 200
    assert client.get(reverse("reports:unit_detail", args=["guanghan"])).status_code == 200
    # Issue 15 item 8: a 403 page with the reason, not a second login.
    refused = client.get(reverse("admin:index"))
    assert refused.status_code == 403 and "管理后台仅供" in refused.content.decode()


@pytest.mark.parametrize(
    ("role", "landing", "title"),
    [
        (User.Role.SYSADMIN, "units:account_list", "账号一览"),
        (User.Role.AUDITOR, "reports:audit_log", "审计日志"),
    ],
)
def test_sysadmin_and_auditor_land_on_their_work_and_see_no_unit_work(
    client, make_user, role, landing, title
):
    login(client, make_user(f"t-{role}", role))
    response = client.get(reverse("reports:home"), follow=True)
    assert response.redirect_chain[-1][0] == reverse(landing)
    assert title in response.content.decode()
    assert client.get(reverse("reports:unit_detail", args=["guanghan"])).status_code == 403


def test_the_auditor_does_not_see_the_account_list(client, make_user):
    login(client, make_user("t-auditor", User.Role.AUDITOR))
    assert client.get(reverse("units:account_list")).status_code == 403


def test_plan_overview_shows_every_area_indicator_and_task(client, office_user, plan):
    login(client, office_user)
    page = client.get(reverse("tasks:plan_overview")).content.decode()
    for indicator in Indicator.objects.all():
        assert indicator.name in page, indicator.code
    for task in Task.objects.all():
        assert task.title in page, task.code
    assert "≥ 402 户" in page
    assert "基线 × 2" in page


def test_plan_overview_runs_a_fixed_number_of_queries(
    client, office_user, plan, django_assert_max_num_queries
):
    login(client, office_user)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("tasks:plan_overview")).status_code == 200


def test_task_page_shows_the_plans_own_text_and_group_members(client, guanghan_user):
    login(client, guanghan_user)
    task = Task.objects.get(section__number="三", number="3")
    page = client.get(reverse("reports:task_detail", args=[task.pk])).content.decode()
    assert task.text in page
    assert "什邡市人民政府" in page and "中江县人民政府" in page


def test_indicator_page_shows_target_kind_and_source_sentence(client, guanghan_user):
    login(client, guanghan_user)
    indicator = Indicator.objects.get(code="二(二)2.1")
    page = client.get(reverse("reports:indicator_detail", args=[indicator.pk])).content.decode()
    assert "将平均审理时间减少10%" in page
    assert "越低越好" in page
    assert "加强知识产权司法保护" in page


def test_the_interface_switches_to_english(client, guanghan_user):
    login(client, guanghan_user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("reports:unit_detail", args=["guanghan"])).content.decode()
    assert "My tasks" in page
    assert "Sign out" in page
