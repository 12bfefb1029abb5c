"""Stored standings (reports.figures.standings): the dashboards read each indicator's standing as the rollup stored it, and
must never show one that an approval, a rollup or an edit of the target has made stale."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from reports.figures.rollup import rollup_rebuild_plan
from reports.figures.standings import standings_refresh
from reports.models import Standing
from reports.workflow.drafts import figure_save
from reports.workflow.services import item_approve, item_submit
from targets.models import Indicator, IndicatorMilestone, WorkPlan
from tests.markers import eager_only
from units.models import Unit

from .factories import indicator, period

pytestmark = pytest.mark.usefixtures("after_the_plan")


def approve(office, plan, code: str, quarter: str, value, unit_code: str = "jingyang"):
    figure = figure_save(
        user=office,
        proxy_reason="代填（测试数据）",
        unit=Unit.objects.get(code=unit_code),
        period=period(plan, quarter),
        indicator=indicator(plan, code),
        data={"value": Decimal(str(value)), "note": "核对"},
        expected_version=None,
    )
    item_submit(user=office, proxy_reason="代填（测试数据）", item=figure)
    item_approve(user=office, item=figure)
    return figure


def shown(client, code: str, quarter: str = "2025Q2") -> str:
    """The status the indicator table shows for one indicator (as the page's table holds it)."""
    response = client.get(reverse("reports:indicator_table"), {"period": quarter})
    assert response.status_code == 200
    return next(s.progress.label for s in response.context["table"].data if s.indicator.code == code)


def test_a_rebuild_with_nothing_changed_rewrites_no_standing(plan, office_user):
    approve(office_user, plan, "1.1", "2025Q2", 500)
    rollup_rebuild_plan(plan=plan)
    ids = set(Standing.objects.values_list("pk", flat=True))
    assert ids
    assert rollup_rebuild_plan(plan=plan) == 0
    assert set(Standing.objects.values_list("pk", flat=True)) == ids


@eager_only
def test_an_approval_and_its_rollup_show_the_new_status(
    client, plan, office_user, django_capture_on_commit_callbacks
):
    client.force_login(office_user)
    rollup_rebuild_plan(plan=plan)
    assert shown(client, "1.1") == "未报"
    with django_capture_on_commit_callbacks(execute=True):  # the rollup job the approval queues, run eagerly
        approve(office_user, plan, "1.1", "2025Q2", 500)  # ≥ 402
    assert Standing.objects.get(indicator__code="1.1", period=period(plan, "2025Q2")).status == "met"
    assert shown(client, "1.1") == "达标"
    assert (
        "高新技术企业"
        not in client.get(reverse("reports:home"), {"period": "2025Q2"})
        .content.decode()
        .split('data-testid="lagging"')[1]
        .split("</section>")[0]
    )


def indicator_form(ind: Indicator, **changes) -> dict:
    """The indicator's change form in 管理后台 as it shows it, with `changes` typed in."""
    data = {
        name: getattr(ind, name)
        for name in (
            "code", "name", "uom", "position", "kind", "direction", "comparison", "aggregation",
            "numerator_label", "denominator_label", "source_text",
        )
    }  # fmt: skip
    data.update(
        plan=ind.plan_id,
        area=ind.area_id or "",
        target_value=ind.target_value if ind.target_value is not None else "",
        factor=ind.factor if ind.factor is not None else "",
        target_date=ind.target_date.isoformat(),
        baseline_value=ind.baseline_value if ind.baseline_value is not None else "",
        baseline_date=ind.baseline_date.isoformat() if ind.baseline_date else "",
        reporting_units=list(ind.reporting_units.values_list("pk", flat=True)),
    )
    data.update(changes)
    return data


def test_editing_a_target_in_the_admin_shows_the_new_status(client, plan, office_user):
    client.force_login(office_user)
    approve(office_user, plan, "1.1", "2025Q2", 123)
    rollup_rebuild_plan(plan=plan)
    assert shown(client, "1.1") == "滞后"  # 123 against 402
    ind = indicator(plan, "1.1")
    response = client.post(
        reverse("admin:targets_indicator_change", args=[ind.pk]), indicator_form(ind, target_value="100")
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert shown(client, "1.1") == "达标"
    stored = Standing.objects.get(indicator=ind, period=period(plan, "2025Q2"))
    assert (stored.status, stored.target) == ("met", Decimal(100))  # stored again, not only computed afresh


def test_editing_the_plans_thresholds_in_the_admin_shows_the_new_status(client, plan, office_user):
    client.force_login(office_user)
    approve(office_user, plan, "1.1", "2025Q1", 100)
    approve(office_user, plan, "1.1", "2025Q2", 380)  # from 100 towards 402: 280 of the 302 due, 93%
    rollup_rebuild_plan(plan=plan)
    assert shown(client, "1.1") == "预警"
    from tests.targets.test_admin import plan_form

    response = client.post(
        reverse("admin:targets_workplan_change", args=[plan.pk]),
        {
            **plan_form(plan),
            "amber_ratio": "0.95",
            "source_text": plan.source_text,
            "verdict_basic_ratio": plan.verdict_basic_ratio,
            "verdict_rate_points": plan.verdict_rate_points,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert shown(client, "1.1") == "滞后"
    assert Standing.objects.get(indicator__code="1.1", period=period(plan, "2025Q2")).status == "lagging"


def test_a_target_changed_outside_the_admin_is_computed_afresh_not_shown_stale(client, plan, office_user):
    """Any other path that changes an input (a script, a milestone, a plan's start) leaves the stored standing
    behind; its fingerprint no longer matches, so the page computes the standing itself."""
    client.force_login(office_user)
    approve(office_user, plan, "1.1", "2025Q2", 123)
    rollup_rebuild_plan(plan=plan)
    assert shown(client, "1.1") == "滞后"
    Indicator.objects.filter(plan=plan, code="1.1").update(target_value=Decimal(100))
    assert shown(client, "1.1") == "达标"
    Indicator.objects.filter(plan=plan, code="1.1").update(target_value=Decimal(402))
    IndicatorMilestone.objects.create(
        indicator=indicator(plan, "1.1"), date=datetime.date(2025, 6, 30), value=120
    )
    assert shown(client, "1.1") in (
        "达标",
        "正常",
    )  # the office's waypoint for mid-2025 is 120: 123 is on the path
    WorkPlan.objects.filter(pk=plan.pk).update(amber_ratio=Decimal("0.10"))
    assert standings_refresh(plan=plan) == plan.indicators.count()  # every indicator's thresholds changed


def test_standings_are_written_only_where_they_differ(plan, office_user):
    """Written once, a second write of the same standings changes nothing; a figure approved in the last quarter
    rewrites only the standings it moves, never the earlier quarters'."""
    from reports.figures.selectors import city_rows, indicators_for_standings
    from reports.figures.standings import standings_write

    approve(office_user, plan, "2.3", "2024Q4", 5)  # a cumulative target: its later quarters add up to it
    rollup_rebuild_plan(plan=plan)
    chosen = indicators_for_standings(Indicator.objects.filter(plan=plan, code="2.3"))
    periods = list(plan.periods.all())

    def write() -> int:
        return standings_write(
            plan=plan, indicators=chosen, periods=periods, rows=city_rows(indicators=chosen, periods=periods)
        )

    assert write() == 0  # the rollup stored exactly what the engine gives
    Standing.objects.filter(indicator__code="2.3").delete()
    assert write() == len(periods)
    assert write() == 0
    before = {s.period.code: (s.pk, s.value) for s in Standing.objects.filter(indicator__code="2.3")}
    approve(office_user, plan, "2.3", "2025Q2", 4)
    rollup_rebuild_plan(plan=plan)
    after = {s.period.code: (s.pk, s.value) for s in Standing.objects.filter(indicator__code="2.3")}
    assert after["2025Q2"][1] == before["2025Q2"][1] + 4
    assert {q: v for q, v in after.items() if q < "2025Q2"} == {
        q: v for q, v in before.items() if q < "2025Q2"
    }
