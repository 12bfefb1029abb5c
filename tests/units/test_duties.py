"""三员分立 where the URL walk (tests/test_scoping.py) cannot see it: the services refuse the system administrator and
the auditor the office's workflow, the document selector gives them nothing, and production never creates the demo
accounts."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied

from reports.documents.selectors import documents_visible_to
from reports.models import Document, Status
from reports.workflow.drafts import figure_save
from reports.workflow.services import item_approve, item_reopen, item_return, item_submit
from targets.periods import portal_now
from units.models import User

from ..reports.factories import indicator, period

DUTIES = [User.Role.SYSADMIN, User.Role.AUDITOR]


@pytest.fixture
def submitted(plan, jingyang, in_2024q1):
    figure = figure_save(
        user=jingyang, unit=jingyang.unit, period=period(plan, "2023Q4"), indicator=indicator(plan, "1.1"),
        data={"value": 5}, expected_version=None,
    )  # fmt: skip
    item_submit(user=jingyang, item=figure)
    return figure


@pytest.mark.parametrize("role", DUTIES)
def test_the_sysadmin_and_the_auditor_cannot_approve_or_return_a_figure(submitted, make_user, role):
    user = make_user(f"d-{role}", role)
    with pytest.raises(PermissionDenied):
        item_approve(user=user, item=submitted)
    with pytest.raises(PermissionDenied):
        item_return(user=user, item=submitted, reason="不对")
    submitted.refresh_from_db()
    assert (submitted.status, submitted.reviewed_by) == (Status.SUBMITTED, None)


@pytest.mark.parametrize("role", DUTIES)
def test_the_sysadmin_and_the_auditor_cannot_reopen_an_approved_figure(
    submitted, make_user, office_user, role
):
    item_approve(user=office_user, item=submitted)
    with pytest.raises(PermissionDenied):
        item_reopen(user=make_user(f"d-{role}", role), item=submitted, reason="重新核对")
    submitted.refresh_from_db()
    assert submitted.status == Status.APPROVED


@pytest.mark.parametrize("role", DUTIES)
def test_the_sysadmin_and_the_auditor_are_given_no_bulletin(plan, make_user, office_user, jingyang, role):
    Document.objects.create(
        plan=plan, kind=Document.Kind.BULLETIN, state=Document.State.DONE, created_by=office_user,
        created_at=portal_now(), period=period(plan, "2023Q4"),
    )  # fmt: skip
    assert documents_visible_to(user=jingyang, plan=plan).count() == 1
    assert not documents_visible_to(user=make_user(f"d-{role}", role), plan=plan).exists()


@pytest.mark.parametrize(
    ("command", "message"), [("create_demo_users", "演示账号"), ("demo_data", "演示数据")]
)
def test_production_settings_never_create_the_demo_accounts_or_data(command, message, tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL"} and not k.startswith("DJANGO_")
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "ipcity.settings.production",
        "DJANGO_SECRET_KEY": "k" * 60,
        "DJANGO_ALLOWED_HOSTS": "ipcity.example.cn",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", command], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert result.returncode != 0
    assert f"{message}只能在演示模式（DEMO_MODE）下" in result.stderr
