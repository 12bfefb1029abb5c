"""The evaluation reads the whole plan in a fixed number of queries, however many figures and reports there are."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.documents.evaluation import plan_evaluation
from reports.documents.evaluation_files import evaluation_docx, evaluation_xlsx
from reports.figures.rollup import rollup_rebuild_plan
from reports.workflow.drafts import figure_save, task_report_save
from reports.workflow.services import item_approve, item_return, item_submit
from units.models import Unit

from .factories import indicator, period, task

pytestmark = pytest.mark.usefixtures("after_the_plan")


def report(office, plan, quarters: list[str], units: tuple[str, ...]) -> None:
    """Approved 1.1 figures, one returned 2.3 figure and a submitted task report per unit and quarter."""
    for q in quarters:
        for n, code in enumerate(units):
            unit = Unit.objects.get(code=code)
            for ind, value, approve in (("1.1", 40 + n, True), ("2.3", "0.5", False)):
                figure = figure_save(
                    user=office,
                    proxy_reason="代填（测试数据）",
                    unit=unit,
                    period=period(plan, q),
                    indicator=indicator(plan, ind),
                    data={"value": Decimal(str(value)), "note": "核对"},
                    expected_version=None,
                )
                item_submit(user=office, proxy_reason="代填（测试数据）", item=figure)
                if approve:
                    item_approve(user=office, item=figure)
                else:
                    item_return(user=office, item=figure, reason="请核实单位")
            report = task_report_save(
                user=office,
                proxy_reason="代填（测试数据）",
                unit=unit,
                period=period(plan, q),
                task=task(plan, "二(一)2"),
                data={"progress": "done" if n else "delayed", "progress_text": "推进", "problems": "资金"},
                expected_version=None,
            )
            item_submit(user=office, proxy_reason="代填（测试数据）", item=report)
    rollup_rebuild_plan(plan=plan)


def queries(plan) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        evaluation = plan_evaluation(plan=plan)
        evaluation_docx(evaluation)
        evaluation_xlsx(evaluation)
    return len(captured.captured_queries), evaluation


def test_the_evaluation_and_its_files_run_the_same_number_of_queries_with_more_data(plan, office_user):
    report(office_user, plan, ["2024Q4"], units=("jingyang",))
    small, before = queries(plan)
    report(
        office_user,
        plan,
        ["2025Q1", "2025Q2"],
        units=("jingyang", "guanghan", "luojiang", "shifang", "mianzhu"),
    )
    large, after = queries(plan)
    assert sum(r.returned for r in after.units) > sum(r.returned for r in before.units)  # the data did grow
    assert after.indicators[0].standing.progress.value != before.indicators[0].standing.progress.value
    assert small == large
    assert large <= 30
