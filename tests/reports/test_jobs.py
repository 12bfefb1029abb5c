import pytest
from django.conf import settings
from django.core import mail

from reports.jobs import plan_check, plan_check_all
from tasks.selectors import plan_problems
from units.models import User

needs_worker = pytest.mark.skipif(
    not settings.REDIS_URL,
    reason="needs REDIS_URL and a running worker: .ci/run's PostgreSQL + Redis pass provides both",
)


@pytest.mark.skipif(
    bool(settings.REDIS_URL), reason="eager-mode test; the worker pass runs the real-worker one"
)
def test_plan_check_mails_the_office_what_is_missing(plan, office_user):
    office_user.email = "office@example.cn"
    office_user.save(update_fields=["email"])
    problems = plan_check.delay(plan.pk).get()
    assert problems == plan_problems(plan=plan)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["office@example.cn"]
    assert "需填写基线值" in mail.outbox[0].body


@pytest.mark.skipif(
    bool(settings.REDIS_URL), reason="eager-mode test; the worker pass runs the real-worker one"
)
def test_plan_check_sends_nothing_when_no_office_user_has_an_address(plan, make_user):
    make_user("reporter-with-mail", User.Role.REPORTER, "kjj")
    plan_check.delay(plan.pk).get()
    assert mail.outbox == []


@pytest.mark.skipif(
    bool(settings.REDIS_URL), reason="eager-mode test; the worker pass runs the real-worker one"
)
def test_nightly_check_covers_every_active_plan(plan):
    assert plan_check_all.delay().get() == 1


@needs_worker
@pytest.mark.worker
def test_plan_check_runs_on_a_real_worker(transactional_db, plan):
    result = plan_check.delay(plan.pk)
    assert result.get(timeout=60) == plan_problems(plan=plan)
