"""The review queue in a real browser: 全选 ticks a whole table, approving several asks first and names how many;
without JavaScript the server asks on a page of its own."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from reports.models import Status, Submission, TaskReport
from reports.workflow.drafts import figure_save, task_report_save
from reports.workflow.services import item_submit
from targets.models import Indicator, Period
from tasks.models import Task
from units.models import User

pytestmark = pytest.mark.usefixtures("in_2024q1")


@pytest.fixture
def queued(demo) -> None:
    """旌阳区 submitted three 2023Q4 figures (1.1, 2.3, 4.5) and a task report (二(一)2)."""
    jingyang = User.objects.get(username="jingyang")
    quarter = Period.objects.get(plan=demo, year=2023, quarter=4)
    for code, value in (("1.1", "58"), ("2.3", "0.8"), ("4.5", "3")):
        figure = figure_save(
            user=jingyang,
            unit=jingyang.unit,
            period=quarter,
            indicator=Indicator.objects.get(plan=demo, code=code),
            data={"value": Decimal(value)},
            expected_version=None,
        )
        item_submit(user=jingyang, item=figure)
    report = task_report_save(
        user=jingyang,
        unit=jingyang.unit,
        period=quarter,
        task=Task.objects.get(plan=demo, section__number="一", number="2"),
        data={"progress": "in_progress", "progress_text": "已印发强县建设实施方案"},
        expected_version=None,
    )
    item_submit(user=jingyang, item=report)


def statuses() -> set[str]:
    return {
        *Submission.objects.values_list("status", flat=True),
        *TaskReport.objects.values_list("status", flat=True),
    }


def test_select_all_ticks_every_figure_and_approving_them_asks_first(queued, live_server, page, login):
    login("office")
    page.goto(f"{live_server.url}/review/")
    figures = page.get_by_test_id("figure-queue")
    boxes = figures.locator('tbody input[name="figure"]')
    expect(boxes).to_have_count(3)
    figures.get_by_label("全选").check()
    for i in range(3):
        expect(boxes.nth(i)).to_be_checked()
    expect(page.get_by_test_id("task-queue").locator('tbody input[name="task_report"]')).not_to_be_checked()
    expect(page.locator("[data-selected-count]")).to_have_text("已选 3 项")

    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="审核通过勾选项").click()
    expect(boxes.first).to_be_checked()  # still on the queue, the ticks kept
    assert asked == ["确定审核通过所选的 3 项？"]
    assert statuses() == {Status.SUBMITTED}

    boxes.nth(1).uncheck()
    expect(figures.get_by_label("全选")).not_to_be_checked()
    figures.get_by_label("全选").check()
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="审核通过勾选项").click()
    expect(page.locator(".messages")).to_contain_text("已审核通过3项")
    assert asked[-1] == "确定审核通过所选的 3 项？"
    assert set(Submission.objects.values_list("status", flat=True)) == {Status.APPROVED}
    assert TaskReport.objects.get().status == Status.SUBMITTED


def test_without_javascript_the_server_asks_before_approving_several(queued, browser, live_server):
    context = browser.new_context(locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("office")
    page.get_by_label("密码").fill("Demo@2025")
    page.get_by_role("button", name="登录").click()
    page.goto(f"{live_server.url}/review/")
    expect(page.get_by_test_id("figure-queue").get_by_label("全选")).to_be_hidden()
    page.get_by_label("选择 1.1 旌阳区人民政府").check()
    page.get_by_label("选择 二(一)2 旌阳区人民政府").check()
    page.get_by_role("button", name="审核通过勾选项").click()
    expect(page.locator("h1")).to_have_text("确定审核通过以下2项？")
    confirm = page.get_by_test_id("review-confirm")
    expect(confirm).to_contain_text("高新技术企业")
    expect(confirm).to_contain_text("2023年第四季度")
    assert statuses() == {Status.SUBMITTED}
    page.get_by_role("button", name="确认审核通过（2项）").click()
    expect(page.locator(".messages")).to_contain_text("已审核通过2项")
    assert Submission.objects.get(indicator__code="1.1").status == Status.APPROVED
    assert TaskReport.objects.get().status == Status.APPROVED
    assert Submission.objects.filter(status=Status.SUBMITTED).count() == 2
    context.close()
