import copy
import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command

from targets.models import GoalArea, Indicator, WorkPlan
from tasks.models import Task
from tasks.services import plan_import
from units.models import Unit, UnitGroup


def fixture_data() -> dict:
    return json.loads(
        (Path(__file__).parent / "data" / "deyang_plan_expected.json").read_text(encoding="utf-8")
    )


def test_loading_the_plan_twice_changes_nothing(plan):
    counts = (WorkPlan.objects.count(), Indicator.objects.count(), Task.objects.count(), Unit.objects.count())
    out = io.StringIO()
    call_command("load_plan", stdout=out)
    assert "已存在" in out.getvalue()
    assert counts == (
        WorkPlan.objects.count(),
        Indicator.objects.count(),
        Task.objects.count(),
        Unit.objects.count(),
    )


def test_the_same_plan_cannot_be_imported_twice(plan):
    with pytest.raises(ValidationError, match="已存在"):
        plan_import(data=fixture_data())


def another_plan() -> dict:
    """The fixture as a second plan (the next plan reuses the units), with one new unit."""
    data = copy.deepcopy(fixture_data())
    data["plan"]["title"] = "德阳市推进国家知识产权强市建设工作方案（2025—2027年）"
    data["plan"]["start"], data["plan"]["end"] = "2025-07-01", "2027-12-31"
    data["units"].append(
        {"code": "xinbumen", "name": "市新部门", "full_name": "德阳市新部门", "kind": "city_department"}
    )
    return data


def counts() -> tuple[int, ...]:
    return WorkPlan.objects.count(), GoalArea.objects.count(), Indicator.objects.count(), Unit.objects.count()


def test_a_second_plan_can_be_imported_beside_the_first(plan):
    second = plan_import(data=another_plan())
    assert second.periods.count() == 10
    assert WorkPlan.objects.count() == 2
    assert Unit.objects.filter(code="xinbumen").exists()


def test_an_unknown_responsible_unit_stops_the_import_and_stores_nothing(plan):
    data = another_plan()
    data["sections"][0]["tasks"][2]["responsible"].append("市不存在局")
    before = counts()
    with pytest.raises(ValidationError, match="市不存在局"):
        plan_import(data=data)
    assert counts() == before
    assert not Unit.objects.filter(code="xinbumen").exists()


def test_a_rate_target_over_100_is_refused(plan):
    data = another_plan()
    data["areas"][2]["indicators"][0]["target"] = 120
    before = counts()
    with pytest.raises(ValidationError, match="不能超过100%"):
        plan_import(data=data)
    assert counts() == before


def test_a_relative_indicator_without_factor_is_refused(plan):
    data = another_plan()
    data["areas"][0]["indicators"][2]["factor"] = None
    with pytest.raises(ValidationError, match="倍数"):
        plan_import(data=data)


def test_a_reference_to_a_missing_goal_indicator_is_refused(plan):
    data = another_plan()
    data["sections"][2]["tasks"][0]["indicators"][0]["ref"] = "9.9"
    before = counts()
    with pytest.raises(ValidationError, match="9.9"):
        plan_import(data=data)
    assert counts() == before


def test_groups_know_their_members(plan):
    counties = UnitGroup.objects.get(name="各区（市、县）人民政府")
    assert sorted(counties.members.values_list("code", flat=True)) == sorted(
        ["jingyang", "luojiang", "guanghan", "shifang", "mianzhu", "zhongjiang"]
    )
    members = UnitGroup.objects.get(name="市国家知识产权强市建设试点城市工作领导小组成员单位").members
    assert members.filter(code="kjj").exists()
    assert not members.filter(kind__in=[Unit.Kind.COUNTY, Unit.Kind.ZONE, Unit.Kind.OFFICE]).exists()


def test_the_plan_keeps_its_source_text(plan):
    text = (settings.BASE_DIR / "fixtures" / "deyang_plan.txt").read_text(encoding="utf-8")
    assert plan.source_text == text
    for task in Task.objects.filter(plan=plan):
        assert task.text and task.text in text
