"""Reporters of the units whose indicators the reports tests single out, and the demo data (演示数据) for tests that
read a whole plan's worth of reporting: bulletin, evaluation."""

import pytest
from django.db import transaction
from django.test import override_settings

from reports.demo.services import demo_data_generate
from reports.figures.rollup import rollup_rebuild_plan
from targets.models import WorkPlan
from tests.units.factories import UserFactory
from units.models import User


@pytest.fixture
def court(plan) -> User:
    """A reporter of 市中级法院, which reports 3.1, a rate computed from a numerator and a denominator."""
    return UserFactory(role=User.Role.REPORTER, unit_code="zyfy")


@pytest.fixture
def scjgj(plan) -> User:
    """A reporter of 市市场监管局, which reports 3.5 (a rate typed as one figure) and 4.1 (a milestone)."""
    return UserFactory(role=User.Role.REPORTER, unit_code="scjgj")


@pytest.fixture(scope="module")
def demo_plan(django_db_setup, django_db_blocker, tmp_path_factory):
    """The Deyang plan with the demo data and its rollups, generated once per module and rolled back after its last
    test. Rollups are queued on commit in the portal; this transaction never commits, so they are built here."""
    with django_db_blocker.unblock(), transaction.atomic():
        plan = WorkPlan.objects.get()
        media = tmp_path_factory.mktemp("media")
        with override_settings(DEMO_MODE=True, MEDIA_ROOT=media, PORTAL_TODAY="2025-07-15"):
            demo_data_generate(plan=plan)
        rollup_rebuild_plan(plan=plan)
        yield plan
        transaction.set_rollback(True)
