"""A leader's instruction (批示) reaches the county, which answers it on its sheet; the leader reads the answer."""

import pytest
from playwright.sync_api import expect

from tasks.models import Task

pytestmark = pytest.mark.usefixtures("after_the_plan")


def logout(page):
    page.get_by_role("button", name="退出").click()
    page.wait_for_load_state()


def test_a_leader_instructs_jingyang_which_answers_on_its_sheet(demo, live_server, page, login):
    task = next(t for t in Task.objects.filter(plan=demo) if t.code == "二(一)2")
    login("leader")
    page.goto(f"{live_server.url}/tasks/{task.pk}/")
    page.get_by_test_id("instruct").click()
    page.get_by_label("批示内容").fill("请旌阳区说明政策落实进展，下季度报送时答复。")
    expect(page.get_by_label("广汉市人民政府")).to_be_checked()
    for name in ("罗江区人民政府", "广汉市人民政府", "什邡市人民政府", "绵竹市人民政府", "中江县人民政府"):
        page.get_by_label(name).uncheck()
    page.get_by_role("button", name="发出批示").click()
    expect(page.locator(".messages")).to_contain_text("批示已发出，旌阳区人民政府将在提醒中看到")
    expect(page.get_by_test_id("instructions")).to_contain_text("旌阳区人民政府（待答复）")
    logout(page)

    login("jingyang")
    expect(page.get_by_test_id("awaiting-instructions")).to_contain_text("请旌阳区说明政策落实进展")
    page.get_by_test_id("alert-bell").click()
    expect(page.get_by_test_id("alert-list")).to_contain_text("领导批示待答复")
    page.get_by_test_id("alert-list").get_by_role("link", name="请旌阳区说明政策落实进展").click()
    expect(page.locator("h1")).to_contain_text("2025年第二季度")
    box = page.get_by_test_id("sheet-instructions")
    box.get_by_label("答复").fill("已梳理12项政策，落实9项，其余3项正在推进。")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator(".messages")).to_contain_text("答复批示1条")
    expect(page.get_by_test_id("sheet-instructions")).to_contain_text("本单位答复")
    logout(page)

    login("leader")
    page.goto(f"{live_server.url}/tasks/{task.pk}/")
    thread = page.get_by_test_id("instructions")
    expect(thread).to_contain_text("旌阳区人民政府（已答复）")
    expect(thread).to_contain_text("已梳理12项政策")
