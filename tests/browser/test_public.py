"""The public page in a real browser (issue 19 item 4): the office has published two indicators up to 2023Q4; a
visitor who is not signed in opens /public/ and reads them, with their approved values and status, and nothing the
office kept back. Then a reporter signs in and finds the 使用说明 from the header (item 5)."""

import os

from playwright.sync_api import expect

from public.services import publication_update
from reports.figures.rollup import rollup_rebuild_plan
from targets.models import Indicator
from tests.public.conftest import approved, make_indicator
from tests.reports.factories import period
from units.models import User

SHOTS = os.environ.get("SCREENSHOTS")


def test_a_visitor_reads_the_published_indicators_and_a_reporter_finds_the_help(
    demo, live_server, page, login, settings
):
    settings.PORTAL_TODAY = "2025-07-15"
    plan, office = demo, User.objects.get(username="office")
    stock = make_indicator(
        plan, "P1", "公开测试存量（测试数据）", target=1000, uom="件", units=["jingyang", "guanghan"]
    )
    rate = make_indicator(
        plan, "P2", "公开测试比率（测试数据）", kind="rate", target=95, uom="%", units=["jingyang"]
    )
    hidden = make_indicator(plan, "P3", "未公开测试指标（测试数据）", target=10, uom="件", units=["jingyang"])
    approved(office, plan, stock, "jingyang", "2023Q4", 413)
    approved(office, plan, stock, "guanghan", "2023Q4", 687)
    approved(office, plan, rate, "jingyang", "2023Q4", 92)
    approved(office, plan, rate, "jingyang", "2024Q1", 60)  # after the published quarter
    approved(office, plan, hidden, "jingyang", "2023Q4", 4321)
    rollup_rebuild_plan(plan=plan)
    publication_update(
        user=office,
        plan=plan,
        published=True,
        indicators=Indicator.objects.filter(pk__in=[stock.pk, rate.pk]),
        through=period(plan, "2023Q4"),
        show_units=False,
    )

    page.goto(f"{live_server.url}/public/")
    expect(page.locator("h1")).to_have_text(plan.title)
    rows = page.get_by_test_id("public-indicator")
    expect(rows).to_have_count(2)
    first = page.locator('[data-code="P1"]')
    expect(first).to_contain_text("1100 件")  # 413 + 687
    expect(first).to_contain_text("达标")
    second = page.locator('[data-code="P2"]')
    expect(second).to_contain_text("92 %")
    expect(second).to_contain_text("预警")  # 3 points short of 95 %
    main = page.get_by_test_id("public-page")
    expect(main).not_to_contain_text("未公开测试指标")
    expect(main).not_to_contain_text("2024年第一季度")
    expect(page.get_by_test_id("unit-figures")).to_have_count(0)
    expect(page.locator("nav.mainnav")).to_have_count(0)  # no portal navigation for the public
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/public.png", full_page=True)

    page.get_by_role("link", name="工作人员登录").click()
    login("jingyang")
    page.get_by_test_id("help-link").click()
    expect(page.locator("h1")).to_have_text("使用说明 · 填报员")
    expect(page.get_by_test_id("help-reporter")).to_contain_text("保存并提交勾选项")
    expect(page.get_by_test_id("help-colours")).to_contain_text("预警")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/help-reporter.png", full_page=True)
