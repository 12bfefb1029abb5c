"""Issue 18's journey in a real browser: 旌阳区's reporter types a figure far above the unit's earlier quarters, sees
the warning beside it and those quarters, is asked for the reason, explains and submits; 旌阳区 has its own review
(单位审核), so its head passes the figure on; the office sees the flag and the reason in its queue, approves, and the
figure reaches the dashboard. Test data: 1.1 高新技术企业 of 旌阳区 was 10, 11, 12, 11 in 2023Q4–2024Q3 (approved
through the services); the journey reports 2024Q4 as 100."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from reports.figures.rollup import rollup_rebuild_plan
from reports.models import Status, Submission
from reports.workflow.drafts import figure_save
from reports.workflow.services import item_approve, item_submit
from targets.models import Indicator, Period
from tests.conftest import PASSWORD
from tests.units.factories import UserFactory
from units.models import Unit, User

REASON = "本季度新认定一批高新技术企业（测试数据）"


@pytest.fixture
def history(demo, settings):
    settings.PORTAL_TODAY = "2025-01-05"  # 2024Q4 is open, due 2025-01-10
    unit = Unit.objects.get(code="jingyang")
    reporter, office = User.objects.get(username="jingyang"), User.objects.get(username="office")
    indicator = Indicator.objects.get(plan=demo, code="1.1")
    quarters = [(2023, 4), (2024, 1), (2024, 2), (2024, 3)]
    for (year, quarter), value in zip(quarters, (10, 11, 12, 11), strict=True):
        figure = figure_save(
            user=reporter,
            unit=unit,
            period=Period.objects.get(plan=demo, year=year, quarter=quarter),
            indicator=indicator,
            data={"value": Decimal(value), "note": "测试数据"},
            expected_version=None,
        )
        item_submit(user=reporter, item=figure)
        item_approve(user=office, item=figure)
    rollup_rebuild_plan(plan=demo)
    unit.unit_review = True
    unit.save(update_fields=["unit_review"])
    UserFactory(username="jy-head", role=User.Role.UNIT_HEAD, unit_code="jingyang")
    return indicator


def _sign_out(page):
    page.get_by_role("button", name="退出").click()


def test_an_outlier_explained_passes_the_unit_head_and_the_office_and_reaches_the_dashboard(
    history, live_server, page, login, jobs_done
):
    indicator = history
    login("jingyang")
    page.goto(f"{live_server.url}/report/jingyang/2024Q4/")
    row = page.locator(f"#row-f{indicator.pk}")
    expect(row.get_by_test_id("recent")).to_contain_text("此前 10 / 11 / 12 / 11")
    row.locator("input[name$='-value']:not([type=hidden])").fill("100")
    page.get_by_role("button", name="保存草稿").click()
    row = page.locator(f"#row-f{indicator.pk}")
    expect(row.get_by_test_id("outlier")).to_contain_text("与本单位前4个季度的数值相比异常")
    expect(row.get_by_test_id("outlier")).to_contain_text("提交时请在说明中写明原因")

    row.get_by_label("本次提交此项").check()
    page.get_by_role("button", name="保存并提交勾选项").click()
    expect(page.locator(f"#row-f{indicator.pk}")).to_contain_text("请在说明中写明原因")
    figure = Submission.objects.get(
        indicator=indicator, unit__code="jingyang", period__year=2024, period__quarter=4
    )
    assert figure.status == Status.DRAFT

    row = page.locator(f"#row-f{indicator.pk}")
    row.get_by_label("说明").fill(REASON)
    row.get_by_label("本次提交此项").check()
    page.get_by_role("button", name="保存并提交勾选项").click()
    expect(page.locator(".messages")).to_contain_text("已提交1项")
    expect(page.locator(f"#row-f{indicator.pk}")).to_contain_text("待单位审核")
    _sign_out(page)

    # 旌阳区's head: the figure waits in 单位审核, the office does not see it yet.
    login("jy-head", PASSWORD)
    page.get_by_role("link", name="单位审核", exact=True).click()
    queue = page.get_by_test_id("figure-queue")
    expect(queue).to_contain_text(REASON)
    expect(queue.get_by_test_id("quality-flag").first).to_contain_text("异常")
    queue.get_by_label("选择 1.1 旌阳区人民政府").check()
    page.get_by_role("button", name="审核通过勾选项，报送办公室").click()
    expect(page.locator(".messages")).to_contain_text("已审核通过1项，报送领导小组办公室")
    _sign_out(page)

    # The office: the flag and the reason in the queue; approved, the figure counts on the dashboard.
    login("office")
    page.get_by_role("link", name="审核", exact=True).click()
    queue = page.get_by_test_id("figure-queue")
    flagged = queue.locator("tr", has_text="旌阳区人民政府")
    expect(flagged.get_by_test_id("quality-flag").first).to_contain_text("与本单位前4个季度的数值相比异常")
    expect(flagged).to_contain_text(REASON)
    flagged.get_by_label("选择 1.1 旌阳区人民政府").check()
    page.get_by_role("button", name="审核通过勾选项").click()
    expect(page.locator(".messages")).to_contain_text("已审核通过1项")
    figure.refresh_from_db()
    assert figure.status == Status.APPROVED
    assert [h.action for h in figure.history.order_by("history_date", "history_id")][-3:] == [
        "to_unit",
        "forward",
        "approve",
    ]
    jobs_done()  # with a real worker, the rollup the approval queued has run
    page.goto(f"{live_server.url}/dashboard/indicators/{indicator.pk}/?period=2024Q4")
    expect(page.get_by_test_id("standing")).to_contain_text("100")
