"""What the commands a newcomer runs (`make run`: load_plan, rollup) print: what was done, in the plan's own terms."""

import io
from decimal import Decimal

from django.core.management import call_command

from reports.workflow.drafts import figure_save
from reports.workflow.services import item_approve, item_submit
from targets.models import WorkPlan
from tests.reports.factories import indicator, period
from units.models import Unit

TITLE = "德阳市推进国家知识产权强市建设试点城市工作方案"


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_load_plan_counts_goal_and_task_indicators_tasks_and_safeguards_as_the_plan_does(plan):
    # So that the plan loads again, beside the renamed one, in this test only.
    WorkPlan.objects.update(title="已载入的另一份方案")
    said = run("load_plan")
    assert f"已载入《{TITLE}》" in said
    assert "主要目标5个领域、24项指标" in said
    assert "主要工作27项任务（任务中另列3项指标）" in said
    assert "保障措施3项" in said
    assert "含保障措施" not in said


def test_rollup_run_again_says_the_rollup_is_already_up_to_date(plan):
    first = run("rollup")
    again = run("rollup")
    assert f"《{TITLE}》" in again
    assert "汇总已是最新" in again
    assert "27项指标、12个季度" in again
    assert "写入0行" not in again
    assert "汇总已是最新" not in first


def test_rollup_says_how_many_approved_figures_it_summed_and_what_changed(plan, office_user):
    run("rollup")
    figure = figure_save(
        user=office_user,
        proxy_reason="代填（测试数据）",
        unit=Unit.objects.get(code="jingyang"),
        period=period(plan, "2023Q4"),
        indicator=indicator(plan, "1.1"),
        data={"value": Decimal("58")},
        expected_version=None,
    )
    item_submit(user=office_user, proxy_reason="代填（测试数据）", item=figure)
    # Its rollup job waits for a commit, which never comes in a test: the command does the summing here.
    item_approve(user=office_user, item=figure)
    said = run("rollup")
    assert "依据1条审核通过的数据" in said
    assert "更新了2个汇总值" in said  # 旌阳区's row and the city's


def test_rollup_without_an_open_plan_says_so(plan):
    WorkPlan.objects.update(status=WorkPlan.Status.DRAFT)
    assert "没有开放填报的工作方案" in run("rollup")
