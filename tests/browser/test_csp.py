"""The main pages work under the Content-Security-Policy: nothing they load or run is refused, charts draw."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from reports.figures.rollup import rollup_rebuild_plan
from reports.workflow.drafts import figure_save
from reports.workflow.services import item_approve, item_submit
from targets.models import Indicator, Period
from units.models import Unit, User

pytestmark = pytest.mark.usefixtures("after_the_plan")

# Reports every violation the page meets to the test (the browser fires this event for each refused script, handler,
# style, image, frame or form target), from before the page's own scripts run, on every page the test opens.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (e) {
  window.reportCspViolation(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile + ":" + e.lineNumber);
});
"""


@pytest.fixture
def pledges(demo) -> Indicator:
    """Indicator 2.3 with approved figures of two counties, so its chart has an actual line besides the path."""
    office = User.objects.get(username="office")
    indicator = Indicator.objects.get(code="2.3")
    for quarter in Period.objects.filter(plan=demo, year=2025):
        for code in ("jingyang", "guanghan"):
            figure = figure_save(
                user=office,
                proxy_reason="代填（测试数据）",
                unit=Unit.objects.get(code=code),
                period=quarter,
                indicator=indicator,
                data={"value": Decimal("0.9")},
                expected_version=None,
            )
            item_submit(user=office, proxy_reason="代填（测试数据）", item=figure)
            item_approve(user=office, item=figure)
    rollup_rebuild_plan(plan=demo)
    return indicator


@pytest.fixture
def csp_violations(page):
    """What the policy refused on every page the test opened: the events, and the console's messages about it."""
    seen = []
    page.on(
        "console", lambda message: "Content Security Policy" in message.text and seen.append(message.text)
    )
    page.expose_function("reportCspViolation", lambda report: seen.append(report))
    page.add_init_script(REPORT_VIOLATIONS)

    def violations() -> list[str]:
        page.evaluate("0")  # lets the reports the page has sent reach this thread
        return seen

    return violations


def open_under_csp(page, url: str):
    """Open a page and check it was served with the policy: only this origin's script files may run."""
    response = page.goto(url)
    policy = dict(
        (directive.split()[0], directive.split()[1:])
        for directive in response.headers.get("content-security-policy", "").split(";")
        if directive.strip()
    )
    assert policy.get("script-src") == ["'self'"], policy
    page.wait_for_load_state("networkidle")
    return response


def test_the_main_pages_run_under_the_policy_and_charts_draw(
    pledges, live_server, page, login, csp_violations
):
    open_under_csp(page, f"{live_server.url}/login/")
    assert csp_violations() == []

    login("office")
    expect(page.get_by_test_id("area-cards")).to_be_visible()
    assert csp_violations() == []

    open_under_csp(page, f"{live_server.url}/dashboard/indicators/{pledges.pk}/")
    chart = page.get_by_test_id("trend-chart")
    expect(chart).to_have_attribute("data-drawn", "1")
    expect(chart.locator(".main-svg").first).to_be_visible()
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    chart.locator(".main-svg").first.hover()  # plotly's hover layer and mode bar draw on demand
    assert csp_violations() == []

    open_under_csp(page, f"{live_server.url}/report/jingyang/2025Q2/")
    expect(page.locator("h1")).to_contain_text("旌阳区人民政府")
    open_under_csp(page, f"{live_server.url}/plan/")
    expect(page.locator("h1")).to_be_visible()
    assert csp_violations() == []


def test_the_quarter_and_language_pickers_submit_without_inline_handlers(
    demo, live_server, page, login, csp_violations
):
    login("office")
    open_under_csp(page, f"{live_server.url}/")
    with page.expect_navigation():
        page.get_by_label("季度").select_option("2024Q4")
    assert "period=2024Q4" in page.url
    expect(page.get_by_label("季度")).to_have_value("2024Q4")

    with page.expect_navigation():
        page.locator("#language").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert csp_violations() == []


def test_a_chart_downloads_as_png_under_the_policy(pledges, live_server, page, login, csp_violations):
    login("office")
    open_under_csp(page, f"{live_server.url}/dashboard/indicators/{pledges.pk}/")
    chart = page.get_by_test_id("trend-chart")
    chart.locator(".main-svg").first.hover()
    with page.expect_download() as download:
        chart.locator('.modebar-btn[data-title="Download plot as a PNG"]').click()
    assert download.value.suggested_filename.endswith(".png")
    assert csp_violations() == []


def test_charts_offer_no_upload_to_plotly_cloud(pledges, live_server, page, login):
    login("office")
    page.goto(f"{live_server.url}/dashboard/indicators/{pledges.pk}/")
    chart = page.get_by_test_id("trend-chart")
    expect(chart).to_have_attribute("data-drawn", "1")
    chart.locator(".main-svg").first.hover()
    expect(chart.locator('.modebar-btn[data-title="Download plot as a PNG"]')).to_be_attached()
    expect(chart.locator('.modebar-btn[data-title="Share chart..."]')).to_have_count(0)
