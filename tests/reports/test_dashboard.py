import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.figures.rollup import rollup_rebuild_plan
from reports.workflow.drafts import figure_save, task_report_save
from reports.workflow.services import item_approve, item_submit
from units.models import Unit, User

from .factories import indicator, period, task

pytestmark = pytest.mark.usefixtures("after_the_plan")

PAGES = ["reports:home", "reports:indicator_table", "reports:heatmap", "reports:task_board", "reports:league"]


def report(office, plan, quarters: list[str], units=("jingyang", "guanghan", "luojiang")):
    """Approve 1.1 and 2.3 figures and a task report for the units and quarters given."""
    for q in quarters:
        for n, code in enumerate(units):
            unit = Unit.objects.get(code=code)
            for ind, value in (("1.1", 40 + n), ("2.3", "0.5")):
                figure = figure_save(
                    user=office,
                    proxy_reason="代填（测试数据）",
                    unit=unit,
                    period=period(plan, q),
                    indicator=indicator(plan, ind),
                    data={"value": Decimal(str(value)), "note": "上季度数据核对"},
                    expected_version=None,
                )
                item_submit(user=office, proxy_reason="代填（测试数据）", item=figure)
                item_approve(user=office, item=figure)
            tr = task_report_save(
                user=office,
                proxy_reason="代填（测试数据）",
                unit=unit,
                period=period(plan, q),
                task=task(plan, "二(一)2"),
                data={
                    "progress": "delayed" if n == 0 else "in_progress",
                    "progress_text": "推进",
                    "problems": "资金",
                },
                expected_version=None,
            )
            item_submit(user=office, proxy_reason="代填（测试数据）", item=tr)
    rollup_rebuild_plan(plan=plan)


def queries(client, name, **kwargs) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse(name, kwargs=kwargs) + "?period=2025Q2").status_code == 200
    return len(captured.captured_queries)


def test_dashboard_pages_run_the_same_number_of_queries_with_more_data(client, plan, office_user):
    client.force_login(office_user)
    client.get(
        reverse("reports:home")
    )  # a session's first page also stores the plan it opened on (3 queries)
    report(office_user, plan, ["2024Q4"])
    small = {name: queries(client, name) for name in PAGES}
    small["reports:indicator_progress"] = queries(
        client, "reports:indicator_progress", pk=indicator(plan, "1.1").pk
    )
    report(
        office_user,
        plan,
        ["2024Q1", "2024Q2", "2024Q3", "2025Q1", "2025Q2"],
        units=("jingyang", "guanghan", "luojiang", "shifang", "mianzhu"),
    )
    large = {name: queries(client, name) for name in PAGES}
    large["reports:indicator_progress"] = queries(
        client, "reports:indicator_progress", pk=indicator(plan, "1.1").pk
    )
    assert small == large
    assert max(large.values()) <= 30  # the office home: standings, heatmap, and its to-do counts


def test_the_office_home_shows_five_goal_areas_with_their_lights(client, plan, office_user):
    report(office_user, plan, ["2025Q2"])
    client.force_login(office_user)
    page = client.get(reverse("reports:home")).content.decode()
    for headline in (
        "知识产权创造更加高质",
        "知识产权运用更加高效",
        "知识产权保护更加有力",
        "知识产权管理更加规范",
        "知识产权服务更加优质",
    ):
        assert headline in page
    assert "2025年第二季度报送情况" in page
    assert "完整率" in page and "及时率" in page


def test_the_indicator_table_filters_by_area_and_status_and_downloads_xlsx(client, plan, office_user):
    report(office_user, plan, ["2025Q2"])
    client.force_login(office_user)
    area = indicator(plan, "2.3").area
    page = client.get(
        reverse("reports:indicator_table"), {"period": "2025Q2", "area": area.pk}
    ).content.decode()
    assert "知识产权质押金额" in page and "高新技术企业" not in page
    grey = client.get(
        reverse("reports:indicator_table"), {"period": "2025Q2", "status": "grey"}
    ).content.decode()
    assert "每万人高价值发明专利拥有量" in grey  # 基线缺失
    response = client.get(
        reverse("reports:indicator_table"), {"period": "2025Q2", "area": area.pk, "export": "xlsx"}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("编号", "指标", "领域")
    pledge = next(r for r in rows if r[0] == "2.3")
    assert pledge[4] == 1.5  # 3 units × 0.5, as a number


def test_the_indicator_page_carries_a_chart_and_the_formula(client, plan, office_user):
    report(office_user, plan, ["2025Q1", "2025Q2"])
    client.force_login(office_user)
    page = client.get(
        reverse("reports:indicator_progress", args=[indicator(plan, "2.3").pk]), {"period": "2025Q2"}
    ).content.decode()
    assert 'id="trend-figure"' in page and "plotly-basic.min.js" in page
    assert "3 = 0.5 + 0.5 + 0.5 + 0.5 + 0.5 + 0.5" in page or "3 = 1.5 + 1.5" in page


def test_the_heatmap_marks_missing_and_on_time_units(client, plan, office_user):
    report(office_user, plan, ["2025Q2"], units=("jingyang",))
    client.force_login(office_user)
    page = client.get(reverse("reports:heatmap")).content.decode()
    assert "cell-missing" in page
    assert "cell-pending" not in page or "cell-on_time" in page


def test_the_task_board_lists_delayed_tasks_first(client, plan, office_user):
    report(office_user, plan, ["2025Q2"])
    client.force_login(office_user)
    page = client.get(reverse("reports:task_board")).content.decode()
    assert page.index("促进县域知识产权管理能力提升") < page.index("深入实施知识产权强市战略")
    assert "1个单位滞后" in page


def test_the_league_ranks_units(client, plan, office_user):
    report(office_user, plan, ["2025Q2"])
    client.force_login(office_user)
    page = client.get(reverse("reports:league")).content.decode()
    assert "旌阳区人民政府" in page and "及时率" in page


def test_the_league_counts_a_task_delayed_in_its_latest_report_once(client, plan, office_user):
    """旌阳区 reported 二(一)2 as 滞后 in two quarters: one task is behind, not two."""
    report(office_user, plan, ["2025Q1", "2025Q2"])
    client.force_login(office_user)
    rows = {r.unit.code: r for r in client.get(reverse("reports:league")).context["rows"]}
    assert rows["jingyang"].delayed_tasks == 1
    assert rows["guanghan"].delayed_tasks == 0


def test_leaders_read_the_dashboards(client, plan, make_user):
    client.force_login(make_user("leader-d", User.Role.LEADER))
    for name in PAGES:
        assert client.get(reverse(name)).status_code == 200, name


@pytest.mark.parametrize("name", PAGES[1:])
def test_reporters_cannot_open_the_dashboards(client, plan, jingyang, name):
    client.force_login(jingyang)
    assert client.get(reverse(name)).status_code == 403


def test_exported_text_that_looks_like_a_formula_is_escaped():
    from openpyxl import Workbook

    from reports.xlsx import safe_cell, set_cell

    cell = set_cell(Workbook().active["A1"], '=HYPERLINK("http://x")')
    assert (cell.value, cell.data_type, cell.quotePrefix) == ('=HYPERLINK("http://x")', "s", True)
    assert set_cell(Workbook().active["A1"], "-1+2").quotePrefix
    assert safe_cell(Decimal("2.50")) == 2.5
    assert safe_cell("旌阳区") == "旌阳区"


def test_a_county_sees_what_is_due_overdue_and_its_own_contribution(client, plan, office_user, jingyang):
    report(office_user, plan, ["2025Q1"], units=("jingyang", "guanghan"))
    client.force_login(jingyang)
    page = client.get(reverse("reports:unit_detail", args=["jingyang"])).content.decode()
    assert "2025年第二季度填报" in page and "已逾期" in page  # due 2025-07-10, today 2025-07-15, nothing sent
    assert "2025年第一季度" in page
    assert 'data-testid="contributions"' in page


def test_a_countys_contribution_to_a_cumulative_indicator_is_its_total_since_the_plan_began(
    plan, office_user
):
    """2.3 质押金额累计达22亿元: two quarters of 0.5 count 1.0 towards the target, not the last quarter's 0.5."""
    from reports.dashboards.unit_page import unit_contributions

    report(office_user, plan, ["2024Q4", "2025Q1"], units=("jingyang", "guanghan"))
    rows = {
        c.indicator.code: c
        for c in unit_contributions(
            unit=Unit.objects.get(code="jingyang"), plan=plan, period=period(plan, "2025Q1")
        )
    }
    assert (rows["2.3"].own, rows["2.3"].city) == (Decimal("1.0"), Decimal("2.0"))
    assert (rows["1.1"].own, rows["1.1"].city) == (Decimal(40), Decimal(81))  # a stock: this quarter's figure
    earlier = unit_contributions(
        unit=Unit.objects.get(code="jingyang"), plan=plan, period=period(plan, "2024Q4")
    )
    assert next(c for c in earlier if c.indicator.code == "2.3").own == Decimal("0.5")


def test_a_milestones_unit_figures_read_achieved_or_not_not_one_and_zero(client, plan, office_user):
    milestone = indicator(plan, "4.2")
    unit = milestone.reporting_units.first()
    figure = figure_save(
        user=office_user,
        proxy_reason="代填（测试数据）",
        unit=unit,
        period=period(plan, "2025Q1"),
        indicator=milestone,
        data={"achieved": False},
        expected_version=None,
    )
    item_submit(user=office_user, proxy_reason="代填（测试数据）", item=figure)
    item_approve(user=office_user, item=figure)
    rollup_rebuild_plan(plan=plan)
    client.force_login(office_user)
    response = client.get(reverse("reports:indicator_progress", args=[milestone.pk]), {"period": "2025Q1"})
    history = response.content.decode().split("各单位审核通过的数据")[1]
    assert f"<td>{unit.name}</td>" in history and '<td class="num">未达成</td>' in history
    assert '<td class="num">0</td>' not in history


def test_deyangs_heatmap_fits_one_screen(client, plan, office_user):
    """12 quarters and 28 units: every quarter and unit on one page, no window or pager shown."""
    client.force_login(office_user)
    response = client.get(reverse("reports:heatmap"), {"period": "2025Q2"})
    page = response.content.decode()
    assert [p.code for p in response.context["data"].periods] == [p.code for p in plan.periods.all()]
    assert 'data-testid="heatmap-window"' not in page and 'data-testid="pager"' not in page


def test_a_long_plan_shows_a_window_of_quarters_and_pages_of_units(client, plan, office_user, monkeypatch):
    """A province's plan (40 quarters, 200 units) does not fit: the window and page sizes are shrunk here so the
    Deyang plan stands in for it. The rates beside each unit stay those of the whole plan so far."""
    from reports.dashboards import heatmap

    report(office_user, plan, ["2024Q1", "2025Q2"])
    monkeypatch.setattr(heatmap, "HEATMAP_QUARTERS", 4)
    monkeypatch.setattr(heatmap, "HEATMAP_UNITS", 10)
    client.force_login(office_user)
    whole = {u.code: r for u, _, r in heatmap.reporting_heatmap(plan=plan).rows}

    response = client.get(reverse("reports:heatmap"), {"period": "2025Q2"})
    data, page = response.context["data"], response.content.decode()
    assert [p.code for p in data.periods] == ["2024Q3", "2024Q4", "2025Q1", "2025Q2"]
    assert data.earlier.code == "2024Q2" and data.later is None
    assert 'href="?period=2024Q2"' in page and "显示 2024年第三季度–2025年第二季度 共 4 个季度" in page
    assert len(data.rows) == 10 and 'data-testid="pager"' in page and "第 1 / 3 页" in page
    for unit, cells, rates in data.rows:
        assert len(cells) == 4
        assert (rates.completeness, rates.timeliness) == (
            whole[unit.code].completeness,
            whole[unit.code].timeliness,
        )

    second = client.get(reverse("reports:heatmap"), {"period": "2025Q2", "page": 2}).context["data"]
    assert {u.code for u, _, _ in second.rows}.isdisjoint({u.code for u, _, _ in data.rows})

    early = client.get(reverse("reports:heatmap"), {"period": "2022Q4"}).context["data"]
    assert [p.code for p in early.periods] == ["2022Q3", "2022Q4", "2023Q1", "2023Q2"]
    assert early.earlier is None and early.later.code == "2024Q2"

    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("reports:heatmap"), {"period": "2025Q2", "export": "xlsx"}).content)
    ).active
    assert sheet.max_row - 1 >= len(whole)  # the .xlsx keeps every unit (and every quarter), not one page


def test_the_indicator_table_comes_in_pages_and_its_excel_has_every_row(
    client, plan, office_user, monkeypatch
):
    from reports.views import dashboard as views

    monkeypatch.setattr(views, "INDICATORS_PER_PAGE", 10)
    client.force_login(office_user)
    response = client.get(reverse("reports:indicator_table"), {"period": "2025Q2"})
    assert len(response.context["table"].page.object_list) == 10
    assert 'class="pagination' in response.content.decode()
    sheet = openpyxl.load_workbook(
        io.BytesIO(
            client.get(reverse("reports:indicator_table"), {"period": "2025Q2", "export": "xlsx"}).content
        )
    ).active
    assert sheet.max_row - 1 == plan.indicators.count() > 10


def test_the_league_counts_only_tasks_whose_latest_report_is_delayed(client, plan, office_user):
    """旌阳区 reported 二(一)2 as 滞后 in 2025Q1. A 2025Q2 draft saying 进行中 is not a report yet: still behind.
    Once submitted, the latest report says 进行中: not behind."""
    report(office_user, plan, ["2025Q1"])
    draft = task_report_save(
        user=office_user,
        proxy_reason="代填（测试数据）",
        unit=Unit.objects.get(code="jingyang"),
        period=period(plan, "2025Q2"),
        task=task(plan, "二(一)2"),
        data={"progress": "in_progress", "progress_text": "推进", "problems": ""},
        expected_version=None,
    )
    client.force_login(office_user)

    def delayed() -> int:
        return {r.unit.code: r for r in client.get(reverse("reports:league")).context["rows"]}[
            "jingyang"
        ].delayed_tasks

    assert delayed() == 1
    item_submit(user=office_user, proxy_reason="代填（测试数据）", item=draft)
    assert delayed() == 0
