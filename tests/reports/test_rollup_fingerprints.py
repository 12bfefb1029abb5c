"""The rollup skips the quarters whose figures have not changed (reports.figures.rollup_sql fingerprints) and still
recomputes a city value whenever anything it depends on changed: a figure, the aggregation rule, which units count
as counties. Figures here are test data (测试数据) entered by the office as proxy."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.figures.rollup import rollup_rebuild_indicator, rollup_rebuild_plan
from reports.jobs import rollup_indicator
from reports.models import Rollup, Standing, Submission
from targets.models import Indicator
from units.models import Unit

from .factories import indicator, period
from .test_rollup import approve, city

pytestmark = pytest.mark.usefixtures("after_the_plan")


def diffs(queries) -> list[str]:
    """The statements that compare unit rows wanted with unit rows held."""
    return [q["sql"] for q in queries if "CREATE TEMP" in q["sql"] and "rollup_diff" in q["sql"]]


def test_a_rebuild_on_unchanged_figures_compares_no_unit_row_and_writes_nothing(plan, office_user):
    approve(office_user, plan, "1.1", "jingyang", "2024Q4", value=60)
    approve(office_user, plan, "1.1", "guanghan", "2024Q4", value=75)
    assert rollup_rebuild_plan(plan=plan) > 0
    with CaptureQueriesContext(connection) as queries:
        assert rollup_rebuild_plan(plan=plan) == 0
    assert diffs(queries) == []
    assert city(plan, "1.1", "2024Q4").value == Decimal(135)


def test_a_figure_approved_in_one_quarter_compares_only_that_quarters_unit_rows(plan, office_user):
    approve(office_user, plan, "1.1", "jingyang", "2024Q3", value=55)
    approve(office_user, plan, "1.1", "jingyang", "2024Q4", value=60)
    rollup_rebuild_plan(plan=plan)
    approve(office_user, plan, "1.1", "guanghan", "2024Q4", value=75)
    with CaptureQueriesContext(connection) as queries:
        written = rollup_rebuild_plan(plan=plan)
    [diff] = diffs(queries)
    assert f"s.period_id IN ({period(plan, '2024Q4').pk})" in diff
    assert written == 2  # guanghan's unit row and the city row of 2024Q4
    assert (city(plan, "1.1", "2024Q4").value, city(plan, "1.1", "2024Q4").reported) == (Decimal(135), 2)
    assert city(plan, "1.1", "2024Q3").value == Decimal(55)


def test_the_same_for_one_indicators_rebuild_after_an_approval(plan, office_user):
    approve(office_user, plan, "1.1", "jingyang", "2024Q4", value=60)
    rollup_rebuild_indicator(indicator=indicator(plan, "1.1"))
    approve(office_user, plan, "1.1", "guanghan", "2024Q3", value=7)
    with CaptureQueriesContext(connection) as queries:
        assert rollup_rebuild_indicator(indicator=indicator(plan, "1.1")) == 2
    [diff] = diffs(queries)
    assert f"s.period_id IN ({period(plan, '2024Q3').pk})" in diff
    assert city(plan, "1.1", "2024Q3").value == Decimal(7)


def test_a_changed_aggregation_rule_recomputes_the_city_value_without_new_figures(plan, office_user):
    approve(office_user, plan, "1.1", "jingyang", "2024Q4", value=60)
    approve(office_user, plan, "1.1", "guanghan", "2024Q4", value=75)  # approved last
    rollup_rebuild_plan(plan=plan)
    assert city(plan, "1.1", "2024Q4").value == Decimal(135)
    Indicator.objects.filter(pk=indicator(plan, "1.1").pk).update(aggregation=Indicator.Aggregation.LATEST)
    assert rollup_rebuild_plan(plan=plan) > 0
    assert city(plan, "1.1", "2024Q4").value == Decimal(75)


def test_a_county_made_a_sub_unit_stops_counting_in_the_city_sum(plan, office_user):
    approve(office_user, plan, "1.1", "jingyang", "2024Q4", value=60)
    approve(office_user, plan, "1.1", "guanghan", "2024Q4", value=75)
    rollup_rebuild_plan(plan=plan)
    # Test data: guanghan filed under jingyang, as a town is under its county (its figures are detail, not summed).
    Unit.objects.filter(code="guanghan").update(parent=Unit.objects.get(code="jingyang"))
    rollup_rebuild_plan(plan=plan)
    row = city(plan, "1.1", "2024Q4")
    assert (row.value, row.reported, row.expected) == (Decimal(60), 1, 7)


def test_a_row_changed_in_the_database_directly_is_put_right_by_verify(plan, office_user):
    approve(office_user, plan, "1.1", "jingyang", "2024Q4", value=60)
    rollup_rebuild_plan(plan=plan)
    mine = Rollup.objects.filter(indicator=indicator(plan, "1.1"), unit__code="jingyang")
    mine.update(value=Decimal(1))  # behind the application's back
    assert rollup_rebuild_plan(plan=plan) == 0  # its quarter's figures did not change: skipped
    out = io.StringIO()
    call_command("rollup", "--verify", stdout=out)
    assert mine.get().value == Decimal(60)
    assert "更新了1个汇总值" in out.getvalue()


def test_every_city_row_holds_its_fingerprint_and_unit_rows_none(plan, office_user):
    approve(office_user, plan, "1.1", "jingyang", "2024Q4", value=60)
    rollup_rebuild_plan(plan=plan)
    rows = Rollup.objects.filter(indicator__plan=plan)
    assert not rows.filter(unit__isnull=True, fingerprint="").exists()
    assert set(rows.filter(unit__isnull=False).values_list("fingerprint", flat=True)) == {""}
    assert rows.filter(unit__isnull=True).count() == plan.indicators.count() * plan.periods.count()


def test_the_job_after_an_approval_reads_only_that_quarters_figures(plan, office_user):
    approve(office_user, plan, "1.1", "jingyang", "2024Q3", value=55)
    rollup_rebuild_plan(plan=plan)
    figure = approve(office_user, plan, "1.1", "guanghan", "2024Q4", value=75)
    with CaptureQueriesContext(connection) as queries:
        assert rollup_indicator(figure.indicator_id, figure.period_id) == 2
    [fingerprints] = [q["sql"] for q in queries if "COUNT(*), SUM(" in q["sql"]]
    assert f"s.period_id IN ({figure.period_id})" in fingerprints
    assert city(plan, "1.1", "2024Q4").value == Decimal(75)
    standing = Standing.objects.get(indicator=figure.indicator_id, period=figure.period_id)
    assert (standing.reported, standing.expected_units) == (1, 8)


def test_a_rollup_stamps_the_rows_it_writes_to_the_microsecond(plan, office_user, monkeypatch):
    """The public page's cache key (public.selectors) tells two rollups apart by their rows' latest computed_at; the
    database's CURRENT_TIMESTAMP has whole seconds on SQLite, so two rollups within a second looked the same."""
    approve(office_user, plan, "1.1", "jingyang", "2024Q4", value=60)
    figure = approve(office_user, plan, "1.1", "guanghan", "2024Q4", value=75)
    rollup_rebuild_plan(plan=plan)
    # Test data: a change of the approved figure that the next rollup reads.
    Submission.objects.filter(pk=figure.pk).update(value=Decimal(76))
    stamp = datetime.datetime(2030, 1, 2, 3, 4, 5, 678901, tzinfo=datetime.UTC)
    monkeypatch.setattr("django.utils.timezone.now", lambda: stamp)
    rollup_rebuild_plan(plan=plan)
    row = city(plan, "1.1", "2024Q4")
    unit_row = Rollup.objects.get(indicator=row.indicator, period=row.period, unit__code="guanghan")
    assert (row.value, unit_row.value) == (Decimal(136), Decimal(76))
    assert row.computed_at == stamp and unit_row.computed_at == stamp
