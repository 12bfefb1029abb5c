"""The sheet, the office's review queue and the 单位审核 queue cost the same number of queries with little data and with
a lot (issue 18: the last four quarters on the sheet, the flags, 待核实 marks, 代填 marks and the unit review must not
add a query per row). Test data: 旌阳区 and other counties' figures of 1.1 and 2.3 over several quarters."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.workflow.drafts import figure_save, task_report_save
from reports.workflow.followups import follow_up_mark
from reports.workflow.services import item_approve, item_submit
from units.models import Unit, User

from .factories import indicator, period, task

pytestmark = pytest.mark.usefixtures("after_the_plan")
PROXY = "代填（测试数据）"
COUNTIES = ("jingyang", "guanghan", "luojiang", "shifang", "mianzhu", "zhongjiang")


def _figure(user, plan, code, unit, quarter, value, **extra):
    return figure_save(
        user=user,
        unit=unit,
        period=period(plan, quarter),
        indicator=indicator(plan, code),
        data={"value": Decimal(str(value)), "note": "测试数据：已核实"},
        expected_version=None,
        proxy_reason=PROXY,
        **extra,
    )


def history(office, plan, quarters, units):
    """Approved 1.1 and 2.3 figures of the units in the quarters; the newest 1.1 marked 待核实."""
    for q in quarters:
        for n, code in enumerate(units):
            unit = Unit.objects.get(code=code)
            for ind, value in (("1.1", 40 + n), ("2.3", "0.5")):
                figure = _figure(office, plan, ind, unit, q, value)
                item_submit(user=office, item=figure, proxy_reason=PROXY)
                item_approve(user=office, item=figure)
    marked = indicator(plan, "1.1").submissions.order_by("pk").last()
    follow_up_mark(user=office, item=marked, note="测试数据：请核实")


def waiting(office, head_unit, plan, quarter, units, make_user):
    """2025Q2 figures and a task report submitted: by the office (代填) to its queue, and by 旌阳区's reporter to
    its unit head."""
    reporter = User.objects.filter(username="jy-clerk-q").first() or make_user(
        "jy-clerk-q", User.Role.REPORTER, head_unit.code
    )
    for code in units:
        unit = Unit.objects.get(code=code)
        writer = reporter if unit == head_unit else office
        for ind, value in (("1.1", 300), ("2.3", "0.7")):
            item_submit(
                user=writer, item=_figure(writer, plan, ind, unit, quarter, value), proxy_reason=PROXY
            )
        report = task_report_save(
            user=writer,
            unit=unit,
            period=period(plan, quarter),
            task=task(plan, "二(一)2"),
            data={"progress": "in_progress", "progress_text": "测试数据：推进"},
            expected_version=None,
            proxy_reason=PROXY,
        )
        item_submit(user=writer, item=report, proxy_reason=PROXY)


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_sheet_and_both_queues_cost_the_same_queries_with_more_data(client, plan, office_user, make_user):
    jy = Unit.objects.get(code="jingyang")
    jy.unit_review = True
    jy.save(update_fields=["unit_review"])
    head = make_user("jy-head-q", User.Role.UNIT_HEAD, "jingyang")
    sheet = reverse("reports:sheet", args=["jingyang", "2025Q2"])
    pages = {
        "sheet": (office_user, sheet),
        "review": (office_user, reverse("reports:review")),
        "unit_review": (head, reverse("reports:unit_review")),
        "head_sheet": (head, sheet),
    }

    def measure() -> dict[str, int]:
        found = {}
        for name, (user, url) in pages.items():
            client.force_login(user)
            client.get(url)  # a session's first page stores the plan it opened on
            found[name] = count(client, url)
        return found

    history(office_user, plan, ["2024Q4"], COUNTIES[:2])
    waiting(office_user, jy, plan, "2025Q2", COUNTIES[:2], make_user)
    small = measure()
    history(office_user, plan, ["2024Q1", "2024Q2", "2024Q3", "2025Q1"], COUNTIES)
    waiting(office_user, jy, plan, "2025Q2", COUNTIES[2:], make_user)
    clerk = User.objects.get(username="jy-clerk-q")
    for code in ("1.2", "1.4"):  # more for 旌阳区's head too
        item_submit(user=clerk, item=_figure(clerk, plan, code, jy, "2025Q2", 5))
    large = measure()
    assert small == large, (small, large)
    assert max(large.values()) <= 35
