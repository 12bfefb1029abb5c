"""A figure's whole way in a real browser (issue 15, item 1): 市市场监管局 reports 3.2 知识产权行政执法按期结案率 for
2025Q2 below target, the office approves it, and the indicator table, the indicator page and the bulletin show it;
then the unit asks to reopen it, the office grants that, and nowhere does the standing improve until the office
approves a corrected figure. 2025Q1 (100 %, test data) is approved beforehand through the services: withdrawing
2025Q2 must not let the dashboards fall back on it."""

import io
from decimal import Decimal

import docx
import pytest
from playwright.sync_api import expect

from reports.figures.rollup import rollup_rebuild_plan
from reports.models import Document, Status, Submission
from reports.workflow.drafts import figure_save
from reports.workflow.services import item_approve, item_submit
from targets.models import Indicator, Period
from units.models import Unit, User

pytestmark = pytest.mark.usefixtures("after_the_plan")


@pytest.fixture
def media_in_tmp(settings, tmp_path, transactional_db):
    """Eager, the bulletin goes to a throwaway folder. A real worker writes it where its own settings say, and the
    portal must read it from there (in production the two share one storage): the file is removed afterwards."""
    if not settings.REDIS_URL:
        settings.MEDIA_ROOT = tmp_path / "media"
        yield
        return
    yield
    for document in Document.objects.exclude(file=""):
        document.file.delete(save=False)


def _status(page, live_server, indicator, jobs_done) -> str:
    jobs_done()  # with a real worker, the rollup an approval or a reopen queued has run
    page.goto(f"{live_server.url}/dashboard/indicators/?period=2025Q2")
    cells = page.get_by_test_id("indicator-table").locator("tr", has_text=indicator.name).locator("td")
    return cells.filter(has=page.locator(".light")).first.inner_text()


def _sign_out(page):
    page.get_by_role("button", name="退出").click()


def test_a_figure_from_the_sheet_to_the_bulletin_and_through_a_granted_reopen(
    demo, live_server, page, login, settings, jobs_done
):
    settings.CHART_BROWSER = ""  # the bulletin's tables are checked here, not its charts
    rate = Indicator.objects.get(plan=demo, code="3.2")
    unit = Unit.objects.get(code="scjgj")
    office = User.objects.get(username="office")
    q1, q2 = (Period.objects.get(plan=demo, year=2025, quarter=q) for q in (1, 2))
    earlier = figure_save(
        user=office,
        proxy_reason="代填（测试数据）",
        unit=unit,
        period=q1,
        indicator=rate,
        data={"numerator": Decimal(10), "denominator": Decimal(10), "note": "测试数据"},
        expected_version=None,
    )
    item_submit(user=office, proxy_reason="代填（测试数据）", item=earlier)
    item_approve(user=office, item=earlier)
    rollup_rebuild_plan(plan=demo)

    # The unit reports 2025Q2: 6 of 10 cases closed on time (60 %, the target is 100 %).
    login("scjgj")
    page.goto(f"{live_server.url}/report/scjgj/2025Q2/")
    sheet_row = page.locator(f"#row-f{rate.pk}")
    sheet_row.locator("input[name$='-numerator']:not([type=hidden])").fill("6")
    sheet_row.locator("input[name$='-denominator']:not([type=hidden])").fill("10")
    sheet_row.get_by_label("本次提交此项").check()
    page.get_by_role("button", name="保存并提交勾选项").click()
    expect(page.locator(".messages")).to_contain_text("已提交1项")
    _sign_out(page)

    # The office approves it; the table, the page and the bulletin show 60 %.
    login("office")
    page.get_by_role("link", name="审核", exact=True).click()
    page.get_by_test_id("figure-queue").get_by_label(f"选择 3.2 {unit.name}").check()
    page.get_by_role("button", name="审核通过勾选项").click()
    expect(page.locator(".messages")).to_contain_text("已审核通过1项")
    approved_status = _status(page, live_server, rate, jobs_done)
    assert approved_status.startswith(("滞后", "预警")), approved_status
    page.goto(f"{live_server.url}/dashboard/indicators/{rate.pk}/?period=2025Q2")
    expect(page.get_by_test_id("standing")).to_contain_text("60")
    expect(page.get_by_test_id("basis")).to_have_text("依据2025年第二季度数据")
    _sign_out(page)

    # The unit asks to reopen it; the office grants the request.
    login("scjgj")
    page.goto(f"{live_server.url}/report/scjgj/2025Q2/figure/{rate.pk}/")
    page.get_by_label("已审核锁定。如需修改，请说明理由申请重新打开").fill("结案数统计口径有误，申请更正")
    page.get_by_role("button", name="申请重新打开").click()
    _sign_out(page)
    login("office")
    page.get_by_role("link", name="审核", exact=True).click()
    page.get_by_label("处理意见").fill("同意，请核实后重报")
    page.get_by_role("button", name="同意", exact=True).click()
    figure = Submission.objects.get(indicator=rate, unit=unit, period=q2)
    assert figure.status == Status.RETURNED and figure.reopened

    # Withdrawn: nothing looks better than what was approved.
    assert _status(page, live_server, rate, jobs_done).startswith(approved_status.split("\n")[0])
    expect(page.get_by_test_id("caveat").first).to_contain_text("重新打开")
    page.goto(f"{live_server.url}/dashboard/indicators/{rate.pk}/?period=2025Q2")
    expect(page.get_by_test_id("standing")).to_contain_text("60")
    expect(page.get_by_test_id("basis")).to_contain_text("1项已审核数据正在重新打开修改，暂按原审核值计")

    page.goto(f"{live_server.url}/documents/")
    page.get_by_label("季度").select_option(label="2025年第二季度")
    page.get_by_role("button", name="生成季度通报").click()
    jobs_done()  # with a real worker the page shows the link once the worker has written the bulletin
    bulletin = page.get_by_role("link", name="2025年第二季度通报.docx")
    expect(bulletin).to_be_visible(timeout=30_000)
    with page.expect_download() as download:
        bulletin.click()
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(download.value.path().read_bytes())).paragraphs)
    assert f"注：3.2 {rate.name}——依据2025年第二季度数据；1项已审核数据正在重新打开修改" in text
    _sign_out(page)

    # A corrected 100 % submitted but not yet approved changes nothing; approved, it does.
    login("scjgj")
    page.goto(f"{live_server.url}/report/scjgj/2025Q2/")
    sheet_row = page.locator(f"#row-f{rate.pk}")
    sheet_row.locator("input[name$='-numerator']:not([type=hidden])").fill("10")
    sheet_row.get_by_label("本次提交此项").check()
    page.get_by_role("button", name="保存并提交勾选项").click()
    expect(page.locator(".messages")).to_contain_text("已提交1项")
    _sign_out(page)
    login("office")
    assert _status(page, live_server, rate, jobs_done).startswith(approved_status.split("\n")[0])
    page.get_by_role("link", name="审核", exact=True).click()
    page.get_by_test_id("figure-queue").get_by_label(f"选择 3.2 {unit.name}").check()
    page.get_by_role("button", name="审核通过勾选项").click()
    expect(page.locator(".messages")).to_contain_text("已审核通过1项")
    assert _status(page, live_server, rate, jobs_done).startswith("达标")
