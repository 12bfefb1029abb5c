"""Create the demo accounts (demo mode only): office, leader, sysadmin, auditor, and a reporter per unit."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from units.models import Unit, User
from units.services import user_create

DEMO_PASSWORD = "Demo@2025"  # noqa: S105 - demo mode only, refused in production settings

DEMO_STAFF = [
    ("office", User.Role.OFFICE, "ldxzbgs", "领导小组办公室（演示）"),
    ("leader", User.Role.LEADER, None, "市领导（演示）"),
    ("sysadmin", User.Role.SYSADMIN, None, "系统管理员（演示）"),
    ("auditor", User.Role.AUDITOR, None, "安全审计员（演示）"),
]


class Command(BaseCommand):
    help = "创建演示账号（仅演示模式）。密码均为 Demo@2025；已存在的账号不变。"

    def handle(self, *args, **options) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("演示账号只能在演示模式（DEMO_MODE）下创建")
        units = {unit.code: unit for unit in Unit.objects.all()}
        wanted = [(u, role, units.get(code) if code else None, name) for u, role, code, name in DEMO_STAFF]
        wanted += [
            (code, User.Role.REPORTER, unit, f"{unit.name}填报员（演示）")
            for code, unit in units.items()
            if unit.kind != Unit.Kind.OFFICE
        ]
        existing = set(User.objects.values_list("username", flat=True))
        created = 0
        for username, role, unit, name in wanted:
            if username in existing:
                continue
            user_create(username=username, password=DEMO_PASSWORD, role=role, unit=unit, first_name=name)
            created += 1
        self.stdout.write(f"演示账号：新建{created}个，共{len(wanted)}个，密码 {DEMO_PASSWORD}")
