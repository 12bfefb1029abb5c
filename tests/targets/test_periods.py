import datetime

import pytest

from targets.models import Indicator, Period
from targets.periods import parse_period_code, portal_today, quarters_between
from targets.services import indicator_set_reporting
from units.models import Unit


def test_the_deyang_plan_has_twelve_quarters_2022q3_to_2025q2(plan):
    codes = [p.code for p in plan.periods.all()]
    assert codes[0] == "2022Q3" and codes[-1] == "2025Q2" and len(codes) == 12


def test_a_quarter_is_due_ten_days_after_it_ends_unless_the_office_changes_it(plan):
    q4 = Period.objects.get(plan=plan, year=2023, quarter=4)
    assert (q4.start, q4.end, q4.due_date) == (
        datetime.date(2023, 10, 1),
        datetime.date(2023, 12, 31),
        datetime.date(2024, 1, 10),
    )
    plan.due_days = 15
    plan.save(update_fields=["due_days"])
    q4.refresh_from_db()
    assert q4.due_date == datetime.date(2024, 1, 15)
    q4.due_date_override = datetime.date(2024, 1, 20)
    assert q4.due_date == datetime.date(2024, 1, 20)


def test_quarters_between_covers_partial_quarters():
    assert quarters_between(datetime.date(2022, 7, 1), datetime.date(2023, 1, 15)) == [
        (2022, 3),
        (2022, 4),
        (2023, 1),
    ]


def test_portal_today_follows_the_setting(settings):
    settings.PORTAL_TODAY = "2024-01-05"
    assert portal_today() == datetime.date(2024, 1, 5)


@pytest.mark.parametrize("bad", ["2023Q5", "2023", "Q4", "二〇二三Q4"])
def test_a_malformed_quarter_code_is_refused_in_chinese(bad):
    with pytest.raises(ValueError, match="季度编号应形如"):
        parse_period_code(bad)


def test_counts_are_reported_by_the_six_counties_and_two_zones(plan):
    counties_and_zones = set(
        Unit.objects.filter(kind__in=[Unit.Kind.COUNTY, Unit.Kind.ZONE]).values_list("code", flat=True)
    )
    assert len(counties_and_zones) == 8
    for indicator in Indicator.objects.filter(
        area__isnull=False, kind__in=["level", "cumulative", "increment"]
    ):
        assert set(indicator.reporting_units.values_list("code", flat=True)) == counties_and_zones, (
            indicator.code
        )


@pytest.mark.parametrize(
    ("code", "reporter", "ratio"),
    [
        ("3.1", "zyfy", True),
        ("3.2", "scjgj", True),
        ("3.4", "zyfy", True),
        ("3.5", "scjgj", False),
        ("5.1", "scjgj", True),
        ("1.3", "scjgj", False),
        ("4.1", "scjgj", False),
        ("二(二)2.1", "zyfy", False),
        ("二(三)4.1", "swxcb", False),
    ],
)
def test_rates_milestones_and_task_indicators_have_one_owner(plan, code, reporter, ratio):
    indicator = Indicator.objects.get(code=code)
    assert list(indicator.reporting_units.values_list("code", flat=True)) == [reporter]
    assert indicator.has_ratio == ratio


def test_every_indicator_has_someone_reporting_it(plan):
    assert not Indicator.objects.filter(reporting_units__isnull=True).exists()


def test_changing_who_reports_is_kept_in_history(plan):
    indicator = Indicator.objects.get(code="3.5")
    indicator_set_reporting(indicator=indicator, units=[Unit.objects.get(code="zyfy")])
    states = [
        [row.unit.code for row in record.reporting_units.all()]
        for record in indicator.history.order_by("-history_date", "-history_id")
    ]
    assert states[0] == ["zyfy"]
    assert ["scjgj"] in states[1:]
