"""Reporting tallies (reports.figures.tallies): counted as items are first submitted and returned, they must always equal
a count over the items themselves, which is what the heatmap, the league and the home page showed before."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from reports.figures.tallies import tallies
from reports.models import ReportingTally
from reports.workflow.drafts import figure_save
from reports.workflow.services import item_return, item_submit
from targets.models import Period
from units.models import Unit

from .factories import indicator, period


def draft(office, plan, code: str, quarter: str, unit_code: str = "jingyang"):
    return figure_save(
        user=office,
        proxy_reason="代填（测试数据）",
        unit=Unit.objects.get(code=unit_code),
        period=period(plan, quarter),
        indicator=indicator(plan, code),
        data={"value": Decimal(40), "note": "核对"},
        expected_version=None,
    )


def held(plan, quarter: str, unit_code: str = "jingyang") -> tuple[int, int, int]:
    row = ReportingTally.objects.get(unit__code=unit_code, period=period(plan, quarter))
    return row.on_time, row.late, row.returned


def test_a_first_submission_by_the_due_day_counts_on_time_once(plan, office_user, settings):
    settings.PORTAL_TODAY = "2025-07-10"  # 2025Q2 is due on 2025-07-10: the last day on time
    figure = draft(office_user, plan, "1.1", "2025Q2")
    item_submit(user=office_user, proxy_reason="代填（测试数据）", item=figure)
    assert held(plan, "2025Q2") == (1, 0, 0)
    item_return(user=office_user, item=figure, reason="请核对")
    assert held(plan, "2025Q2") == (1, 0, 1)
    settings.PORTAL_TODAY = "2025-07-20"
    item_submit(
        user=office_user, proxy_reason="代填（测试数据）", item=figure
    )  # submitted again after the due date: still its first was on time
    assert held(plan, "2025Q2") == (1, 0, 1)


def test_a_first_submission_after_the_due_day_counts_late(plan, office_user, settings):
    settings.PORTAL_TODAY = "2025-07-11"
    item_submit(
        user=office_user, proxy_reason="代填（测试数据）", item=draft(office_user, plan, "1.1", "2025Q2")
    )
    item_submit(
        user=office_user, proxy_reason="代填（测试数据）", item=draft(office_user, plan, "2.3", "2025Q2")
    )
    assert held(plan, "2025Q2") == (0, 2, 0)


def test_a_quarter_whose_due_date_changed_is_counted_against_the_new_one(plan, office_user, settings):
    settings.PORTAL_TODAY = "2025-07-11"
    item_submit(
        user=office_user, proxy_reason="代填（测试数据）", item=draft(office_user, plan, "1.1", "2025Q2")
    )
    q2 = period(plan, "2025Q2")
    Period.objects.filter(pk=q2.pk).update(
        due_date_override=datetime.date(2025, 7, 15)
    )  # not through the admin
    periods = list(plan.periods.select_related("plan"))
    unit = Unit.objects.get(code="jingyang")
    assert tallies(periods=periods)[(unit.pk, q2.pk)] == (1, 0, 0)
    settings.PORTAL_TODAY = "2025-07-16"
    item_submit(
        user=office_user, proxy_reason="代填（测试数据）", item=draft(office_user, plan, "2.3", "2025Q2")
    )  # recounts the unit's row
    assert held(plan, "2025Q2") == (1, 1, 0)


def test_changing_a_due_date_in_the_admin_recounts_the_plans_tallies(client, plan, office_user, settings):
    settings.PORTAL_TODAY = "2025-07-11"
    item_submit(
        user=office_user, proxy_reason="代填（测试数据）", item=draft(office_user, plan, "1.1", "2025Q2")
    )
    q2 = period(plan, "2025Q2")
    client.force_login(office_user)
    response = client.post(
        reverse("admin:targets_period_change", args=[q2.pk]), {"due_date_override": "2025-07-12"}
    )
    assert response.status_code == 302
    row = ReportingTally.objects.get(unit__code="jingyang", period=q2)
    assert (row.due_date, row.on_time, row.late) == (datetime.date(2025, 7, 12), 1, 0)


@pytest.mark.parametrize("name", ["reports:heatmap", "reports:league"])
def test_the_pages_show_what_the_tallies_count(client, plan, office_user, settings, name):
    settings.PORTAL_TODAY = "2025-07-11"
    figure = draft(office_user, plan, "1.1", "2025Q2")
    item_submit(user=office_user, proxy_reason="代填（测试数据）", item=figure)
    item_return(user=office_user, item=figure, reason="请核对")
    client.force_login(office_user)
    context = client.get(reverse(name), {"period": "2025Q2"}).context
    if name == "reports:league":
        row = next(r for r in context["rows"] if r.unit.code == "jingyang")
        assert row.returned == 1 and row.rates.reported == 1 and row.rates.on_time == 0
    else:
        cells = next(cells for unit, cells, _ in context["data"].rows if unit.code == "jingyang")
        q2 = next(c for c in cells if c.period_code == "2025Q2")
        assert (q2.on_time, q2.late) == (0, 1)
