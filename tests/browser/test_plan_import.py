"""The office reads a new plan from its text: uploads a variant of the Deyang plan with a misspelled unit and one
the portal does not know, maps the misspelled name to 市市场监管局, fills in what the text leaves out, confirms,
and opens the plan; its tasks carry their responsible units."""

import os

from playwright.sync_api import expect

from targets.models import WorkPlan
from tests.tasks.variants import MISSPELLED, TITLE, UNKNOWN, variant_text

SHOTS = os.environ.get("SCREENSHOTS")  # a folder to save screenshots of each step in, when set


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/import-{name}.png", full_page=True)


def test_the_office_uploads_a_plan_fixes_a_flagged_name_confirms_and_opens_it(
    demo, live_server, page, login, tmp_path
):
    path = tmp_path / "修订稿.txt"
    path.write_bytes(variant_text().encode("gb18030"))  # as Windows Notepad saves it
    login("office")
    page.get_by_role("link", name="工作方案").first.click()
    page.get_by_role("link", name="从原文导入新方案").click()
    page.get_by_label("方案文件（.txt 或 .docx）").set_input_files(str(path))
    page.get_by_role("button", name="上传并识别").click()

    expect(page.locator("h1")).to_have_text("核对识别结果")
    warnings = page.get_by_test_id("draft-warnings")
    expect(warnings).to_contain_text("需要核对的 4 处")
    expect(warnings).to_contain_text(f"责任单位“{MISSPELLED}”不在单位表中")
    expect(page.get_by_test_id("new-unit")).to_have_count(2)
    expect(page.locator(".chip.flagged", has_text=MISSPELLED)).to_have_count(1)
    shot(page, "draft")

    expect(page.get_by_test_id("new-unit").first).to_contain_text("可能是“市市场监管局”？")
    page.get_by_label(f"{MISSPELLED} 对应现有单位").select_option("市市场监管局")
    page.get_by_label("1.3 单位", exact=True).fill("件")
    page.get_by_label("二(二)2.1 单位", exact=True).fill("天")
    page.get_by_role("button", name="保存修改").click()
    expect(page.locator(".messages")).to_contain_text("修改已保存")
    expect(page.get_by_test_id("new-unit")).to_have_count(1)
    expect(page.get_by_test_id("draft-warnings")).to_contain_text("需要核对的 1 处")  # the names still new
    expect(page.get_by_test_id("draft-warnings")).not_to_contain_text(f"责任单位“{MISSPELLED}”不在单位表中")

    page.get_by_role("button", name="确认无误，建立方案").click()
    expect(page.locator("h1")).to_have_text(TITLE)
    expect(page.get_by_test_id("plan-draft")).to_contain_text("此方案是草稿，尚未开放填报")
    expect(page.get_by_test_id("plan-draft")).to_contain_text(
        f"单位“{UNKNOWN}”是从方案文本识别出的新单位，需确认"
    )
    task = page.get_by_role("listitem").filter(has_text="加强知识产权跨区域保护")
    expect(task).to_contain_text("市市场监管局")
    expect(task).to_contain_text(UNKNOWN)
    shot(page, "plan")

    page.get_by_role("link", name="开放填报").click()
    expect(page.get_by_test_id("plan-blocking")).to_contain_text("还有27项指标没有指定报送单位")
    expect(page.get_by_role("button", name="确认开放填报")).to_have_count(0)
    page.get_by_role("link", name="返回方案，补充后再开放").click()
    page.get_by_role("button", name="按责任单位预设报送单位").click()
    expect(page.locator(".messages")).to_contain_text("已为27项指标预设报送单位")
    page.get_by_role("link", name="开放填报").click()
    missing = page.get_by_test_id("plan-missing")
    expect(missing).to_contain_text(f"单位“{UNKNOWN}”是从方案文本识别出的新单位，需确认")
    expect(missing).to_contain_text("个季度的报送截止日已过")
    shot(page, "plan-open")
    page.get_by_label("我已核对上述待补充内容，开放后继续补充").check()
    page.get_by_role("button", name="确认开放填报").click()
    expect(page.locator(".messages")).to_contain_text("已开放填报")
    expect(page.get_by_test_id("plan-draft")).to_have_count(0)
    plan = WorkPlan.objects.get(title=TITLE)
    assert plan.status == WorkPlan.Status.ACTIVE
    task = plan.tasks.get(section__number="二", number="3")
    assert [r.name for r in task.responsibilities.order_by("position")] == ["市市场监管局", UNKNOWN]
