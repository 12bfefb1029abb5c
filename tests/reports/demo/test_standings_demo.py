"""Stored standings (reports.figures.standings) on the demo data: at every quarter, what the dashboards read equals
what the engine computes afresh (approvals, rollups and target edits on single figures: tests/reports/test_standings.py)."""

import pytest
from django.urls import reverse

from reports.figures.rollup import rollup_rebuild_plan
from reports.figures.selectors import plan_standings
from reports.models import Standing

from ..factories import period

pytestmark = pytest.mark.usefixtures("after_the_plan")


def live(plan, quarter: str) -> dict:
    """Every indicator's standing computed by the engine from the city rows, ignoring what is stored."""
    Standing.objects.all().delete()
    return {s.indicator.code: s for s in plan_standings(plan=plan, period=period(plan, quarter))}


def as_compared(standing) -> tuple:
    p = standing.progress
    return (
        p.status, p.value, p.expected, p.target, p.projected_end, p.projected_met, p.formula,
        standing.reported, standing.expected,
    )  # fmt: skip


def test_stored_standings_equal_the_engines_at_every_quarter_of_the_demo_plan(demo_plan):
    periods = list(demo_plan.periods.all())
    assert (
        Standing.objects.filter(indicator__plan=demo_plan).count()
        == len(periods) * demo_plan.indicators.count()
    )
    stored = {
        q.code: {s.indicator.code: as_compared(s) for s in plan_standings(plan=demo_plan, period=q)}
        for q in periods
    }
    for q in periods:
        expected = {code: as_compared(s) for code, s in live(demo_plan, q.code).items()}
        assert stored[q.code] == expected, q.code
    rollup_rebuild_plan(plan=demo_plan)  # put them back for the module's other tests


def test_the_home_page_lists_a_few_lagging_indicators_and_links_to_all_of_them(
    demo_plan, client, office_user, monkeypatch
):
    quarter = demo_plan.periods.last()
    red = [s for s in plan_standings(plan=demo_plan, period=quarter) if s.progress.colour == "red"]
    assert len(red) >= 2  # the demo plan ends with lagging indicators
    monkeypatch.setattr("reports.views.dashboard.LAGGING_SHOWN", 1)
    client.force_login(office_user)
    page = client.get(reverse("reports:home"), {"period": quarter.code}).content.decode()
    lagging = page.split('data-testid="lagging"')[1].split("</section>")[0]
    assert f'<span class="count">{len(red)}</span>' in lagging
    assert lagging.count("<li>") == 1 and red[0].indicator.name in lagging
    assert f"查看全部{len(red)}项滞后指标" in lagging
    assert f'href="/dashboard/indicators/?status=red&period={quarter.code}"' in lagging  # one plan: no ?plan=
