"""The portal's own error pages (issue 15, items 7 and 8): 400, 403, 404 and 500 in Chinese with the portal's header
and a way back, the reason the service gave for a refusal, an oversized post answered with the 400 page, and a
signed-in user without access to 管理后台 refused there instead of being asked to sign in again."""

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD
from units.models import User

pytestmark = pytest.mark.usefixtures("in_2024q1")

BRAND = "知识产权强市建设工作平台"


def assert_portal_page(page: str) -> None:
    """The portal's header (brand and a link home), Chinese first, and no Django stock page."""
    assert 'class="topbar"' in page and BRAND in page
    assert 'lang="zh-hans"' in page
    assert f'href="{reverse("reports:home")}"' in page and "返回首页" in page
    assert "Forbidden" not in page and "Bad Request" not in page and "Not Found" not in page


def test_an_unknown_address_shows_the_portals_404_page(client, jingyang_signed_in):
    response = client.get("/no-such-page/", HTTP_REFERER="http://testserver/report/")
    assert response.status_code == 404
    page = response.content.decode()
    assert_portal_page(page)
    assert "找不到您要访问的页面" in page
    assert 'href="/report/"' in page and "返回上一页" in page  # back where the broken link was
    assert "Resolver404" not in page


def test_the_way_back_never_leads_to_another_site(client, jingyang_signed_in):
    page = client.get("/no-such-page/", HTTP_REFERER="https://evil.example/phish").content.decode()
    assert "evil.example" not in page and "返回上一页" not in page


def test_a_404_with_the_portals_own_reason_shows_it(client, make_user):
    leader = make_user("x-leader-404", User.Role.LEADER)
    client.force_login(leader)
    response = client.get(reverse("reports:my_unit"))
    assert response.status_code == 404
    assert "您的账号不属于任何单位" in response.content.decode()


def test_a_refusal_shows_the_reason_the_service_gave(client, jingyang_signed_in):
    response = client.post(reverse("reports:review_act"), {"action": "approve", "figure": ["1"]})
    assert response.status_code == 403
    page = response.content.decode()
    assert_portal_page(page)
    assert "无权进行此操作" in page
    assert "只有领导小组办公室可以审核" in page
    assert 'data-testid="current-user"' in page  # the signed-in header, with the user's own menu


def test_a_form_posted_without_its_security_token_lands_on_the_portals_403_page(plan, jingyang):
    browser = Client(enforce_csrf_checks=True)
    assert browser.login(username=jingyang.username, password=PASSWORD)
    response = browser.post(reverse("reports:sheet", args=["jingyang", "2023Q4"]), {"x": "1"})
    assert response.status_code == 403
    page = response.content.decode()
    assert_portal_page(page)
    assert "请返回上一页，刷新页面后重新提交" in page
    assert "CSRF" not in page


def test_an_oversized_post_gets_the_portals_400_page(client, jingyang_signed_in):
    too_big = "1" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = client.post(reverse("reports:sheet", args=["jingyang", "2023Q4"]), {"note": too_big})
    assert response.status_code == 400
    page = response.content.decode()
    assert_portal_page(page)
    assert "提交的内容太大" in page
    assert "RequestDataTooBig" not in page


def test_a_bad_request_shows_the_reason_the_view_gave(client, office_user):
    client.force_login(office_user)
    response = client.post(reverse("reports:review_act"), {"action": "approve", "figure": ["abc"]})
    assert response.status_code == 400
    page = response.content.decode()
    assert_portal_page(page)
    assert "无效的项目编号" in page


def test_an_unexpected_error_shows_the_portals_500_page(client, jingyang_signed_in, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("secret detail")

    monkeypatch.setattr("reports.views.portal.user_sees_all_units", broken)
    client.raise_request_exception = False
    response = client.get(reverse("reports:unit_list"), HTTP_REFERER="http://testserver/report/")
    assert response.status_code == 500
    page = response.content.decode()
    assert 'class="topbar"' in page and BRAND in page and 'lang="zh-hans"' in page
    assert "系统出现错误" in page and "返回首页" in page and 'href="/report/"' in page
    assert "secret detail" not in page and "RuntimeError" not in page


def test_the_500_page_needs_no_database_and_no_request():
    """Django renders 500.html with no request and no context; this test has no database (pytest-django refuses
    any query), so the page cannot depend on one."""
    page = render_to_string("500.html")
    assert BRAND in page and "系统出现错误" in page and "返回首页" in page


def test_a_leader_opening_the_admin_gets_the_403_page_not_a_second_login(client, make_user):
    client.force_login(make_user("x-leader", User.Role.LEADER))
    for url in (reverse("admin:index"), reverse("admin:login"), reverse("admin:targets_workplan_changelist")):
        response = client.get(url)
        assert response.status_code == 403, url
        page = response.content.decode()
        assert_portal_page(page)
        assert "管理后台仅供领导小组办公室和系统管理员使用" in page
        assert 'name="password"' not in page


def test_the_office_still_opens_the_admin(client, office_user):
    client.force_login(office_user)
    assert client.get(reverse("admin:index")).status_code == 200


def test_signed_out_the_admin_still_offers_its_sign_in(client, plan):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 200
    assert 'name="password"' in response.content.decode()
