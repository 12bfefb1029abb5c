"""The dashboards print on A4: no navigation or buttons on paper, the content at the paper's width."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from reports.figures.rollup import rollup_rebuild_plan
from reports.workflow.drafts import figure_save
from reports.workflow.services import item_approve, item_submit
from targets.models import Indicator, Period
from units.models import Unit, User

pytestmark = pytest.mark.usefixtures("after_the_plan")

# A4 between 15 mm margins, in CSS pixels (96 per inch): 180 mm wide portrait, 267 mm landscape.
A4_PORTRAIT_WIDTH = round(180 / 25.4 * 96)
A4_LANDSCAPE_WIDTH = round(267 / 25.4 * 96)


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


def overflow(page) -> int:
    """How many CSS pixels the widest element reaches past the right edge of the viewport (0: nothing cut off)."""
    return page.evaluate(
        """() => Math.max(0, ...[...document.querySelectorAll("main *")]
             .map(el => Math.ceil(el.getBoundingClientRect().right - window.innerWidth)))"""
    )


def test_the_overview_prints_without_navigation_and_buttons_on_a4(figures, live_server, page, login):
    login("office")
    page.emulate_media(media="print")
    for hidden in (
        page.get_by_role("navigation", name="主导航"),
        page.get_by_role("navigation", name="看板"),
        page.get_by_test_id("alert-bell"),
        page.locator("#language"),
        page.get_by_role("button", name="退出"),
    ):
        expect(hidden).to_be_hidden()
    expect(page.locator("h1")).to_be_visible()
    expect(page.get_by_test_id("area-cards")).to_be_visible()
    expect(page.get_by_test_id("quarter-reporting")).to_be_visible()
    expect(page.locator(".print-stamp")).to_contain_text("打印日期")
    expect(page.locator("#period-pick")).to_be_visible()  # the quarter shown prints as text

    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF-") and len(pdf) > 5_000
    sizes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)
    # A4 is 595 × 842 points (Chromium rounds to its own pixel grid: within 2 points).
    assert sizes and all(abs(float(w) - 595.3) < 2 and abs(float(h) - 841.9) < 2 for w, h in sizes)

    page.emulate_media(media="screen")
    expect(page.get_by_role("navigation", name="主导航")).to_be_visible()
    expect(page.locator(".print-stamp")).to_be_hidden()


def test_the_dashboard_tables_print_whole_within_the_papers_width(figures, live_server, page, login):
    login("office")
    page.emulate_media(media="print")
    page.set_viewport_size({"width": A4_PORTRAIT_WIDTH, "height": 1000})
    for path, table, last_column in (
        ("/dashboard/indicators/", "indicator-table", "本季报送"),
        ("/dashboard/reporting/", "heatmap", "2025年第二季度"),  # the rates come first, the quarters after
        ("/dashboard/units/", "league", "滞后任务"),
    ):
        page.goto(live_server.url + path)
        expect(page.get_by_test_id(table).locator("thead th").last).to_have_text(last_column)
        expect(page.get_by_test_id(table).locator("thead th").last).to_be_visible()
        assert overflow(page) == 0, path
    # The task board, a column per responsible unit, prints on A4 turned sideways.
    page.set_viewport_size({"width": A4_LANDSCAPE_WIDTH, "height": 1000})
    page.goto(live_server.url + "/dashboard/tasks/")
    expect(page.get_by_test_id("task-board").locator("thead th").last).to_be_visible()
    assert overflow(page) == 0


def test_a_chart_drawn_for_the_screen_is_scaled_to_the_paper(figures, live_server, page, login):
    login("office")
    page.goto(f"{live_server.url}/dashboard/indicators/{Indicator.objects.get(code='2.3').pk}/")
    chart = page.get_by_test_id("trend-chart")
    expect(chart).to_have_attribute("data-drawn", "1")
    drawn = chart.locator("svg.main-svg").first.bounding_box()["width"]
    assert drawn > A4_PORTRAIT_WIDTH  # drawn for a 1280px-wide screen
    page.emulate_media(media="print")
    assert chart.locator("svg.main-svg").first.bounding_box()["width"] <= A4_PORTRAIT_WIDTH
    assert len(page.pdf(format="A4")) > 5_000
