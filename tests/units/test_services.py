import pytest
from django.core.exceptions import ValidationError

from units.models import Unit, User
from units.services import unit_upsert, user_create


def test_reporter_without_unit_is_refused_with_a_chinese_message(db):
    with pytest.raises(ValidationError) as error:
        user_create(username="nobody", password="x-Pass-2025", role=User.Role.REPORTER)
    assert "填报员和单位审核必须属于一个单位" in str(error.value)
    assert not User.objects.filter(username="nobody").exists()


def test_unit_upsert_updates_instead_of_duplicating(plan):
    count = Unit.objects.count()
    unit_upsert(code="kjj", name="市科技局", full_name="德阳市科技局", kind=Unit.Kind.CITY_DEPARTMENT)
    unit_upsert(code="kjj", name="市科技局", full_name="德阳市科学技术局", kind=Unit.Kind.CITY_DEPARTMENT)
    assert Unit.objects.get(code="kjj").full_name == "德阳市科学技术局"
    assert Unit.objects.count() == count


def test_office_may_edit_the_plan_in_admin_but_not_accounts(plan):
    office = user_create(
        username="o1", password="x-Pass-2025", role=User.Role.OFFICE, unit=Unit.objects.get(code="ldxzbgs")
    )
    assert office.is_staff
    assert office.has_perm("targets.change_indicator")
    assert office.has_perm("tasks.change_taskresponsibility")
    assert not office.has_perm("units.add_user")
    assert not office.has_perm("units.change_user")


def test_sysadmin_manages_accounts_but_not_the_plan(plan):
    admin = user_create(username="a1", password="x-Pass-2025", role=User.Role.SYSADMIN)
    assert admin.is_staff
    assert admin.has_perm("units.add_user")
    assert not admin.has_perm("targets.change_indicator")
    assert not admin.has_perm("tasks.change_task")


@pytest.mark.parametrize("role", [User.Role.REPORTER, User.Role.LEADER, User.Role.AUDITOR])
def test_roles_without_admin_work_get_no_admin_access(plan, role):
    unit = Unit.objects.get(code="kjj") if role == User.Role.REPORTER else None
    user = user_create(username=f"u-{role}", password="x-Pass-2025", role=role, unit=unit)
    assert not user.is_staff
    assert not user.get_all_permissions()
