"""A script typed into a unit's name, on a page with a chart: no dialog opens, and the name reads as typed in the
table and on the chart's axis."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from reports.figures.rollup import rollup_rebuild_plan
from reports.workflow.drafts import figure_save
from reports.workflow.services import item_approve, item_submit
from targets.models import Indicator, Period
from units.models import Unit, User

pytestmark = pytest.mark.usefixtures("after_the_plan")

NAME = '旌阳<script>alert(1)</script>"><img src=x onerror=alert(1)>'


@pytest.fixture
def hostile_unit(demo):
    Unit.objects.filter(code="jingyang").update(name=NAME)
    office = User.objects.get(username="office")
    pledges = Indicator.objects.get(code="2.3")
    quarter = Period.objects.get(plan=demo, year=2025, quarter=2)
    figure = figure_save(
        user=office, proxy_reason="代填（测试数据）", unit=Unit.objects.get(code="jingyang"), period=quarter, indicator=pledges,
        data={"value": Decimal("0.9")}, expected_version=None,
    )  # fmt: skip
    item_submit(user=office, proxy_reason="代填（测试数据）", item=figure)
    item_approve(user=office, item=figure)
    rollup_rebuild_plan(plan=demo)
    return pledges


def test_a_script_in_a_unit_name_opens_no_dialog_and_reads_as_typed(hostile_unit, live_server, page, login):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    login("office")
    page.goto(f"{live_server.url}/dashboard/indicators/{hostile_unit.pk}/?period=2025Q2")
    expect(page.get_by_test_id("trend-chart")).to_have_attribute("data-drawn", "1")
    breakdown = page.locator('.chart[data-figure="breakdown-figure"]')
    expect(breakdown).to_have_attribute("data-drawn", "1")
    expect(page.locator("main").get_by_text(NAME).first).to_be_visible()  # the table: the name as text
    # The chart's axis label, literally.
    expect(breakdown.locator(".xtick text").filter(has_text=NAME)).to_have_count(1)
    page.goto(f"{live_server.url}/units/")
    expect(page.get_by_text(NAME).first).to_be_visible()
    assert page.locator("main img[src=x]").count() == 0
    assert dialogs == []
