"""Approved figures carry an HMAC of their value and approval; a figure changed behind the application's back (in
the database directly) is found by the check command and the nightly job, and goes into the audit log."""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from reports.figures.integrity import figures_tampered
from reports.jobs import figures_check
from reports.models import Submission
from reports.workflow.drafts import figure_save
from reports.workflow.services import item_approve, item_reopen, item_submit
from units.models import AuditEvent, User

from .factories import indicator, period


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


def test_an_approved_figure_is_signed_and_checks_out(approved):
    assert len(approved.checksum) == 64
    assert figures_tampered() == []
    out = io.StringIO()
    call_command("check_figures", stdout=out)
    assert "全部一致" in out.getvalue()


def test_a_value_changed_in_the_database_is_found(approved):
    Submission.objects.filter(pk=approved.pk).update(value=Decimal("410"))  # behind the application's back
    assert [f.pk for f in figures_tampered()] == [approved.pk]
    with pytest.raises(CommandError, match="1项已审核数据的校验码不符"):
        call_command("check_figures", stdout=io.StringIO())
    assert figures_check() == 1
    event = AuditEvent.objects.get(action="integrity")
    assert event.result == "failure" and str(approved.pk) in event.detail


def test_a_changed_approver_or_approval_time_is_found_too(approved, make_user):
    other = make_user("office-2", User.Role.OFFICE, "ldxzbgs")
    Submission.objects.filter(pk=approved.pk).update(reviewed_by=other)
    assert [f.pk for f in figures_tampered()] == [approved.pk]


def test_a_reopened_figure_is_no_longer_vouched_for(approved, office_user):
    item_reopen(user=office_user, item=approved, reason="核对")
    approved.refresh_from_db()
    assert approved.checksum == "" and figures_tampered() == []


def test_after_a_key_rotation_figures_are_re_signed(approved, settings):
    settings.FIGURE_CHECKSUM_KEY = "a-new-key-from-the-environment"
    assert [f.pk for f in figures_tampered()] == [approved.pk]
    call_command("sign_figures", stdout=io.StringIO())
    assert figures_tampered() == []
