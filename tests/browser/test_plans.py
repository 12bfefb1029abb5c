"""Two plans open at once in a real browser (issue 16, item 2, first step): the office switches between them from
the plan bar and every page follows; a county reporter opens on the plan whose quarter is due next and reaches the
other plan's sheets from the same bar."""

import os

import pytest
from playwright.sync_api import expect

from targets.models import WorkPlan
from tasks.lifecycle import plan_open
from tasks.services import plan_import, plan_reporting_defaults
from tests.tasks.test_services import another_plan
from units.models import User

SHOTS = os.environ.get("SCREENSHOTS")
NEXT_TITLE = "德阳市推进国家知识产权强市建设工作方案（2025—2027年）"


@pytest.fixture
def both(demo, settings) -> tuple[WorkPlan, WorkPlan]:
    """The pilot plan and the next one (test data), both open; the portal stands on 2025-07-05, five days before the
    pilot plan's last quarter is due."""
    settings.PORTAL_TODAY = "2025-07-05"
    office = User.objects.get(username="office")
    second = plan_import(data=another_plan(), status=WorkPlan.Status.DRAFT)
    plan_reporting_defaults(user=office, plan=second)
    plan_open(user=office, plan=second, acknowledged=True)
    return demo, second


def test_the_office_switches_plans_and_a_county_opens_on_the_one_due_next(both, live_server, page, login):
    pilot, second = both
    login("office")
    bar = page.get_by_test_id("plan-switch")
    expect(bar.get_by_label("当前方案")).to_have_value(str(second.pk))  # the newest open plan
    page.goto(f"{live_server.url}/dashboard/reporting/")
    bar.get_by_label("当前方案").select_option(str(pilot.pk))  # submits itself (autosubmit.js)
    expect(page).to_have_url(f"{live_server.url}/dashboard/reporting/?plan={pilot.pk}")
    expect(page.locator("main")).to_contain_text("2025年第二季度")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/plans-office.png", full_page=False)
    page.goto(f"{live_server.url}/dashboard/indicators/")  # remembered from page to page
    expect(bar.get_by_label("当前方案")).to_have_value(str(pilot.pk))
    page.get_by_role("button", name="退出").click()

    login("jingyang")
    expect(page.get_by_test_id("plan-switch").get_by_label("当前方案")).to_have_value(str(pilot.pk))
    page.get_by_role("link", name="季度填报").click()
    groups = page.get_by_test_id("sheet-group")  # every open plan's sheets, the plan shown first
    expect(groups.nth(0).locator("h2")).to_contain_text(pilot.title)
    expect(groups.nth(0)).to_contain_text("2025年第二季度")
    expect(groups.nth(1).locator("h2")).to_contain_text(NEXT_TITLE)
    expect(groups.nth(1)).to_contain_text("2025年第三季度")
    page.get_by_test_id("plan-switch").get_by_label("当前方案").select_option(str(second.pk))
    expect(page).to_have_url(f"{live_server.url}/report/?plan={second.pk}")
    expect(groups.nth(0).locator("h2")).to_contain_text(NEXT_TITLE)
    groups.nth(0).get_by_role("link", name="2025年第三季度").click()
    expect(page.locator("h1")).to_contain_text("2025年第三季度")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/plans-county.png", full_page=False)
