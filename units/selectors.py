"""Reads for units and groups, and the one place that decides which units a user may see."""

from django.db.models import Q, QuerySet

from .models import Unit, UnitGroup, User

# Roles that see every unit's obligations and figures.
ALL_UNITS_ROLES = (User.Role.OFFICE, User.Role.LEADER)

# 三员分立: the system administrator and the security auditor do no plan work, so they open only these pages (by
# view name; "admin:*" is the whole admin site, where the administrator's permissions stop at accounts and units).
# Anything else, including pages added later, is refused to them.
SIGNED_IN_PAGES = frozenset(
    {
        "reports:home",
        "login",
        "logout",
        "units:password_change",
        "set_language",
        "units:second_factor_setup",
        "units:second_factor_verify",
        "public:help",  # the 使用说明, one for each role
    }
)
DUTY_PAGES = {
    User.Role.SYSADMIN: frozenset({"units:account_list", "units:privilege_requests", "admin:*"}),
    User.Role.AUDITOR: frozenset({"reports:audit_log", "units:privilege_requests", "units:privilege_decide"}),
}


def units_visible_to(*, user: User) -> QuerySet[Unit]:
    """The units whose plan work this user may see: all for office and leaders, its own for unit staff, none else."""
    if not user.is_authenticated:
        return Unit.objects.none()
    if user.role in ALL_UNITS_ROLES:
        return Unit.objects.all()
    if user.role == User.Role.UNIT_HEAD and user.unit_id:  # and the sub-units whose figures it reviews
        return Unit.objects.filter(Q(pk=user.unit_id) | Q(parent_id=user.unit_id))
    if user.role in User.UNIT_ROLES and user.unit_id:
        return Unit.objects.filter(pk=user.unit_id)
    return Unit.objects.none()


def user_sees_all_units(*, user: User) -> bool:
    return user.is_authenticated and user.role in ALL_UNITS_ROLES


def user_does_plan_work(*, user: User) -> bool:
    """Whether the user reads the plan's work at all: unit staff, the office and leaders, not the 三员 roles."""
    return user.is_authenticated and user.role in (*User.UNIT_ROLES, *ALL_UNITS_ROLES)


def user_may_open(*, user: User, view_name: str) -> bool:
    """Whether the page named `view_name` ("units:account_list", "admin:index") is open to this user's role: every
    page for plan roles (each view then scopes its data), only their own few for the system administrator and
    auditor."""
    pages = DUTY_PAGES.get(user.role)
    if pages is None:
        return True
    namespace = view_name.partition(":")[0]
    return view_name in pages or f"{namespace}:*" in pages or view_name in SIGNED_IN_PAGES


def unit_by_name(*, name: str) -> Unit | None:
    """The unit the plan means by this name: its short name, full name or one of its aliases."""
    unit = Unit.objects.filter(name=name).first() or Unit.objects.filter(full_name=name).first()
    if unit:
        return unit
    # Aliases are a short JSON list; the unit table is small (tens of rows), so match in Python.
    return next((u for u in Unit.objects.all() if name in u.aliases), None)


def group_by_name(*, name: str) -> UnitGroup | None:
    return UnitGroup.objects.filter(name=name).first()


def unit_registry_data() -> dict:
    """The portal's units and groups in the form the plan parser matches names against (plan_import's form)."""
    return {
        "units": [
            {"code": u.code, "name": u.name, "full_name": u.full_name, "kind": u.kind, "aliases": u.aliases}
            for u in Unit.objects.all()
        ],
        "groups": [
            {"name": g.name, "members": [m.name for m in g.members.all()], "note": g.note}
            for g in UnitGroup.objects.prefetch_related("members")
        ],
    }


def user_can_report_for(*, user: User, unit: Unit) -> bool:
    """Unit staff report for their own unit; the office may enter for any unit. Nobody else writes figures."""
    if not user.is_authenticated:
        return False
    if user.role == User.Role.OFFICE:
        return True
    return user.role in User.UNIT_ROLES and user.unit_id == unit.pk


def user_can_review(*, user: User) -> bool:
    return user.is_authenticated and user.role == User.Role.OFFICE


def user_can_unit_review(*, user: User, unit: Unit) -> bool:
    """单位审核: a unit head checks what its unit (and its sub-units) submit, where that review is on, before the
    office sees it."""
    return (
        user.is_authenticated
        and user.role == User.Role.UNIT_HEAD
        and user.unit_id is not None
        and unit.reviewing_unit_id == user.unit_id
    )


def user_enters_for(*, user: User, unit: Unit) -> bool:
    """代填: the office writing a unit's figures for it (allowed, with a reason, by user_can_report_for)."""
    return user.is_authenticated and user.role == User.Role.OFFICE and user.unit_id != unit.pk


def office_emails() -> list[str]:
    """The addresses of the active office users who have one: where the office's e-mails go."""
    return list(
        User.objects.filter(role=User.Role.OFFICE, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
