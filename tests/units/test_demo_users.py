import io

import pytest
from django.core.management import CommandError, call_command

from units.models import Unit, User

REQUIRED = {"office", "leader", "sysadmin", "auditor", "kjj", "scjgj", "zyfy", "jingyang", "guanghan"}


def test_demo_accounts_exist_for_every_role_and_unit(plan):
    call_command("create_demo_users", stdout=io.StringIO())
    usernames = set(User.objects.values_list("username", flat=True))
    assert usernames >= REQUIRED
    for unit in Unit.objects.exclude(kind=Unit.Kind.OFFICE):
        assert User.objects.filter(unit=unit, role=User.Role.REPORTER).exists(), unit.name
    assert User.objects.get(username="guanghan").unit.name == "广汉市人民政府"
    assert User.objects.get(username="office").role == User.Role.OFFICE
    assert User.objects.get(username="kjj").check_password("Demo@2025")


def test_demo_accounts_command_is_idempotent(plan):
    call_command("create_demo_users", stdout=io.StringIO())
    count = User.objects.count()
    call_command("create_demo_users", stdout=io.StringIO())
    assert User.objects.count() == count


def test_demo_accounts_are_refused_outside_demo_mode(plan, settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="演示模式"):
        call_command("create_demo_users", stdout=io.StringIO())
    assert not User.objects.exists()
