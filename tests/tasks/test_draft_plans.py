"""A plan still in draft (识别稿 confirmed, not yet opened for reporting) is the office's working copy: only the
office opens its pages; to everyone else it does not exist (pen test, issue 14 item 11)."""

import pytest
from django.urls import reverse

from targets.models import WorkPlan
from units.models import User


@pytest.fixture
def draft_plan(plan) -> WorkPlan:
    WorkPlan.objects.filter(pk=plan.pk).update(status=WorkPlan.Status.DRAFT)
    plan.refresh_from_db()
    return plan


def urls(plan: WorkPlan) -> list[str]:
    return [reverse("tasks:plan_detail", args=[plan.pk]), reverse("tasks:plan_overview")]


@pytest.mark.parametrize("role", [User.Role.REPORTER, User.Role.UNIT_HEAD, User.Role.LEADER])
def test_only_the_office_opens_a_draft_plan(client, draft_plan, make_user, role):
    user = make_user(f"draft-{role}", role, "jingyang" if role in User.UNIT_ROLES else None)
    client.force_login(user)
    for url in urls(draft_plan):
        assert client.get(url).status_code == 404, url


def test_the_office_opens_its_draft_plan(client, draft_plan, office_user):
    client.force_login(office_user)
    for url in urls(draft_plan):
        assert client.get(url).status_code == 200, url


def test_everyone_opens_a_plan_open_for_reporting(client, plan, jingyang):
    client.force_login(jingyang)
    assert plan.status == WorkPlan.Status.ACTIVE
    for url in urls(plan):
        assert client.get(url).status_code == 200, url
