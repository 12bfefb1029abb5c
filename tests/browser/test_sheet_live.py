"""The sheet answers as a person types: a rate's percentage follows its numerator and denominator, a text shows how
much of its limit is used (and keeps every character past it), a figure with too many decimals is flagged."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from targets.models import Indicator
from tasks.models import Task

pytestmark = pytest.mark.usefixtures("in_2024q1")

SHOTS = Path("/tmp/shots")


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def centred(locator) -> None:
    """Brought to the middle of the window, clear of the sticky save bar, for the screenshot."""
    locator.evaluate("el => el.scrollIntoView({block: 'center'})")


def row(page, subject):
    prefix = "f" if isinstance(subject, Indicator) else "t"
    return page.locator(f"#row-{prefix}{subject.pk}")


def test_a_rates_percentage_follows_what_is_typed(demo, live_server, page, login):
    closed_in_time = Indicator.objects.get(code="3.1")
    login("zyfy")
    page.goto(f"{live_server.url}/report/zyfy/2023Q4/")
    figure = row(page, closed_in_time)
    rate = figure.locator("output.ratio")
    expect(rate).to_have_text("")

    figure.get_by_label("审限内结案数").fill("16")
    figure.get_by_label("结案总数").fill("17")
    expect(rate).to_have_text("= 94.12%")
    centred(figure)
    shot(page, "sheet_live_rate")

    figure.get_by_label("结案总数").fill("16")
    expect(rate).to_have_text("= 100%")
    figure.get_by_label("结案总数").fill("0")
    expect(rate).to_have_text("")


def test_a_long_text_is_counted_kept_whole_and_refused_by_name(demo, live_server, page, login):
    county_task = Task.objects.get(section__number="一", number="2")
    login("jingyang")
    page.goto(f"{live_server.url}/report/jingyang/2023Q4/")
    report = row(page, county_task)
    progress = report.get_by_label("工作进展")
    counter = report.locator("#" + progress.get_attribute("id") + "-count")
    expect(counter).to_have_text("已输入 0 / 4000 字")

    progress.fill("字" * 120)
    expect(counter).to_have_text("已输入 120 / 4000 字")

    progress.fill("")
    progress.focus()
    page.keyboard.insert_text("长" * 4001)  # as a paste: a maxlength would cut it here without a word
    assert len(progress.input_value()) == 4001
    expect(counter).to_have_text("已输入 4001 / 4000 字，超出 1 字，请删减后再保存")
    expect(counter).to_have_class("small counter error")
    centred(report)
    shot(page, "sheet_live_count_over")

    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator(".messages")).to_contain_text("有1项需要修改")
    expect(report).to_contain_text("「工作进展」最多4000字，当前4001字，请删减后再保存")
    assert len(report.get_by_label("工作进展").input_value()) == 4001
    centred(report)
    shot(page, "sheet_refused_long_text")


def test_a_figure_with_too_many_decimals_is_flagged_while_typed(demo, live_server, page, login):
    high_tech, pledges = Indicator.objects.get(code="1.1"), Indicator.objects.get(code="2.3")
    login("jingyang")
    page.goto(f"{live_server.url}/report/jingyang/2023Q4/")
    count_hint = row(page, high_tech).locator(".places")
    expect(count_hint).to_have_text("只填整数")
    value = row(page, high_tech).get_by_label("季末数（户）")
    assert value.get_attribute("inputmode") == "decimal"

    value.fill("1.5")
    expect(count_hint).to_have_text("只能填整数")
    value.fill("16")
    expect(count_hint).to_have_text("只填整数")
    value.fill("1e3")
    expect(count_hint).to_have_text("请不要使用科学计数法（如1e3），请直接填写数字")

    amount = row(page, pledges).get_by_label("本季度发生额（亿元）")
    amount.fill("0.123")
    expect(row(page, pledges).locator(".places")).to_have_text("最多保留2位小数")
    value.fill("1.5")
    centred(row(page, high_tech))
    shot(page, "sheet_live_decimals")
