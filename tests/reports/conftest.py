"""Reporters of the units whose indicators the reports tests single out. The demo data (演示数据), for tests that read
a whole plan's worth of reporting, is the package tests/reports/demo/'s, generated once for all its tests."""

import pytest

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
