import pytest

from units.models import Unit, User
from units.selectors import unit_by_name, units_visible_to


def test_reporter_sees_only_its_own_unit(make_user):
    user = make_user("r1", User.Role.REPORTER, "guanghan")
    assert list(units_visible_to(user=user)) == [Unit.objects.get(code="guanghan")]


@pytest.mark.parametrize("role", [User.Role.OFFICE, User.Role.LEADER])
def test_office_and_leaders_see_every_unit(make_user, role):
    user = make_user(f"u-{role}", role, "ldxzbgs" if role == User.Role.OFFICE else None)
    assert units_visible_to(user=user).count() == Unit.objects.count()


@pytest.mark.parametrize("role", [User.Role.SYSADMIN, User.Role.AUDITOR])
def test_sysadmin_and_auditor_see_no_unit_work(make_user, role):
    """Separation of duties: accounts and audit, not the figures."""
    assert not units_visible_to(user=make_user(f"u-{role}", role)).exists()


def test_units_are_found_by_short_name_full_name_or_alias(plan):
    scjgj = Unit.objects.get(code="scjgj")
    assert unit_by_name(name="市市场监管局") == scjgj
    assert unit_by_name(name="德阳市市场监督管理局") == scjgj
    assert unit_by_name(name="市市场监督管理局") == scjgj
    assert unit_by_name(name="市不存在局") is None
