"""Several plans in one portal (issue 16, item 2, first step): opening a second plan no longer hides the first.
Every page shows the plan its URL names (?plan=), else the one the user last looked at, else the user's default;
the plan bar switches between them (tasks.plan_choice)."""

import datetime

import pytest
from django.urls import reverse

from reports.models import Document
from targets.models import WorkPlan
from targets.periods import portal_now
from tasks.lifecycle import plan_open
from tasks.selectors import plan_default_for, plans_listed
from tasks.services import plan_import, plan_reporting_defaults
from tests.units.factories import UserFactory
from units.models import User

from .test_services import another_plan

NEXT_TITLE = "德阳市推进国家知识产权强市建设工作方案（2025—2027年）"


@pytest.fixture
def second(plan, office_user) -> WorkPlan:
    """The next plan (test data: the pilot plan's structure for 2025-07 to 2027-12), opened beside the pilot plan."""
    second = plan_import(data=another_plan(), status=WorkPlan.Status.DRAFT)
    plan_reporting_defaults(user=office_user, plan=second)
    plan_open(user=office_user, plan=second, acknowledged=True)
    return second


def test_open_plans_are_listed_first_then_ended_ones_and_never_drafts(plan, second, office_user):
    draft = plan_import(
        data={**another_plan(), "plan": {**another_plan()["plan"], "title": "草稿方案"}}, status="draft"
    )
    assert plans_listed() == [second, plan]
    WorkPlan.objects.filter(pk=second.pk).update(status=WorkPlan.Status.CLOSED)
    assert plans_listed() == [plan, WorkPlan.objects.get(pk=second.pk)]
    assert draft not in plans_listed()


def test_a_county_opens_on_the_plan_with_its_nearest_due_date(plan, second, jingyang, office_user):
    plans = plans_listed()
    # 2025-07-05: the pilot plan's last quarter (2025Q2) is due on 07-10; the next plan's first on 10-10.
    assert plan_default_for(user=jingyang, plans=plans, today=datetime.date(2025, 7, 5)) == plan
    assert plan_default_for(user=jingyang, plans=plans, today=datetime.date(2025, 7, 11)) == second
    # The office and leaders open on the newest open plan.
    assert plan_default_for(user=office_user, plans=plans, today=datetime.date(2025, 7, 5)) == second
    leader = UserFactory(role=User.Role.LEADER)
    assert plan_default_for(user=leader, plans=plans, today=datetime.date(2025, 7, 5)) == second


def test_a_unit_that_owes_nothing_in_the_old_plan_opens_on_the_new_one(plan, second, make_user):
    reporter = make_user("xinbumen-1", User.Role.REPORTER, "xinbumen")  # a unit only the next plan names
    assert plan_default_for(user=reporter, plans=plans_listed(), today=datetime.date(2025, 7, 5)) == second


def titles(client, url: str) -> str:
    return client.get(url).content.decode()


def test_the_office_switches_plans_and_the_choice_follows_it_from_page_to_page(
    client, plan, second, office_user
):
    client.force_login(office_user)
    table = reverse("reports:indicator_table")
    page = titles(client, table)
    assert 'data-testid="plan-switch"' in page
    assert f'<option value="{second.pk}" selected>{NEXT_TITLE}' in page  # the newest open plan first

    switched = client.get(reverse("tasks:plan_switch"), {"plan": plan.pk, "next": table})
    assert switched.status_code == 302 and switched.url == f"{table}?plan={plan.pk}"
    page = titles(client, switched.url)
    assert f'<option value="{plan.pk}" selected>{plan.title}' in page
    assert f'<option value="{plan.pk}" selected>' in titles(client, reverse("reports:heatmap"))  # remembered
    # The header's links name the plan, so an address copied from the next page opens it for a colleague too.
    assert f'href="{reverse("reports:document_list")}?plan={plan.pk}"' in titles(
        client, reverse("reports:heatmap")
    )

    # A page about one thing of a plan does not exist in the other: switching from it goes home.
    sheet = reverse("reports:sheet", args=["jingyang", "2025Q2"])
    switched = client.get(reverse("tasks:plan_switch"), {"plan": second.pk, "next": sheet})
    assert switched.url == f"{reverse('reports:home')}?plan={second.pk}"
    # An address outside the portal is never followed.
    outside = client.get(reverse("tasks:plan_switch"), {"plan": second.pk, "next": "//example.com/"})
    assert outside.url == f"{reverse('reports:home')}?plan={second.pk}"


def test_each_plans_dashboards_show_that_plans_quarters(client, plan, second, office_user, after_the_plan):
    client.force_login(office_user)
    for shown, quarter in ((plan, "2025年第二季度"), (second, "2025年第三季度")):
        for name in (
            "reports:home",
            "reports:indicator_table",
            "reports:heatmap",
            "reports:task_board",
            "reports:league",
        ):
            response = client.get(reverse(name), {"plan": shown.pk})
            assert response.status_code == 200, name
            assert response.context["plan"] == response.context["plan_shown"] == shown, name
            assert (
                response.context["period"].plan_id == shown.pk and response.context["period"].label == quarter
            )


def test_a_sheet_link_opens_the_plan_that_has_its_quarter(client, plan, second, jingyang, after_the_plan):
    client.force_login(jingyang)
    client.get(f"{reverse('reports:home')}?plan={second.pk}")  # looking at the next plan
    response = client.get(reverse("reports:sheet", args=["jingyang", "2024Q4"]))  # only the pilot plan has it
    assert response.status_code == 200
    assert response.context["period"].plan == plan
    assert client.get(reverse("reports:sheet", args=["jingyang", "2030Q1"])).status_code == 404


def test_a_plan_the_url_names_must_be_listed(client, plan, second, office_user, jingyang):
    draft = plan_import(
        data={**another_plan(), "plan": {**another_plan()["plan"], "title": "草稿方案"}}, status="draft"
    )
    client.force_login(jingyang)
    for named in (draft.pk, 999_999, "x"):
        assert client.get(reverse("reports:report_index"), {"plan": named}).status_code == 404, named
    # The office sees its draft on the plan page, never through the plan bar.
    client.force_login(office_user)
    assert client.get(reverse("tasks:plan_detail", args=[draft.pk])).status_code == 200
    assert client.get(reverse("reports:indicator_table"), {"plan": draft.pk}).status_code == 404


def test_one_plan_shows_no_plan_bar(client, plan, office_user):
    client.force_login(office_user)
    assert 'data-testid="plan-switch"' not in titles(client, reverse("reports:indicator_table"))


def test_a_document_of_the_other_plan_still_downloads(client, plan, second, office_user, tmp_path):
    from django.core.files.base import ContentFile

    document = Document.objects.create(
        plan=plan,
        kind=Document.Kind.EVALUATION,
        created_by=office_user,
        created_at=portal_now(),
        state=Document.State.DONE,
    )
    document.file.save("评估.docx", ContentFile(b"test data"))
    client.force_login(office_user)
    client.get(f"{reverse('reports:home')}?plan={second.pk}")
    response = client.get(reverse("reports:document_download", args=[document.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"test data"


def test_a_units_page_shows_its_record_in_each_plan(client, plan, second, jingyang, office_user, settings):
    from decimal import Decimal

    from reports.dashboards.unit_page import unit_record
    from reports.workflow.drafts import figure_save
    from reports.workflow.selectors import unit_obligation_counts
    from reports.workflow.services import item_approve, item_return, item_submit

    from ..reports.factories import indicator, period

    settings.PORTAL_TODAY = (
        "2024-01-05"  # 2023Q4 is due on 2024-01-10: both figures go in on time (test data)
    )
    figures = [
        figure_save(
            user=jingyang,
            unit=jingyang.unit,
            period=period(plan, "2023Q4"),
            indicator=indicator(plan, code),
            data={"value": Decimal(n)},
            expected_version=None,
        )
        for n, code in ((3, "1.1"), (4, "1.2"))
    ]
    for figure in figures:
        item_submit(user=jingyang, item=figure)
    item_approve(user=office_user, item=figures[0])
    item_return(user=office_user, item=figures[1], reason="请核对（测试数据）")

    settings.PORTAL_TODAY = (
        "2025-07-15"  # every quarter of the pilot plan is past its due date, none of the next's
    )
    per_quarter = unit_obligation_counts(units=[jingyang.unit], plan=plan)[jingyang.unit.pk]
    pilot_record, next_record = unit_record(unit=jingyang.unit, plans=[plan, second])
    assert (pilot_record.plan, pilot_record.quarters, pilot_record.owed) == (plan, 12, per_quarter * 12)
    assert (pilot_record.on_time, pilot_record.late, pilot_record.returned, pilot_record.approved) == (
        2,
        0,
        1,
        1,
    )
    assert (next_record.plan, next_record.quarters, next_record.owed, next_record.on_time) == (
        second,
        0,
        0,
        0,
    )

    client.force_login(jingyang)
    page = client.get(reverse("reports:unit_detail", args=["jingyang"])).content.decode()
    assert "历次方案中的报送情况" in page and NEXT_TITLE in page and plan.title in page
