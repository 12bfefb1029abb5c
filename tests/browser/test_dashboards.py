"""The office runs the plan from the dashboards; a county sees what it owes."""

from decimal import Decimal

import openpyxl
import pytest
from playwright.sync_api import expect

from reports.figures.rollup import rollup_rebuild_plan
from reports.workflow.drafts import figure_save
from reports.workflow.services import item_approve, item_submit
from targets.models import Indicator, Period
from units.models import Unit, User

pytestmark = pytest.mark.usefixtures("after_the_plan")


@pytest.fixture
def figures(demo):
    office = User.objects.get(username="office")
    pledges = Indicator.objects.get(code="2.3")
    for quarter in Period.objects.filter(plan=demo, year__gte=2024):
        for code in ("jingyang", "guanghan"):
            figure = figure_save(
                user=office,
                proxy_reason="代填（测试数据）",
                unit=Unit.objects.get(code=code),
                period=quarter,
                indicator=pledges,
                data={"value": Decimal("0.9")},
                expected_version=None,
            )
            item_submit(user=office, proxy_reason="代填（测试数据）", item=figure)
            item_approve(user=office, item=figure)
    rollup_rebuild_plan(plan=demo)
    return demo


def test_office_filters_the_indicators_opens_a_chart_and_downloads_the_table(
    figures, live_server, page, login, tmp_path
):
    login("office")
    expect(page.get_by_test_id("area-cards")).to_contain_text("知识产权运用更加高效")
    page.get_by_role("link", name="指标进展").click()
    page.get_by_label("目标领域").select_option(label="2. 知识产权运用更加高效")
    page.get_by_role("button", name="筛选").click()
    table = page.get_by_test_id("indicator-table")
    expect(table).to_contain_text("知识产权质押金额")
    expect(table).not_to_contain_text("高新技术企业")

    with page.expect_download() as download:
        page.get_by_role("link", name="下载 Excel").click()
    path = tmp_path / "table.xlsx"
    download.value.save_as(path)
    rows = list(openpyxl.load_workbook(path).active.values)
    assert rows[0][0] == "编号" and {r[0] for r in rows[1:]} == {"2.1", "2.2", "2.3"}

    table.get_by_role("link", name="知识产权质押金额").click()
    expect(page.get_by_test_id("formula")).to_contain_text("10.8 = 1.8 + 1.8")  # 6 quarters × 2 units × 0.9
    chart = page.get_by_test_id("trend-chart")
    expect(chart).to_have_attribute("data-drawn", "1")
    expect(chart.locator("svg.main-svg").first).to_be_visible()


def test_jingyang_sees_its_overdue_quarter(figures, live_server, page, login):
    login("jingyang")
    due = page.get_by_test_id("due-now")
    expect(due).to_contain_text("2025年第二季度填报")
    expect(due).to_contain_text("已逾期")
    page.get_by_role("link", name="打开填报表").click()
    expect(page.locator("h1")).to_contain_text("2025年第二季度")


def test_the_heatmap_and_league_render_for_the_leader(figures, live_server, page, login):
    login("leader")
    page.get_by_role("link", name="报送情况", exact=True).click()
    expect(page.get_by_test_id("heatmap")).to_contain_text("旌阳区人民政府")
    page.get_by_role("link", name="单位排名").click()
    expect(page.get_by_test_id("league")).to_contain_text("及时率")
