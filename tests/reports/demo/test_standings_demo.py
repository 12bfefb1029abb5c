"""Stored standings (reports.figures.standings) on the demo data: at every quarter, what the dashboards read equals
what the engine computes afresh (approvals, rollups and target edits on single figures: tests/reports/test_standings.py)."""

import pytest

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
