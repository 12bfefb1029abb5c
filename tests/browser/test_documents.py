"""The office generates the quarterly bulletin from the 通报 page, sees it finish and downloads it; a county sees
and downloads it too."""

import io

import docx
import pytest
from playwright.sync_api import expect

from tests.markers import eager_only

pytestmark = pytest.mark.usefixtures("after_the_plan")


@pytest.fixture(autouse=True)
def no_charts(settings):
    settings.CHART_BROWSER = ""  # drawing charts is tested on its own; here the journey matters


def logout(page):
    page.get_by_role("button", name="退出").click()
    page.wait_for_load_state()


@eager_only
def test_the_office_generates_the_bulletin_and_a_county_downloads_it(
    demo, live_server, page, login, tmp_path
):
    login("office")
    page.get_by_role("link", name="通报", exact=True).click()
    expect(page.locator("h1")).to_have_text("通报与评估")
    page.get_by_label("季度").select_option(label="2025年第二季度")
    page.get_by_role("button", name="生成季度通报").click()
    expect(page.locator(".messages")).to_contain_text("季度通报（Word） · 2025年第二季度")
    row = page.get_by_test_id("document").first
    expect(row).to_contain_text("已生成")
    expect(row).to_contain_text("领导小组办公室")
    logout(page)

    login("jingyang")
    page.get_by_role("link", name="通报", exact=True).click()
    expect(page.get_by_test_id("document-request")).to_have_count(0)
    with page.expect_download() as download:
        page.get_by_role("link", name="2025年第二季度通报.docx").click()
    path = tmp_path / "bulletin.docx"
    download.value.save_as(path)
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(path.read_bytes())).paragraphs)
    assert "关于2025年第二季度知识产权强市建设工作推进情况的通报" in text
    assert download.value.suggested_filename == "2025年第二季度通报.docx"
