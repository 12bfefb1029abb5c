"""The quarterly reporting journey in a real browser: fill, save, reload, submit, return, correct, approve."""

import io

import openpyxl
import pytest
from playwright.sync_api import expect

from reports.models import Status, Submission, TaskReport
from targets.models import Indicator
from tasks.models import Task

pytestmark = pytest.mark.usefixtures("in_2024q1")


def row(page, indicator_or_task):
    prefix = "f" if isinstance(indicator_or_task, Indicator) else "t"
    return page.locator(f"#row-{prefix}{indicator_or_task.pk}")


def test_jingyang_reports_the_quarter_and_the_office_returns_then_approves(demo, live_server, page, login):
    high_tech = Indicator.objects.get(code="1.1")
    pledges = Indicator.objects.get(code="2.3")
    county_task = Task.objects.get(section__number="一", number="2")

    login("jingyang")
    page.get_by_role("link", name="季度填报").click()
    page.get_by_test_id("sheet-list").get_by_role("link", name="2023年第四季度").click()
    expect(page.locator("h1")).to_contain_text("旌阳区人民政府 · 2023年第四季度")

    row(page, high_tech).get_by_label("季末数（户）").fill("58")
    row(page, pledges).get_by_label("本季度发生额（亿元）").fill("0.8")
    row(page, county_task).get_by_label("进展状态").select_option(label="推进中")
    row(page, county_task).get_by_label("工作进展").fill("旌阳区已印发强县建设实施方案")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator(".messages")).to_contain_text("已保存3项")

    page.reload()
    expect(row(page, high_tech).get_by_label("季末数（户）")).to_have_value("58")
    expect(row(page, county_task).get_by_label("工作进展")).to_have_value("旌阳区已印发强县建设实施方案")

    for subject in (high_tech, pledges, county_task):
        row(page, subject).get_by_label("本次提交此项").check()
    page.get_by_role("button", name="保存并提交勾选项").click()
    expect(page.locator(".messages")).to_contain_text("已提交3项")
    expect(row(page, high_tech).locator(".status")).to_have_text("已提交")

    page.get_by_role("button", name="退出").click()
    login("office")
    page.get_by_role("link", name="审核", exact=True).click()
    queue = page.get_by_test_id("figure-queue")
    expect(queue).to_contain_text("高新技术企业")
    queue.get_by_label("选择 1.1 旌阳区人民政府").check()
    page.get_by_label("退回原因").fill("请按年末认定名单核对户数")
    page.get_by_role("button", name="退回勾选项").click()
    expect(page.locator(".messages")).to_contain_text("已退回1项")

    page.get_by_role("button", name="退出").click()
    login("jingyang")
    page.goto(f"{live_server.url}/report/jingyang/2023Q4/")
    returned = page.locator(".returned-group")
    expect(returned).to_contain_text("请按年末认定名单核对户数")
    expect(returned).to_contain_text("高新技术企业")
    row(page, high_tech).get_by_label("季末数（户）").fill("57")
    row(page, high_tech).get_by_label("本次提交此项").check()
    page.get_by_role("button", name="保存并提交勾选项").click()
    expect(row(page, high_tech).locator(".status")).to_have_text("已提交")

    page.get_by_role("button", name="退出").click()
    login("office")
    page.get_by_role("link", name="审核", exact=True).click()
    page.get_by_test_id("figure-queue").get_by_label("选择 1.1 旌阳区人民政府").check()
    page.get_by_test_id("figure-queue").get_by_label("选择 2.3 旌阳区人民政府").check()
    page.once("dialog", lambda dialog: dialog.accept())  # 确定审核通过所选的 2 项？
    page.get_by_role("button", name="审核通过勾选项").click()
    expect(page.locator(".messages")).to_contain_text("已审核通过2项")

    page.goto(f"{live_server.url}/report/jingyang/2023Q4/figure/{high_tech.pk}/")
    history = page.get_by_test_id("history")
    for step in ("新建草稿", "保存草稿", "提交", "退回：请按年末认定名单核对户数", "重新提交", "审核通过"):
        expect(history).to_contain_text(step)
    expect(history).to_contain_text("数值：58 → 57")

    figure = Submission.objects.get(indicator=high_tech)
    assert (figure.status, str(figure.value.normalize())) == (Status.APPROVED, "57")
    page.get_by_role("button", name="退出").click()
    login("jingyang")
    page.goto(f"{live_server.url}/report/jingyang/2023Q4/")
    expect(row(page, high_tech)).to_contain_text("已审核锁定")
    expect(row(page, high_tech).get_by_label("季末数（户）")).to_have_count(0)


def test_typed_values_survive_a_reload_before_saving(demo, live_server, page, login):
    high_tech = Indicator.objects.get(code="1.1")
    login("jingyang")
    page.goto(f"{live_server.url}/report/jingyang/2023Q4/")
    row(page, high_tech).get_by_label("季末数（户）").fill("66")
    page.reload()
    expect(page.locator("#restore-banner")).to_be_visible()
    expect(row(page, high_tech).get_by_label("季末数（户）")).to_have_value("66")
    assert not Submission.objects.exists()
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator("#restore-banner")).to_be_hidden()
    assert Submission.objects.get().value == 66


def test_kjj_reports_its_tasks(demo, live_server, page, login):
    navigation = Task.objects.get(section__number="四", number="1")
    login("kjj")
    page.goto(f"{live_server.url}/report/kjj/2023Q4/")
    target = row(page, navigation)
    target.get_by_label("进展状态").select_option(label="滞后")
    target.get_by_label("工作进展").fill("高端装备产业导航分析已启动")
    target.get_by_label("本次提交此项").check()
    page.get_by_role("button", name="保存并提交勾选项").click()
    expect(target).to_contain_text("进展状态为“滞后”时，请写明存在问题")
    expect(target.get_by_label("工作进展")).to_have_value("高端装备产业导航分析已启动")
    target.get_by_label("存在问题").fill("专利数据库采购尚未完成")
    target.get_by_label("本次提交此项").check()
    page.get_by_role("button", name="保存并提交勾选项").click()
    expect(target.locator(".status")).to_have_text("已提交")
    assert TaskReport.objects.get(task=navigation).status == Status.SUBMITTED

    page.get_by_role("button", name="退出").click()
    login("office")
    page.get_by_role("link", name="审核", exact=True).click()
    queue = page.get_by_test_id("task-queue")
    expect(queue).to_contain_text("实施知识产权导航工程")
    queue.get_by_label("选择 二(四)1 市科技局").check()
    page.get_by_role("button", name="审核通过勾选项").click()
    expect(page.locator(".messages")).to_contain_text("已审核通过1项")
    page.goto(f"{live_server.url}/report/kjj/2023Q4/task/{navigation.pk}/")
    history = page.get_by_test_id("history")
    for step in ("新建草稿", "保存草稿", "提交", "审核通过"):
        expect(history).to_contain_text(step)
    expect(history).to_contain_text("存在问题：— → 专利数据库采购尚未完成")


def _fill_template(path, values: dict[str, object]) -> bytes:
    book = openpyxl.load_workbook(path)
    sheet = book["指标数据"]
    header = [cell.value for cell in sheet[1]]
    code_col, value_col = header.index("编号"), header.index("数值")
    for cells in sheet.iter_rows(min_row=2):
        code = cells[code_col].value
        if code in values:
            cells[value_col].value = values[code]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_excel_round_trip_and_a_bad_row_that_changes_nothing(demo, live_server, page, login, tmp_path):
    login("jingyang")
    page.goto(f"{live_server.url}/report/jingyang/2023Q4/")
    page.get_by_text("用 Excel 填报").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="下载本季度填报模板（已预填）").click()
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(_fill_template(template, {"1.1": 58, "1.4": "很多"}))
    page.get_by_label("填好后上传（先预览，确认后才保存）").set_input_files(str(bad))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.get_by_role("alert").first).to_contain_text("没有保存任何内容")
    expect(page.get_by_test_id("import-preview")).to_contain_text("很多")
    expect(page.get_by_role("button", name="确认导入")).to_have_count(0)
    assert not Submission.objects.exists()

    good = tmp_path / "good.xlsx"
    good.write_bytes(_fill_template(template, {"1.1": 58, "1.4": 5200}))
    page.goto(f"{live_server.url}/report/jingyang/2023Q4/")
    page.get_by_text("用 Excel 填报").click()
    page.get_by_label("填好后上传（先预览，确认后才保存）").set_input_files(str(good))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.get_by_test_id("import-preview")).to_contain_text("5200")
    assert not Submission.objects.exists()
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator(".messages")).to_contain_text("已导入")
    values = dict(Submission.objects.values_list("indicator__code", "value"))
    assert values == {"1.1": 58, "1.4": 5200}
