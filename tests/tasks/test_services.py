import copy
import io
import json

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command

from targets.models import GoalArea, Indicator, WorkPlan
from tasks.models import Task
from tasks.services import plan_import
from units.models import Unit, UnitGroup


def fixture_data() -> dict:
    return json.loads((settings.BASE_DIR / "fixtures" / "deyang_plan.json").read_text(encoding="utf-8"))


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


def test_an_unknown_responsible_unit_stops_the_import_and_stores_nothing(db):
    data = fixture_data()
    data["sections"][0]["tasks"][2]["responsible"].append("市不存在局")
    with pytest.raises(ValidationError, match="市不存在局"):
        plan_import(data=data)
    assert not WorkPlan.objects.exists()
    assert not GoalArea.objects.exists()
    assert not Unit.objects.exists()


def test_a_rate_target_over_100_is_refused(db):
    data = fixture_data()
    data["areas"][2]["indicators"][0]["target"] = 120
    with pytest.raises(ValidationError, match="不能超过100%"):
        plan_import(data=data)
    assert not WorkPlan.objects.exists()


def test_a_relative_indicator_without_factor_is_refused(db):
    data = fixture_data()
    data["areas"][0]["indicators"][2]["factor"] = None
    with pytest.raises(ValidationError, match="倍数"):
        plan_import(data=data)


def test_a_reference_to_a_missing_goal_indicator_is_refused(db):
    data = copy.deepcopy(fixture_data())
    data["sections"][2]["tasks"][0]["indicators"][0]["ref"] = "9.9"
    with pytest.raises(ValidationError, match="9.9"):
        plan_import(data=data)
    assert not Indicator.objects.exists()


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
