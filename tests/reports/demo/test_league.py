"""单位排名 ranks the units that report to the office, never the office itself (issue 15, item 3), on the dashboard
and in the bulletin alike."""

import pytest

from reports.dashboards.heatmap import reporting_heatmap
from reports.dashboards.league import unit_league, unit_ranking
from reports.documents.bulletin import bulletin_data
from reports.figures.selectors import plan_standings
from units.models import Unit

pytestmark = pytest.mark.usefixtures("after_the_plan")


def test_the_office_is_not_ranked_though_it_owes_and_reports(demo_plan, db):
    plan = demo_plan
    periods = list(plan.periods.all())
    heatmap = reporting_heatmap(plan=plan, periods=periods, cells=False)
    office = Unit.objects.get(kind=Unit.Kind.OFFICE)
    assert office.pk in {
        unit.pk for unit, _cells, _rates in heatmap.rows
    }  # it owes items: the heatmap shows it
    standings = plan_standings(plan=plan, period=periods[-1])
    rows = unit_ranking(plan=plan, heatmap=heatmap, standings=standings)
    assert office not in [row.unit for row in rows] and len(rows) == len(heatmap.rows) - 1
    # The evaluation still records what the office owed and reported.
    assert office in [row.unit for row in unit_league(plan=plan, heatmap=heatmap, standings=standings)]
    bulletin = bulletin_data(plan=plan, period=periods[-1])
    assert office not in [row.unit for row in bulletin.league]
