"""Fixtures for the API's tests: a client that presents a user's token, 旌阳区's items to read and write, and the
throttle's counts emptied before each test (they live in the cache, and a rolled-back test's user id comes back in
the next)."""

from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.test import Client

from api.models import ApiToken
from api.selectors import api_token_hash
from api.services import TOKEN_LIFETIME, api_token_create
from reports.workflow.drafts import figure_save, task_report_save
from tasks.selectors import tasks_for_unit
from tests.reports.factories import indicator, period
from units.clock import portal_now


@pytest.fixture(autouse=True)
def throttle_counts_cleared():
    cache.clear()
    yield
    cache.clear()


def token_for(user, key: str | None = None) -> str:
    """A token of `user` stored as the service stores one, for a user the service would refuse one (the 三员 roles:
    a token made while the account had another role)."""
    key = key or f"测试数据-{user.username}".encode().hex()
    now = portal_now()
    ApiToken.objects.create(
        user=user,
        name="测试数据",
        prefix=key[:8],
        key_hash=api_token_hash(key),
        created_at=now,
        expires_at=now + TOKEN_LIFETIME,
    )
    return key


@pytest.fixture
def token_client():
    """token_client(user): a test client whose every request carries `Authorization: Token <a new token of user>`."""

    def make(user) -> Client:
        _token, key = api_token_create(user=user, name="测试数据：督查督办系统")
        return Client(HTTP_AUTHORIZATION=f"Token {key}")

    return make


@pytest.fixture
def world(plan, jingyang):
    """旌阳区's draft figure of indicator 1.1 (5 户) and draft report on the first task it answers for, in 2023Q4."""
    quarter = period(plan, "2023Q4")
    figure = figure_save(
        user=jingyang,
        unit=jingyang.unit,
        period=quarter,
        indicator=indicator(plan, "1.1"),
        data={"value": 5},
        expected_version=None,
    )
    task = tasks_for_unit(unit=jingyang.unit, plan=plan).order_by("pk").first()
    report = task_report_save(
        user=jingyang,
        unit=jingyang.unit,
        period=quarter,
        task=task,
        data={"progress": "in_progress", "progress_text": "测试数据：已启动"},
        expected_version=None,
    )
    return SimpleNamespace(plan=plan, quarter=quarter, figure=figure, report=report, task=task)
