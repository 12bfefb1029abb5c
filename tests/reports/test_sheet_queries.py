"""A unit's quarterly sheet, and a save posted from it as a browser posts the whole form, cost the same number of
queries on a sheet of a few rows as on one of many (make load: fifty reporters opening and posting whole sheets at
once): nothing is read or written per row. The unit is 市委宣传部 (six rows as the plan has it), then made to report
most of the plan's indicators and to answer for every task; each row holds a draft, each figure last quarter's too."""

from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.workflow.drafts import figure_save, task_report_save
from targets.models import Indicator
from tasks.models import Task, TaskResponsibility
from tasks.selectors import tasks_for_unit
from tests.ops.harness import Page
from tests.units.factories import UserFactory
from units.models import Unit, User

from .factories import period

pytestmark = pytest.mark.usefixtures("after_the_plan")
UNIT, QUARTER, EARLIER = "swxcb", "2025Q2", "2025Q1"


@pytest.fixture
def reporter(plan) -> User:
    return UserFactory(role=User.Role.REPORTER, unit_code=UNIT)


def _drafts(user: User, plan) -> None:
    """A draft on every row of the unit's sheet that has none (a figure last quarter too)."""
    unit = Unit.objects.get(code=UNIT)
    indicators = Indicator.objects.filter(plan=plan, reporting_units=unit)
    for indicator in indicators:
        for quarter in (EARLIER, QUARTER):
            if not indicator.submissions.filter(unit=unit, period=period(plan, quarter)).exists():
                figure_save(
                    user=user,
                    unit=unit,
                    period=period(plan, quarter),
                    indicator=indicator,
                    data={"value": Decimal("1"), "note": "测试数据"},
                    expected_version=None,
                )
    for task in tasks_for_unit(unit=unit, plan=plan):
        if not task.reports.filter(unit=unit, period=period(plan, QUARTER)).exists():
            task_report_save(
                user=user,
                unit=unit,
                period=period(plan, QUARTER),
                task=task,
                data={"progress": "in_progress", "progress_text": "测试数据：推进"},
                expected_version=None,
            )


def _grow(plan) -> None:
    """The unit reports every goal-area figure typed as one value and answers for every task."""
    unit = Unit.objects.get(code=UNIT)
    for indicator in Indicator.objects.filter(plan=plan, area__isnull=False):
        if indicator.kind != Indicator.Kind.MILESTONE and not indicator.has_ratio:
            indicator.reporting_units.add(unit)
    for task in Task.objects.filter(plan=plan).exclude(responsibilities__unit=unit):
        TaskResponsibility.objects.create(task=task, unit=unit)


def _rows(client, url: str) -> int:
    return len(Page.parse(client.get(url).content.decode()).rows)


def _queries(client, method: str, url: str, data=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        if method == "GET":
            response = client.get(url)
        else:  # urlencoded, as a browser posts a form without a file
            response = client.post(url, urlencode(data), content_type="application/x-www-form-urlencoded")
    assert response.status_code == (200 if method == "GET" else 302), response.content[:2000]
    return len(captured)


def _save_one_figure(client, url: str) -> list[tuple[str, str]]:
    """The whole form as the page shows it, one figure typed over: what a browser posts to save it."""
    page = Page.parse(client.get(url).content.decode())
    key = next(k for k in page.rows if k.startswith("f") and page.value(f"{k}-value") is not None)
    return page.form_data(action="save", values={f"{key}-value": str(page.value(f"{key}-version")) + "7"})


def test_the_sheet_costs_the_same_queries_with_six_rows_and_with_many(client, plan, reporter):
    url = reverse("reports:sheet", args=[UNIT, QUARTER])
    client.force_login(reporter)
    _drafts(reporter, plan)
    few = _rows(client, url)  # also the session's first page, which stores the plan it opened on
    small = _queries(client, "GET", url)
    _grow(plan)
    _drafts(reporter, plan)
    many = _rows(client, url)
    large = _queries(client, "GET", url)
    assert (few, many) == (6, 47)
    assert small == large, (small, large)


def test_a_save_from_the_sheet_costs_the_same_queries_with_six_rows_and_with_many(client, plan, reporter):
    url = reverse("reports:sheet", args=[UNIT, QUARTER])
    client.force_login(reporter)
    _drafts(reporter, plan)
    small = _queries(client, "POST", url, _save_one_figure(client, url))
    _grow(plan)
    _drafts(reporter, plan)
    large = _queries(client, "POST", url, _save_one_figure(client, url))
    assert small == large, (small, large)
