"""The load script's browser (tests/ops/harness.Page) posts the sheet back as a browser does: against the real sheet
template, so a change to the sheet that the load client would misread fails here, in `make test`, not only in the
PostgreSQL load run."""

from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from reports.models import Status, Submission, TaskReport
from reports.workflow.drafts import figure_save, task_report_save
from targets.models import Period
from tests.conftest import PASSWORD
from tests.reports.factories import indicator, task
from units.models import Unit, User

from .harness import Page, counts_in
from .load import STALE, STALE_SAVE, STALE_SUBMIT

FORM = "application/x-www-form-urlencoded"


@pytest.fixture(autouse=True)
def in_2024q1(settings):
    settings.PORTAL_TODAY = "2024-01-05"


@pytest.fixture
def reporter(make_user, client):
    user = make_user("jy-ops", User.Role.REPORTER, "jingyang")
    assert client.login(username=user.username, password=PASSWORD)
    return user


def _sheet(client) -> tuple[str, Page]:
    url = reverse("reports:sheet", args=["jingyang", "2023Q4"])
    return url, Page.parse(client.get(url).content.decode())


def _post(client, url: str, data: list[tuple[str, str]]):
    return client.post(url, urlencode(data), content_type=FORM)


def test_posting_the_sheet_back_unchanged_saves_nothing(client, plan, reporter):
    period = Period.objects.get(plan=plan, year=2023, quarter=4)
    unit = Unit.objects.get(code="jingyang")
    figure = figure_save(
        user=reporter,
        unit=unit,
        period=period,
        indicator=indicator(plan, "1.1"),
        data={"value": Decimal("61"), "note": "一行说明"},
        expected_version=None,
    )
    report = task_report_save(
        user=reporter,
        unit=unit,
        period=period,
        task=task(plan, "二(一)2"),
        data={"progress": "in_progress", "progress_text": "按计划推进"},
        expected_version=None,
    )
    url, page = _sheet(client)
    assert page.csrf and page.rows[f"f{figure.indicator_id}"].status == Status.DRAFT
    response = _post(client, url, page.form_data(action="save"))
    assert response.status_code == 302 and "saved=1" in response.url
    shown = Page.parse(client.get(response.url).content.decode())
    assert counts_in(" ".join(shown.messages), "保存") == 0
    assert Submission.objects.get(pk=figure.pk).version == figure.version
    assert TaskReport.objects.get(pk=report.pk).version == report.version


def test_a_typed_value_is_saved_a_ticked_row_submitted_and_a_stale_row_refused(client, plan, reporter):
    key = f"f{indicator(plan, '1.1').pk}"
    url, page = _sheet(client)
    data = page.form_data(action="save", values={f"{key}-value": "3", f"{key}-note": "负载测试"})
    shown = Page.parse(client.get(_post(client, url, data).url).content.decode())
    assert counts_in(" ".join(shown.messages), "保存") == 1
    assert shown.rows[key].status == Status.DRAFT and shown.value(f"{key}-version") == "1"

    response = _post(
        client, url, shown.form_data(action="submit_selected", ticked=frozenset({f"{key}-submit"}))
    )
    submitted = Page.parse(client.get(response.url).content.decode())
    assert counts_in(" ".join(submitted.messages), "提交") == 1
    assert submitted.rows[key].status == Status.SUBMITTED
    assert submitted.value(f"{key}-value") is None  # locked: the load client no longer picks it

    # A colleague saves 1.2 after this page was loaded: typing over it is refused with the portal's message.
    figure_save(
        user=reporter,
        unit=Unit.objects.get(code="jingyang"),
        period=Period.objects.get(plan=plan, year=2023, quarter=4),
        indicator=indicator(plan, "1.2"),
        data={"value": Decimal("9")},
        expected_version=None,
    )
    other = f"f{indicator(plan, '1.2').pk}"
    answered = _post(client, url, submitted.form_data(action="save", values={f"{other}-value": "5"}))
    assert answered.status_code == 200
    refused = Page.parse(answered.content.decode())
    assert any(STALE_SAVE in error for error in refused.rows[other].errors)
    assert not refused.rows[key].errors


def test_a_submission_of_a_row_a_colleague_changed_meanwhile_is_refused_with_a_stale_message(
    client, plan, reporter
):
    """The load run's race: a colleague saves the figure between this page and the tick-and-submit post."""
    key = f"f{indicator(plan, '1.1').pk}"
    url, page = _sheet(client)
    data = page.form_data(action="save", values={f"{key}-value": "3", f"{key}-note": "负载测试"})
    shown = Page.parse(client.get(_post(client, url, data).url).content.decode())
    figure_save(
        user=reporter,
        unit=Unit.objects.get(code="jingyang"),
        period=Period.objects.get(plan=plan, year=2023, quarter=4),
        indicator=indicator(plan, "1.1"),
        data={"value": Decimal("4"), "note": "同事修改"},
        expected_version=1,
    )
    answered = _post(
        client, url, shown.form_data(action="submit_selected", ticked=frozenset({f"{key}-submit"}))
    )
    refused = Page.parse(answered.content.decode())
    errors = refused.rows[key].errors
    assert any(STALE_SUBMIT in error for error in errors)
    assert any(marker in error for error in errors for marker in STALE)  # what the load run counts
    assert (
        Submission.objects.get(indicator=indicator(plan, "1.1"), unit__code="jingyang").status == Status.DRAFT
    )
