"""The public page (公开, issue 19 item 4): anonymous, it shows the published indicators with their latest approved
value among the published quarters and their status, and nothing else — no unpublished indicator or quarter, no
unit's figure unless the office publishes them. Test data: tests/public/conftest.py (figures), values by hand."""

from django.urls import reverse

from public.models import Publication
from public.services import publication_update
from reports.figures.rollup import rollup_rebuild_plan
from reports.models import Submission
from reports.workflow.services import item_approve, item_reopen, item_submit
from targets.models import Indicator
from tests.reports.factories import period

from .conftest import approved, saved, shown_rows


def publish(office, plan, codes, through, *, show_units=False, published=True) -> Publication:
    return publication_update(
        user=office,
        plan=plan,
        published=published,
        indicators=Indicator.objects.filter(plan=plan, code__in=codes),
        through=period(plan, through),
        show_units=show_units,
    )


def public_html(client, plan=None) -> str:
    url = reverse("public:plan", args=[plan.pk]) if plan else reverse("public:index")
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_latest_approved_value_of_the_published_quarters_with_its_status(
    client, plan, office_user, figures
):
    publish(office_user, plan, ["P1", "P2"], "2023Q4")
    rows = shown_rows(public_html(client))
    assert set(rows) == {"P1", "P2"}
    # P1: 413 + 687 approved in 2023Q4 = 1100 件 ≥ 1000 件.
    assert rows["P1"]["value"] == "1100 件"
    assert rows["P1"]["status"] == "达标"
    assert rows["P1"]["through"] == "2023年第四季度"
    assert rows["P1"]["target"] == "≥ 1000 件"
    assert "partial" not in rows["P1"]
    # P2: 92 % in 2023Q4, 3 points short of 95 % (within 5): 预警.
    assert (rows["P2"]["value"], rows["P2"]["status"]) == ("92 %", "预警")


def test_a_later_published_quarter_takes_its_approved_figures_only(client, plan, office_user, figures):
    publish(office_user, plan, ["P1", "P2"], "2024Q1")
    rows = shown_rows(public_html(client))
    # P1 2024Q1: 旌阳区's 300 approved; 广汉市's 5000 only submitted, so not counted (300, not 5300), and said so.
    # The target met in 2023Q4 stays met (a level once reached).
    assert rows["P1"]["value"].startswith("300 件")
    assert rows["P1"]["partial"] == "部分报送单位的数据尚未审核"
    assert (rows["P1"]["status"], rows["P1"]["through"]) == ("达标", "2024年第一季度")
    # P2 2024Q1: 80 %, 15 points short of 95 %: 滞后. Its 99 % of 2024Q2 is after the published quarter.
    assert (rows["P2"]["value"], rows["P2"]["status"]) == ("80 %", "滞后")


def test_an_unpublished_indicator_and_quarter_are_nowhere_in_the_page(client, plan, office_user, figures):
    publish(office_user, plan, ["P1", "P2"], "2024Q1")
    html = public_html(client)
    for unpublished in ("P3", "未公开测试指标", "4321"):  # P3's code, name and its approved figure
        assert unpublished not in html
    for later in ("2024年第二季度", "99 %", ">99<"):  # P2's approved 2024Q2
        assert later not in html
    # None of the plan's own indicators was published: none is listed.
    assert set(shown_rows(html)) == {"P1", "P2"}
    assert all(
        i.name not in html for i in Indicator.objects.filter(plan=plan, code__in=["1.1", "3.4", "5.4"])
    )


def test_an_indicator_without_approved_data_in_the_published_quarters_says_so(
    client, plan, office_user, figures
):
    publish(office_user, plan, ["P1", "P2"], "2023Q3")  # everything was approved from 2023Q4 on
    rows = shown_rows(public_html(client))
    assert rows["P1"] == {
        "name": "P1 公开测试存量（测试数据） 目标 ≥ 1000 件",  # the target repeated for phones
        "value": "—",
        "status": "暂无数据",
        "target": "≥ 1000 件",
        "through": "暂无审核通过的数据",
    }


def test_a_reopened_figure_shows_at_its_approved_value_until_approved_again(
    client, plan, office_user, figures
):
    publish(office_user, plan, ["P2"], "2024Q1")
    figure = Submission.objects.get(indicator=figures["P2"], period=period(plan, "2024Q1"))
    item_reopen(user=office_user, item=figure, reason="请核实（测试数据）")
    saved(office_user, plan, figures["P2"], "jingyang", "2024Q1", 97)  # corrected, not yet approved
    rollup_rebuild_plan(plan=plan)
    row = shown_rows(public_html(client))["P2"]
    assert (row["value"], row["status"]) == ("80 %", "滞后")
    assert "97" not in row["value"]

    figure.refresh_from_db()
    item_submit(user=office_user, proxy_reason="代填（测试数据）", item=figure)
    item_approve(user=office_user, item=figure)
    rollup_rebuild_plan(plan=plan)
    row = shown_rows(public_html(client))["P2"]
    assert (row["value"], row["status"]) == ("97 %", "达标")  # 97 % ≥ 95 %, once approved


def test_units_figures_only_when_the_office_publishes_them(client, plan, office_user, figures):
    publish(office_user, plan, ["P1"], "2023Q4")
    html = public_html(client)
    assert 'data-testid="unit-figures"' not in html
    assert "413" not in html and "687" not in html

    publish(office_user, plan, ["P1"], "2023Q4", show_units=True)
    units = shown_rows(public_html(client))["P1"]["units"]
    assert "旌阳区人民政府 413" in units and "广汉市人民政府 687" in units


def test_the_page_follows_a_change_of_the_publication_at_once(client, plan, office_user, figures):
    publish(office_user, plan, ["P1", "P2"], "2023Q4")
    assert set(shown_rows(public_html(client))) == {"P1", "P2"}
    publish(office_user, plan, ["P1"], "2023Q4")  # P2 withdrawn: the cached page is not shown again
    assert set(shown_rows(public_html(client))) == {"P1"}
    publish(office_user, plan, ["P1"], "2023Q4", published=False)
    assert client.get(reverse("public:plan", args=[plan.pk])).status_code == 404
    assert 'data-testid="public-empty"' in public_html(client)


def test_the_page_follows_an_approval_at_once(client, plan, office_user, figures):
    publish(office_user, plan, ["P1"], "2024Q1")
    assert shown_rows(public_html(client))["P1"]["value"].startswith("300 件")
    figure = Submission.objects.get(
        indicator=figures["P1"], unit__code="guanghan", period=period(plan, "2024Q1")
    )
    item_approve(user=office_user, item=figure)
    rollup_rebuild_plan(plan=plan)  # as the job after the approval does
    row = shown_rows(public_html(client))["P1"]
    assert row["value"] == "5300 件" and "partial" not in row  # 300 + 5000, both approved now


def test_a_cached_page_costs_two_queries(client, plan, office_user, figures, django_assert_max_num_queries):
    publish(office_user, plan, ["P1", "P2"], "2024Q1")
    first = public_html(client)
    with django_assert_max_num_queries(2):  # the publications, the rollup stamp
        assert public_html(client) == first


def test_the_office_publishes_a_newly_approved_quarter_by_moving_the_quarter(
    client, plan, office_user, figures
):
    publish(office_user, plan, ["P2"], "2024Q1")
    approved(office_user, plan, figures["P2"], "jingyang", "2024Q3", 50)
    rollup_rebuild_plan(plan=plan)
    assert shown_rows(public_html(client))["P2"]["value"] == "80 %"  # 2024Q3 is not published
    publish(office_user, plan, ["P2"], "2024Q3")
    assert shown_rows(public_html(client))["P2"]["value"] == "50 %"


def test_the_page_carries_no_portal_navigation_nor_anything_of_its_reader(client, plan, office_user, figures):
    publish(office_user, plan, ["P1"], "2023Q4")
    anonymous = public_html(client)
    client.force_login(office_user)
    signed_in = public_html(client)
    for page in (anonymous, signed_in):
        assert 'class="mainnav"' not in page and "csrfmiddlewaretoken" not in page
        assert office_user.username not in page and "退出" not in page
        assert "<script" not in page  # the portal's CSP: its own static css, no script needed
    assert shown_rows(anonymous) == shown_rows(signed_in)
