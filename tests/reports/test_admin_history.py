"""No write to figures or task reports bypasses the services: 管理后台 shows them and their history read-only, its
"revert" form refuses a POST, and the integrity check notices a figure not approved whose stored value differs from
its last history row (a change made behind the application's back)."""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from reports.figures.integrity import figures_tampered
from reports.models import Status, Submission, TaskReport
from reports.workflow.drafts import figure_save, task_report_save
from reports.workflow.services import item_approve, item_submit
from tasks.selectors import tasks_for_unit

from .factories import indicator, period

pytestmark = pytest.mark.usefixtures("in_2024q1")


@pytest.fixture
def approved(plan, jingyang, office_user) -> Submission:
    figure = figure_save(
        user=jingyang, unit=jingyang.unit, period=period(plan, "2023Q4"), indicator=indicator(plan, "1.1"),
        data={"value": Decimal("41")}, expected_version=None,
    )  # fmt: skip
    item_submit(user=jingyang, item=figure)
    item_approve(user=office_user, item=figure)
    figure.refresh_from_db()
    return figure


def _revert_form(client, url: str, **changes) -> dict:
    """What the history page's form posts, as a browser would send it, with `changes` typed in."""
    form = client.get(url).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        data[name] = "" if value is None else getattr(value, "pk", value)
    return {**data, **changes}


def _revert_url(item) -> str:
    model = type(item)._meta.model_name
    version = item.history.order_by("history_id").first().history_id
    return reverse(f"admin:reports_{model}_simple_history", args=[item.pk, version])


def test_the_office_cannot_revert_an_approved_figure_from_its_history(client, office_user, approved):
    client.force_login(office_user)
    page = client.get(_revert_url(approved))
    assert page.status_code == 200  # the history still reads
    url = _revert_url(approved)
    response = client.post(url, _revert_form(client, url, value="999999", status="draft"))
    assert response.status_code == 403
    approved.refresh_from_db()
    assert approved.status == Status.APPROVED and approved.value == Decimal("41")
    assert figures_tampered() == []


def test_a_task_report_cannot_be_reverted_either(client, plan, jingyang, office_user):
    report = task_report_save(
        user=jingyang, unit=jingyang.unit, period=period(plan, "2023Q4"),
        task=tasks_for_unit(unit=jingyang.unit, plan=plan).first(),
        data={"progress": "in_progress", "progress_text": "推进中"}, expected_version=None,
    )  # fmt: skip
    client.force_login(office_user)
    url = _revert_url(report)
    response = client.post(url, _revert_form(client, url, progress="done", progress_text="改写"))
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.progress == "in_progress" and report.progress_text == "推进中"
    assert TaskReport.objects.count() == 1


def test_a_draft_changed_behind_the_applications_back_is_found(plan, jingyang):
    draft = figure_save(
        user=jingyang, unit=jingyang.unit, period=period(plan, "2023Q4"), indicator=indicator(plan, "1.1"),
        data={"value": Decimal("41")}, expected_version=None,
    )  # fmt: skip
    assert figures_tampered() == []
    Submission.objects.filter(pk=draft.pk).update(value=Decimal("999999"))  # no history row, no version
    assert [f.pk for f in figures_tampered()] == [draft.pk]
    with pytest.raises(CommandError, match="1项"):
        call_command("check_figures", stdout=io.StringIO())


def test_an_approval_set_behind_the_applications_back_is_found(plan, jingyang):
    draft = figure_save(
        user=jingyang, unit=jingyang.unit, period=period(plan, "2023Q4"), indicator=indicator(plan, "1.1"),
        data={"value": Decimal("41")}, expected_version=None,
    )  # fmt: skip
    Submission.objects.filter(pk=draft.pk).update(status=Status.SUBMITTED)
    assert [f.pk for f in figures_tampered()] == [draft.pk]


def test_with_the_second_factor_on_the_office_still_cannot_revert(client, settings, office_user, approved):
    """The same attack as the office signs in for real: password and authenticator code, outside demo mode."""
    from tests.units.test_second_factor import bound_device, sign_in_with_code

    settings.DEMO_MODE = False
    bound_device(office_user)
    sign_in_with_code(client, office_user)
    url = _revert_url(approved)
    assert client.get(url).status_code == 200
    response = client.post(url, _revert_form(client, url, value="999999", status="draft"))
    assert response.status_code == 403
    approved.refresh_from_db()
    assert approved.status == Status.APPROVED and approved.value == Decimal("41")
