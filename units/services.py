"""Writes for units, groups and users."""

from collections.abc import Iterable

from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import Q

from .models import Unit, UnitGroup, User

# What each role may do in the admin screens. Separation of duties: the system administrator manages
# accounts and units but not the plan or figures; the office manages the plan; everyone else has no admin.
ROLE_ADMIN_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    User.Role.OFFICE: {
        "targets": ("view", "add", "change", "delete"),
        "tasks": ("view", "add", "change", "delete"),
        "reports": ("view",),
        "units.unit": ("view",),
        "units.unitgroup": ("view", "change"),
    },
    User.Role.SYSADMIN: {
        "units.user": ("view", "add", "change"),
        "units.unit": ("view", "add", "change"),
        "units.unitgroup": ("view", "add", "change"),
    },
}


def role_permissions(role: str) -> list[Permission]:
    """The Django permissions (for 管理后台) a role has: ROLE_ADMIN_PERMISSIONS."""
    query = Q(pk__in=[])
    for target, actions in ROLE_ADMIN_PERMISSIONS.get(role, {}).items():
        app_label, _, model = target.partition(".")
        scope = Q(content_type__app_label=app_label)
        if model:
            scope &= Q(content_type__model=model)
        alternatives = "|".join(actions)
        query |= scope & Q(codename__regex=rf"^({alternatives})_")
    return list(Permission.objects.filter(query))


@transaction.atomic
def unit_upsert(
    *,
    code: str,
    name: str,
    full_name: str,
    kind: str,
    aliases: Iterable[str] = (),
    position: int = 0,
    needs_review: bool = False,
) -> Unit:
    """Create the unit with this code, or bring its names and kind up to date. `needs_review` marks a unit read
    from a plan's text that the office has yet to confirm. Raises ValidationError on bad data."""
    unit = Unit.objects.filter(code=code).first() or Unit(code=code)
    unit.name, unit.full_name, unit.kind = name, full_name, kind
    unit.aliases, unit.position, unit.needs_review = list(aliases), position, needs_review
    unit.full_clean()
    unit.save()
    return unit


@transaction.atomic
def group_upsert(*, name: str, members: Iterable[Unit], note: str = "", position: int = 0) -> UnitGroup:
    """Create the group with this name, or update its members and note."""
    group = UnitGroup.objects.filter(name=name).first() or UnitGroup(name=name)
    group.note, group.position = note, position
    group.full_clean()
    group.save()
    group.members.set(members)
    return group


@transaction.atomic
def user_create(
    *, username: str, password: str, role: str, unit: Unit | None = None, first_name: str = ""
) -> User:
    """Create a user with a role; unit roles need a unit. Admin access follows the role. Raises ValidationError."""
    user = User(username=username, role=role, unit=unit, first_name=first_name)
    user.is_staff = role in ROLE_ADMIN_PERMISSIONS
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    user._privileges_set_by_role = True  # recorded as part of account_create (units.signals)
    user.user_permissions.set(role_permissions(role))
    del user._privileges_set_by_role
    return user
