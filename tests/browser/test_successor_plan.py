"""The next plan in a real browser (issue 16): the office imports the next plan's text, names the pilot plan as its
predecessor and sees the baselines carried from the pilot plan's approved figures, opens it after the confirmation,
and both plans stay visible; a county reporter fills its sheet for the new plan while the old plan's pages read as
before. The pilot plan's figures are test data approved through the services beforehand: 1.1 高新技术企业 for
2025Q2, 旌阳区 41 and 广汉市 12, so the city's 53 is the carried baseline."""

import os
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from reports.figures.rollup import rollup_rebuild_plan
from reports.models import Status, Submission
from reports.workflow.drafts import figure_save
from reports.workflow.services import item_approve, item_submit
from targets.models import Indicator, Period, WorkPlan
from tests.tasks.variants import deyang_text
from units.models import User

SHOTS = os.environ.get("SCREENSHOTS")
NEXT_TITLE = "德阳市推进国家知识产权强市建设示范城市工作方案"


def next_plan_text() -> str:
    """The next plan as its text might read (test data): the pilot plan's text for 2025-07 to 2027-12, its goals
    for the end of 2027, 1.3 doubled from the end of 2024 (a baseline date inside the pilot plan)."""
    text = deyang_text().replace("德阳市推进国家知识产权强市建设试点城市工作方案", NEXT_TITLE, 1)
    text = text.replace("工作期为2022年7月-2025年6月", "工作期为2025年7月-2027年12月")
    text = text.replace("到2025年6月", "到2027年12月").replace("到2025年，", "到2027年，")
    return text.replace("比2021年初翻一番", "比2024年底翻一番")


@pytest.fixture
def pilot(demo, settings) -> WorkPlan:
    settings.PORTAL_TODAY = "2025-08-01"
    office = User.objects.get(username="office")
    q2 = Period.objects.get(plan=demo, year=2025, quarter=2)
    firms = Indicator.objects.get(plan=demo, code="1.1")
    for username, value in (("jingyang", 41), ("guanghan", 12)):
        reporter = User.objects.get(username=username)
        figure = figure_save(
            user=reporter,
            unit=reporter.unit,
            period=q2,
            indicator=firms,
            data={"value": Decimal(value), "note": "测试数据"},
            expected_version=None,
        )
        item_submit(user=reporter, item=figure)
        item_approve(user=office, item=figure)
    rollup_rebuild_plan(plan=demo)
    return demo


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/successor-{name}.png", full_page=True)


def test_the_office_opens_the_next_plan_on_the_pilot_plans_figures(pilot, live_server, page, login, tmp_path):
    path = tmp_path / "示范城市工作方案.txt"
    path.write_text(next_plan_text(), encoding="utf-8")
    login("office")
    page.get_by_role("link", name="工作方案").first.click()
    page.get_by_role("link", name="从原文导入新方案").click()
    page.get_by_label("方案文件（.txt 或 .docx）").set_input_files(str(path))
    page.get_by_role("button", name="上传并识别").click()
    expect(page.locator("h1")).to_have_text("核对识别结果")
    page.get_by_label("1.3 单位", exact=True).fill("件")
    page.get_by_label("二(二)2.1 单位", exact=True).fill("天")
    page.get_by_role("button", name="确认无误，建立方案").click()
    expect(page.locator("h1")).to_have_text(NEXT_TITLE)
    following = WorkPlan.objects.get(title=NEXT_TITLE)
    assert following.status == WorkPlan.Status.DRAFT and following.start.isoformat() == "2025-07-01"

    # 接续上一方案: the pilot plan is offered; 1.1 would carry 41 + 12 = 53.
    page.get_by_role("link", name="接续上一方案（承接基线）").click()
    expect(page.get_by_label("上一方案", exact=True)).to_have_value(str(pilot.pk))
    firms = page.get_by_test_id("succession-row").filter(
        has=page.locator("td:first-child", has_text="1.1 高新技术企业")
    )
    expect(firms).to_contain_text("53 户")
    expect(firms).to_contain_text("2025年第二季度审核值")
    shot(page, "mapping")
    page.get_by_role("button", name="设为上一方案并承接基线").click()
    expect(page.locator(".messages")).to_contain_text(f"已将《{pilot.title}》设为上一方案")
    expect(page.locator("main")).to_contain_text(f"上一方案：{pilot.title}")

    # Open it after the confirmation; the pilot plan keeps running beside it.
    page.get_by_role("button", name="按责任单位预设报送单位").click()
    page.get_by_role("link", name="开放填报").click()
    expect(page.get_by_test_id("plan-running")).to_contain_text(pilot.title)
    page.get_by_label("我已核对上述待补充内容，开放后继续补充").check()
    page.get_by_role("button", name="确认开放填报").click()
    expect(page.locator(".messages")).to_contain_text("已开放填报")
    carried = Indicator.objects.get(plan=following, code="1.1")
    assert carried.baseline_value == Decimal(53)
    page.goto(f"{live_server.url}/indicators/{carried.pk}/")
    expect(page.get_by_test_id("baseline-source")).to_contain_text(
        f"来自上一方案《{pilot.title}》2025年第二季度审核值"
    )
    bar = page.get_by_test_id("plan-switch").get_by_label("当前方案")
    expect(bar.locator("option")).to_have_count(2)
    page.get_by_role("button", name="退出").click()

    # 旌阳区 fills the new plan's 2025Q3 while the pilot plan's 2025Q2 reads as approved.
    login("jingyang")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="季度填报").click()
    groups = page.get_by_test_id("sheet-group")
    expect(groups).to_have_count(2)
    page.get_by_test_id("sheet-group").filter(has_text=NEXT_TITLE).get_by_role(
        "link", name="2025年第三季度"
    ).click()
    row = page.locator(f"#row-f{carried.pk}")
    row.locator("input[name$='-value']:not([type=hidden])").fill("55")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator(".messages")).to_contain_text("已保存1项")
    shot(page, "county-sheet")
    saved = Submission.objects.get(indicator=carried, unit__code="jingyang")
    assert (saved.value, saved.period.plan_id, saved.status) == (Decimal(55), following.pk, Status.DRAFT)

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="季度填报").click()
    page.get_by_test_id("sheet-group").filter(has_text=pilot.title).get_by_role(
        "link", name="2025年第二季度"
    ).click()
    old = page.locator(f"#row-f{Indicator.objects.get(plan=pilot, code='1.1').pk}")
    expect(old).to_contain_text("41")
    expect(old).to_contain_text("已审核")
