import pytest
from django.core import mail

from reports.jobs import plan_check, plan_check_all
from tasks.selectors import plan_readiness
from tests.markers import eager_only, needs_worker
from units.models import User


@eager_only
def test_plan_check_mails_the_office_what_is_missing(plan, office_user):
    office_user.email = "office@example.cn"
    office_user.save(update_fields=["email"])
    problems = plan_check.delay(plan.pk).get()
    assert problems == plan_readiness(plan=plan).problems
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["office@example.cn"]
    assert "需填写基线值" in mail.outbox[0].body


@eager_only
def test_plan_check_sends_nothing_when_no_office_user_has_an_address(plan, make_user):
    make_user("reporter-with-mail", User.Role.REPORTER, "kjj")
    plan_check.delay(plan.pk).get()
    assert mail.outbox == []


@eager_only
def test_nightly_check_covers_every_active_plan(plan):
    assert plan_check_all.delay().get() == 1


@needs_worker
@pytest.mark.worker
def test_plan_check_runs_on_a_real_worker(transactional_db, plan):
    result = plan_check.delay(plan.pk)
    assert result.get(timeout=60) == plan_readiness(plan=plan).problems
