from playwright.sync_api import expect


def test_guanghan_sees_its_own_and_its_group_tasks_only(demo, live_server, page, login):
    login("guanghan")
    expect(page.locator("h1")).to_contain_text("我的任务")
    tasks = page.get_by_test_id("unit-tasks")
    expect(tasks).to_contain_text("强化“三星堆”品牌全方位保护")
    expect(tasks).to_contain_text("二(二)7")
    # Tasks assigned to 各区（市、县）人民政府 reach every county, and say so.
    expect(tasks).to_contain_text("促进县域知识产权管理能力提升")
    expect(tasks).to_contain_text("持续完善知识产权政策和工作体系")
    expect(tasks.get_by_text("通过“各区（市、县）人民政府”").first).to_be_visible()
    # Tasks assigned only to city bureaus are not its tasks.
    expect(tasks).not_to_contain_text("加强知识产权司法保护")
    expect(tasks).not_to_contain_text("加强知识产权跨区域保护")
    expect(tasks).not_to_contain_text("加强版权创作，促进产业发展")

    response = page.goto(f"{live_server.url}/units/jingyang/")
    assert response.status == 404


def test_guanghan_opens_a_task_and_reads_the_plans_text(demo, live_server, page, login):
    login("guanghan")
    page.get_by_role("link", name="强化“三星堆”品牌全方位保护").click()
    expect(page.locator("h1")).to_contain_text("二(二)7")
    expect(page.locator(".plantext")).to_contain_text("力争通过中国驰名商标认定实现跨类保护")
    expect(page.locator(".chips")).to_contain_text("三星堆景区管委会")


def test_office_reviews_the_plan_and_sees_what_it_must_complete(demo, live_server, page, login):
    login("office")
    expect(page.get_by_test_id("plan-problems")).to_contain_text("每万人高价值发明专利拥有量")
    page.get_by_role("link", name="工作方案").click()
    expect(page.locator("#area-1")).to_contain_text("≥ 402 户")
    page.get_by_role("link", name="每万人高价值发明专利拥有量").first.click()
    expect(page.locator(".facts")).to_contain_text("基线 × 2")
    expect(page.locator(".facts")).to_contain_text("2021-01-01")
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("button", name="登录")).to_be_visible()


def test_anonymous_visitor_is_sent_to_login(demo, live_server, page):
    page.goto(f"{live_server.url}/plan/")
    expect(page).to_have_url(f"{live_server.url}/login/?next=/plan/")
    expect(page.get_by_role("button", name="登录")).to_be_visible()
