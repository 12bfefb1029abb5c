"""生成季度通报 gives a sign of life at once: the office's click disables the buttons and shows a progress bar with
"正在生成通报，约需10秒…" until the list comes back with the finished bulletin (jobs run in-process in `make run`, so
the request itself takes those seconds)."""

import pytest
from playwright.sync_api import expect

from tests.markers import eager_only

pytestmark = pytest.mark.usefixtures("after_the_plan")

# Playwright waits for a page's navigation before reading it again, so the page is read while its request is held
# back: a listener added after the page's own cancels the form's submission once the page has handled it.
HOLD_THE_REQUEST = "document.addEventListener('submit', (event) => event.preventDefault())"


@pytest.fixture(autouse=True)
def no_charts(settings):
    settings.CHART_BROWSER = ""  # drawing charts is tested on its own


@eager_only
def test_the_office_sees_the_bulletin_being_generated(demo, live_server, page, login):
    login("office")
    page.goto(f"{live_server.url}/documents/")
    busy = page.get_by_test_id("document-busy")
    expect(busy).to_be_hidden()
    page.evaluate(HOLD_THE_REQUEST)
    page.get_by_label("季度").select_option(label="2025年第二季度")
    page.get_by_role("button", name="生成季度通报").click()
    expect(busy).to_be_visible()
    expect(busy).to_contain_text("正在生成通报，约需10秒…")
    expect(page.get_by_role("button", name="生成季度通报")).to_be_disabled()
    expect(page.get_by_role("button", name="生成实施情况评估（Word）")).to_be_disabled()
    page.screenshot(path="/tmp/shots/documents-generating.png", full_page=True)


@eager_only
def test_after_the_wait_the_page_shows_the_bulletin(demo, live_server, page, login):
    login("office")
    page.goto(f"{live_server.url}/documents/")
    page.get_by_label("季度").select_option(label="2025年第二季度")
    page.get_by_role("button", name="生成季度通报").click()
    expect(page.locator(".messages")).to_contain_text("季度通报（Word） · 2025年第二季度已生成，可以下载")
    expect(page.get_by_test_id("document").first).to_contain_text("已生成")
    expect(page.get_by_test_id("document-busy")).to_be_hidden()
    expect(page.get_by_role("button", name="生成季度通报")).to_be_enabled()
    page.screenshot(path="/tmp/shots/documents-done.png", full_page=True)
