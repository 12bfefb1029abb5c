"""旌阳区 answers a leader's 批示 on its sheet: 保存草稿 keeps the answer as a draft (editable, the leader still sees
待答复); submitting the task it is about sends it, and the leader reads it. After the plan's last quarter a new 批示
asks for an answer by a date, not with a report that has passed."""

import pytest
from playwright.sync_api import expect

from reports.instructions.services import instruction_create
from tasks.models import Task
from units.models import Unit, User

ASKED = "请旌阳区说明强县建设方案的落实情况。"


def logout(page):
    page.get_by_role("button", name="退出").click()
    page.wait_for_load_state()


@pytest.fixture
def county_task(demo) -> Task:
    return Task.objects.get(plan=demo, section__number="一", number="2")


def instruct(task: Task) -> None:
    instruction_create(
        user=User.objects.get(username="leader"),
        task=task,
        text=ASKED,
        units=[Unit.objects.get(code="jingyang")],
    )


@pytest.mark.usefixtures("in_2024q1")
def test_an_answer_stays_a_draft_until_the_task_is_submitted(demo, county_task, live_server, page, login):
    instruct(county_task)
    login("jingyang")
    page.goto(f"{live_server.url}/report/jingyang/2023Q4/")
    box = page.get_by_test_id("sheet-instructions")
    box.get_by_label("答复").fill("已印发强县建设方案，正在逐项落实。")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator(".messages")).to_contain_text("已保存批示答复草稿1条")
    expect(box.get_by_label("答复")).to_have_value("已印发强县建设方案，正在逐项落实。")
    expect(box.get_by_test_id("answer-draft")).to_contain_text("尚未报送")
    box.screenshot(path="/tmp/shots/instruction-draft-on-sheet.png")
    logout(page)

    login("leader")
    page.goto(f"{live_server.url}/tasks/{county_task.pk}/")
    thread = page.get_by_test_id("instructions")
    expect(thread).to_contain_text("旌阳区人民政府（待答复）")
    expect(thread).not_to_contain_text("正在逐项落实")
    logout(page)

    login("jingyang")
    page.goto(f"{live_server.url}/report/jingyang/2023Q4/")
    target = page.locator(f"#row-t{county_task.pk}")
    target.get_by_label("进展状态").select_option(label="推进中")
    target.get_by_label("工作进展").fill("旌阳区已印发强县建设实施方案")
    target.get_by_label("本次提交此项").check()
    page.get_by_role("button", name="保存并提交勾选项").click()
    expect(page.locator(".messages")).to_contain_text("已提交1项")
    expect(page.get_by_test_id("sheet-instructions")).to_contain_text("本单位答复")
    logout(page)

    login("leader")
    page.goto(f"{live_server.url}/tasks/{county_task.pk}/")
    thread = page.get_by_test_id("instructions")
    expect(thread).to_contain_text("旌阳区人民政府（已答复）")
    expect(thread).to_contain_text("正在逐项落实")


@pytest.mark.usefixtures("after_the_plan")
def test_after_the_plan_a_new_instruction_is_due_in_ten_working_days(
    demo, county_task, live_server, page, login
):
    instruct(county_task)
    login("jingyang")
    page.goto(f"{live_server.url}/tasks/{county_task.pk}/")
    thread = page.get_by_test_id("instructions")
    expect(thread).to_contain_text("请于2025-07-29前答复（收到后10个工作日内）")
    expect(thread).not_to_contain_text("请在2025年第二季度报送时答复")
    thread.screenshot(path="/tmp/shots/instruction-after-the-plan.png")
