import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from reports.figures.rollup import rollup_rebuild_indicator
from reports.models import Rollup, Standing
from reports.workflow.drafts import figure_save
from reports.workflow.services import item_approve, item_reopen, item_submit
from tests.markers import eager_only, needs_worker
from units.models import Unit

from .factories import indicator, period

pytestmark = pytest.mark.usefixtures("after_the_plan")


def approve(office, plan, code, unit_code, quarter, **data):
    unit = Unit.objects.get(code=unit_code)
    data = {k: Decimal(str(v)) if isinstance(v, int | float | str) else v for k, v in data.items()}
    figure = figure_save(
        user=office,
        proxy_reason="代填（测试数据）",
        unit=unit,
        period=period(plan, quarter),
        indicator=indicator(plan, code),
        data=data,
        expected_version=None,
    )
    item_submit(user=office, proxy_reason="代填（测试数据）", item=figure)
    item_approve(user=office, item=figure)
    return figure


def city(plan, code, quarter):
    return Rollup.objects.get(
        indicator=indicator(plan, code), period=period(plan, quarter), unit__isnull=True
    )


def test_counts_are_summed_over_the_reporting_units(plan, office_user):
    approve(office_user, plan, "1.1", "jingyang", "2024Q4", value=60)
    approve(office_user, plan, "1.1", "guanghan", "2024Q4", value=75)
    rollup_rebuild_indicator(indicator=indicator(plan, "1.1"))
    row = city(plan, "1.1", "2024Q4")
    assert (row.value, row.reported, row.expected) == (Decimal(135), 2, 8)
    assert Rollup.objects.filter(indicator__code="1.1", unit__code="guanghan").get().value == Decimal(75)


def test_only_approved_figures_count(plan, office_user, make_user):
    approve(office_user, plan, "1.1", "jingyang", "2024Q4", value=60)
    figure_save(
        user=office_user,
        proxy_reason="代填（测试数据）",
        unit=Unit.objects.get(code="luojiang"),
        period=period(plan, "2024Q4"),
        indicator=indicator(plan, "1.1"),
        data={"value": Decimal(999)},
        expected_version=None,
    )
    rollup_rebuild_indicator(indicator=indicator(plan, "1.1"))
    assert city(plan, "1.1", "2024Q4").value == Decimal(60)


def test_a_rate_is_the_ratio_of_summed_numerators_and_denominators_not_the_mean_of_rates(plan, office_user):
    rate = indicator(plan, "3.1")
    scjgj = Unit.objects.get(code="scjgj")
    rate.reporting_units.add(scjgj)  # two units report it for this test
    approve(office_user, plan, "3.1", "zyfy", "2024Q4", numerator=9, denominator=10)  # 90%
    approve(office_user, plan, "3.1", "scjgj", "2024Q4", numerator=90, denominator=90)  # 100%
    rollup_rebuild_indicator(indicator=rate)
    row = city(plan, "3.1", "2024Q4")
    assert (row.numerator, row.denominator) == (Decimal(99), Decimal(100))
    assert row.value == Decimal("99")  # not (90 + 100) / 2 = 95


def test_the_lead_units_figure_is_the_city_value_for_lead_aggregation(plan, office_user):
    approve(office_user, plan, "3.5", "scjgj", "2024Q4", value="86.5")
    rollup_rebuild_indicator(indicator=indicator(plan, "3.5"))
    assert city(plan, "3.5", "2024Q4").value == Decimal("86.5")


def test_a_milestone_is_achieved_when_its_unit_says_so(plan, office_user):
    import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile

    from reports.workflow.evidence import evidence_add

    unit = Unit.objects.get(code="scjgj")
    figure = figure_save(
        user=office_user,
        proxy_reason="代填（测试数据）",
        unit=unit,
        period=period(plan, "2024Q4"),
        indicator=indicator(plan, "4.1"),
        data={"achieved": True, "achieved_on": datetime.date(2024, 11, 20)},
        expected_version=None,
    )
    evidence_add(user=office_user, item=figure, upload=SimpleUploadedFile("批复.pdf", b"%PDF-1.4 x"))
    item_submit(user=office_user, proxy_reason="代填（测试数据）", item=figure)
    item_approve(user=office_user, item=figure)
    rollup_rebuild_indicator(indicator=indicator(plan, "4.1"))
    row = city(plan, "4.1", "2024Q4")
    assert (row.value, row.achieved_on) == (Decimal(1), datetime.date(2024, 11, 20))


def test_running_a_rollup_twice_changes_nothing(plan, office_user):
    approve(office_user, plan, "1.1", "jingyang", "2024Q4", value=60)
    ind = indicator(plan, "1.1")
    assert rollup_rebuild_indicator(indicator=ind) > 0
    before = list(Rollup.objects.filter(indicator=ind).order_by("pk").values())
    assert rollup_rebuild_indicator(indicator=ind) == 0
    assert list(Rollup.objects.filter(indicator=ind).order_by("pk").values()) == before


def test_a_rollup_killed_half_way_leaves_the_previous_values(plan, office_user, monkeypatch):
    ind = indicator(plan, "1.1")
    approve(office_user, plan, "1.1", "jingyang", "2024Q4", value=60)
    rollup_rebuild_indicator(indicator=ind)
    before = list(Rollup.objects.filter(indicator=ind).order_by("pk").values())
    approve(office_user, plan, "1.1", "guanghan", "2024Q4", value=75)

    def killed(*args, **kwargs):
        raise SystemExit("worker killed")

    monkeypatch.setattr(Rollup.objects, "bulk_create", killed)
    with pytest.raises(SystemExit):
        rollup_rebuild_indicator(indicator=ind)
    assert list(Rollup.objects.filter(indicator=ind).order_by("pk").values()) == before


@eager_only
def test_an_approval_queues_the_rollup_after_commit(plan, office_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        approve(office_user, plan, "1.1", "jingyang", "2024Q4", value=60)
    assert city(plan, "1.1", "2024Q4").value == Decimal(60)


@eager_only
def test_a_reopened_figure_stays_in_the_rollup_at_its_approved_value(
    plan, office_user, django_capture_on_commit_callbacks
):
    """Withdrawing a figure never improves a standing (issue 15, item 1): it counts as approved, marked held."""
    with django_capture_on_commit_callbacks(execute=True):
        figure = approve(office_user, plan, "1.1", "jingyang", "2024Q4", value=60)
        item_reopen(user=office_user, item=figure, reason="核实")
    row = city(plan, "1.1", "2024Q4")
    assert (row.value, row.reported, row.held) == (Decimal(60), 1, 1)


def test_the_progress_command_prints_every_indicator_as_json(plan, office_user):
    approve(office_user, plan, "2.3", "jingyang", "2024Q4", value=5)
    call_command("rollup", stdout=io.StringIO())
    out = io.StringIO()
    call_command("progress", "--period", "2025Q2", "--json", stdout=out)
    rows = {row["code"]: row for row in json.loads(out.getvalue())}
    assert len(rows) == plan.indicators.count()
    assert rows["2.3"]["value"] == 5 and rows["2.3"]["target"] == 22
    assert rows["1.3"]["status"] == "no_baseline"
    assert rows["1.1"]["status"] == "no_data"
    assert set(rows["2.3"]) == {
        "code",
        "name",
        "value",
        "expected",
        "target",
        "status",
        "status_label",
        "projected_end",
        "reported_units",
        "expected_units",
    }


@needs_worker
@pytest.mark.worker
def test_an_approval_reaches_the_dashboard_through_a_real_worker(transactional_db, plan, office_user):
    import time

    from reports.jobs import rollup_all

    approve(office_user, plan, "1.1", "jingyang", "2024Q4", value=60)  # commits: the worker rebuilds 1.1
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        row = Rollup.objects.filter(
            indicator__code="1.1", period=period(plan, "2024Q4"), unit__isnull=True
        ).first()
        if row and row.value == Decimal(60):
            break
        time.sleep(0.5)
    assert city(plan, "1.1", "2024Q4").value == Decimal(60)
    # the worker stored the standing in the same transaction as the city row
    assert Standing.objects.get(indicator__code="1.1", period=period(plan, "2024Q4")).value == Decimal(60)
    rollup_all.delay().get(timeout=120)
    before = list(Rollup.objects.order_by("pk").values())
    assert rollup_all.delay().get(timeout=120) == 0
    assert list(Rollup.objects.order_by("pk").values()) == before


def test_a_sub_units_figure_is_its_countys_detail_and_not_added_to_the_city(plan, office_user):
    """A town the office put under 旌阳区 reports 1.1 too (test data): its 5 is part of 旌阳区's 60, so the city is
    60 + 75 = 135 over the 8 counties and zones, as without the town; the town's own row is kept."""
    town = Unit.objects.create(
        code="jy-town",
        name="旌阳区测试镇",
        full_name="旌阳区测试镇人民政府（测试数据）",
        kind=Unit.Kind.COUNTY,
        parent=Unit.objects.get(code="jingyang"),
    )
    indicator(plan, "1.1").reporting_units.add(town)
    approve(office_user, plan, "1.1", "jingyang", "2024Q4", value=60)
    approve(office_user, plan, "1.1", "guanghan", "2024Q4", value=75)
    approve(office_user, plan, "1.1", "jy-town", "2024Q4", value=5)
    rollup_rebuild_indicator(indicator=indicator(plan, "1.1"))
    row = city(plan, "1.1", "2024Q4")
    assert (row.value, row.reported, row.expected) == (Decimal(135), 2, 8)
    assert Rollup.objects.get(indicator__code="1.1", unit=town, period=period(plan, "2024Q4")).value == 5
