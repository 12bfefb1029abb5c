import pytest

from tasks.models import Task
from tasks.selectors import indicators_for_unit, plan_readiness, tasks_for_unit, unit_task_routes
from units.models import Unit


def codes(tasks) -> set[str]:
    return {task.code for task in tasks}


def test_guanghan_answers_for_sanxingdui_and_the_county_group_tasks(plan):
    guanghan = Unit.objects.get(code="guanghan")
    mine = codes(tasks_for_unit(unit=guanghan, plan=plan))
    assert "二(二)7" in mine
    # Assigned through 各区（市、县）人民政府:
    assert {"二(一)2", "二(一)3", "二(一)4", "二(二)1", "二(二)8", "二(三)1", "二(五)1", "三(二)"} <= mine
    # Assigned only to city bureaus:
    assert not {"二(二)2", "二(二)3", "二(三)4", "二(四)1", "二(五)6", "三(三)"} & mine


def test_only_the_three_named_counties_get_the_geographical_indication_task(plan):
    named = {"shifang", "mianzhu", "zhongjiang"}
    for unit in Unit.objects.filter(kind=Unit.Kind.COUNTY):
        assert ("二(三)3" in codes(tasks_for_unit(unit=unit, plan=plan))) == (unit.code in named)


def test_tasks_through_a_group_say_which_group(plan):
    routes = {
        r["task"].code: r["via"] for r in unit_task_routes(unit=Unit.objects.get(code="guanghan"), plan=plan)
    }
    assert routes["二(二)7"] == ""
    assert routes["二(一)2"] == "各区（市、县）人民政府"


def test_member_units_get_tasks_of_the_leading_group_members(plan):
    routes = {
        r["task"].code: r["via"] for r in unit_task_routes(unit=Unit.objects.get(code="kjj"), plan=plan)
    }
    assert routes["二(一)1"] == "市国家知识产权强市建设试点城市工作领导小组成员单位"
    assert routes["二(三)1"] == ""


def test_the_office_answers_for_the_strategy_and_assessment(plan):
    office = Unit.objects.get(code="ldxzbgs")
    assert codes(tasks_for_unit(unit=office, plan=plan)) == {"二(一)1", "三(三)"}


def test_court_indicators_include_its_area_and_its_task_indicator(plan):
    court = Unit.objects.get(code="zyfy")
    found = {i.code for i in indicators_for_unit(unit=court, plan=plan)}
    assert {"3.1", "3.4", "二(二)2.1"} <= found
    assert "2.3" not in found


def test_a_county_sees_the_goal_indicators_of_every_area(plan):
    found = {i.code for i in indicators_for_unit(unit=Unit.objects.get(code="jingyang"), plan=plan)}
    assert {"1.1", "2.3", "3.1", "4.5", "5.4"} <= found
    assert "二(三)4.1" not in found  # copyright task is 市委宣传部's alone


@pytest.mark.parametrize(
    "expected",
    ["指标 1.3", "指标 二(二)2.1", "三(一) 加强组织领导：方案未写明责任单位"],
)
def test_plan_readiness_lists_what_the_text_leaves_open(plan, expected):
    assert any(problem.startswith(expected) for problem in plan_readiness(plan=plan).problems)


def test_plan_readiness_drops_a_baseline_once_the_office_fills_it(plan):
    indicator = plan.indicators.get(code="1.3")
    indicator.baseline_value = 3
    indicator.save(update_fields=["baseline_value"])
    assert not any(p.startswith("指标 1.3") for p in plan_readiness(plan=plan).problems)


def test_every_task_has_a_section_and_safeguards_have_none(plan):
    assert Task.objects.filter(kind=Task.Kind.TASK, section__isnull=True).count() == 0
    assert Task.objects.filter(kind=Task.Kind.SAFEGUARD, section__isnull=False).count() == 0
