"""Reporting tallies (reports.figures.tallies) on the demo data: counted as its items were first submitted and
returned, they equal a count over the items themselves (the rules on single items: tests/reports/test_tallies.py)."""

from reports.figures.tallies import tally_count
from reports.models import ReportingTally


def test_the_demo_datas_tallies_equal_a_count_over_its_items(demo_plan):
    periods = list(demo_plan.periods.select_related("plan"))
    stored = {
        (unit_id, period_id): (on_time, late, returned)
        for unit_id, period_id, on_time, late, returned in ReportingTally.objects.values_list(
            "unit_id", "period_id", "on_time", "late", "returned"
        )
    }
    counted = tally_count(periods=periods)
    assert stored == counted and sum(late for _, late, _ in counted.values()) > 0
    assert sum(returned for _, _, returned in counted.values()) > 0
