"""三员分立 held: no one gains a role or a privilege by acting alone, and the system administrator never signs in as
someone else.

- Giving or taking the office, auditor or system administrator role (a new account with such a role, or an inactive
  one made active, included) and resetting such an account's authenticator are requests (PrivilegeRequest): the
  system administrator asks, the security auditor approves or refuses, and only an approval changes anything.
  Other roles (reporters, unit reviewers, leaders) are set at once.
- A password an administrator sets is a one-time password: the account must choose its own at its next sign-in
  (units.middleware.PasswordExpiryMiddleware), and it is never shown again.
- The superuser and staff flags, Django's permissions and groups follow the role (ROLE_ADMIN_PERMISSIONS) and are
  not editable in the portal.
Every step is audited.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from .audit import audit
from .clock import portal_now
from .models import PrivilegeRequest, Unit, User
from .second_factor import SECOND_FACTOR_ROLES, second_factor_reset
from .services import ROLE_ADMIN_PERMISSIONS, role_permissions

# The roles whose giving or taking needs a second person: they read everything, manage accounts, or read the log.
PRIVILEGED_ROLES = SECOND_FACTOR_ROLES


def _check_administrator(user: User) -> None:
    if user.role != User.Role.SYSADMIN:
        raise PermissionDenied(_("只有系统管理员可以申请变更角色或重置验证器"))


def _needs_approval(*roles: str) -> bool:
    return any(role in PRIVILEGED_ROLES for role in roles)


@transaction.atomic
def user_role_set(*, user: User, role: str, unit: Unit | None) -> User:
    """Give the account the role (and unit) and what follows from it: admin access and permissions, the superuser
    flag never. Audited by units.signals as a role change. The caller has checked who may."""
    user = User.objects.select_for_update().get(pk=user.pk)
    user.role, user.unit = role, unit
    user.is_staff, user.is_superuser = role in ROLE_ADMIN_PERMISSIONS, False
    user.full_clean(exclude=["password"])
    user.save(update_fields=["role", "unit", "is_staff", "is_superuser"])
    user._privileges_set_by_role = True  # the permissions follow the role: recorded as the role change
    user.user_permissions.set(role_permissions(role))
    del user._privileges_set_by_role
    return user


@transaction.atomic
def role_change_request(
    *, by: User, user: User, role: str, unit: Unit | None = None, reason: str = ""
) -> PrivilegeRequest | None:
    """The system administrator changes an account's role. A role outside PRIVILEGED_ROLES, from one outside them,
    is set at once (returns None); otherwise a request waits for the auditor (returned). Raises PermissionDenied for
    anyone but the system administrator, ValidationError for an account that already has a request waiting."""
    _check_administrator(by)
    if role not in User.Role.values:
        raise ValidationError(_("未知的角色"))
    if not _needs_approval(user.role, role):
        user_role_set(user=user, role=role, unit=unit)
        return None
    return _request(by=by, user=user, kind=PrivilegeRequest.Kind.ROLE, role=role, unit=unit, reason=reason)


@transaction.atomic
def activation_request(*, by: User, user: User, reason: str = "") -> PrivilegeRequest | None:
    """The system administrator makes an inactive account active again: at once for a role outside
    PRIVILEGED_ROLES (returns None), else through the auditor's approval (returns the request)."""
    _check_administrator(by)
    if not _needs_approval(user.role):
        User.objects.filter(pk=user.pk).update(is_active=True)
        audit(action="account_activate", user=by, obj=user, detail=_("启用账号"))
        return None
    return _request(
        by=by, user=user, kind=PrivilegeRequest.Kind.ROLE, role=user.role, unit=user.unit, reason=reason
    )


@transaction.atomic
def account_deactivate(*, by: User, user: User) -> None:
    """The system administrator stops an account (taking privileges away needs no second person). Audited."""
    _check_administrator(by)
    User.objects.filter(pk=user.pk).update(is_active=False)
    audit(action="account_deactivate", user=by, obj=user, detail=_("停用账号"))


@transaction.atomic
def second_factor_reset_request(*, by: User, user: User, reason: str = "") -> PrivilegeRequest | None:
    """The system administrator resets an account's authenticator (a lost phone): at once for an account that gives
    none (returns None), through the auditor's approval for one that must (returns the request)."""
    _check_administrator(by)
    if not _needs_approval(user.role):
        second_factor_reset(user=user, by=by)
        return None
    return _request(by=by, user=user, kind=PrivilegeRequest.Kind.SECOND_FACTOR, reason=reason)


def _request(
    *, by: User, user: User, kind: str, role: str = "", unit=None, reason: str = ""
) -> PrivilegeRequest:
    if PrivilegeRequest.objects.filter(user=user, kind=kind, state=PrivilegeRequest.State.PENDING).exists():
        raise ValidationError(_("%(user)s已有一份待批准的申请，请等待安全审计员处理") % {"user": user})
    request = PrivilegeRequest.objects.create(
        kind=kind,
        user=user,
        role=role,
        unit=unit,
        reason=(reason or "").strip(),
        requested_by=by,
        requested_at=portal_now(),
    )
    audit(action="privilege_request", user=by, obj=user, detail=str(request))
    return request


@transaction.atomic
def privilege_request_decide(*, by: User, request: PrivilegeRequest, approve: bool, note: str = "") -> bool:
    """The security auditor approves (it takes effect now) or refuses a request. Nobody decides a request they made
    or one about their own account. Returns False when it was decided already (a double click). Raises
    PermissionDenied for anyone else, ValidationError for a refusal without a reason."""
    if by.role != User.Role.AUDITOR:
        raise PermissionDenied(_("只有安全审计员可以批准权限变更"))
    request = (
        PrivilegeRequest.objects.select_for_update(of=("self",))
        .select_related("user", "unit")
        .get(pk=request.pk)
    )
    if by.pk in (request.requested_by_id, request.user_id):
        raise PermissionDenied(_("不能批准自己提出的或关于自己账号的申请"))
    if request.state != PrivilegeRequest.State.PENDING:
        return False
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationError(_("不批准时请写明理由"))
    request.state = PrivilegeRequest.State.APPROVED if approve else PrivilegeRequest.State.REFUSED
    request.decided_by, request.decided_at, request.note = by, portal_now(), note
    request.save(update_fields=["state", "decided_by", "decided_at", "note"])
    audit(
        action="privilege_approve" if approve else "privilege_refuse",
        user=by,
        obj=request.user,
        detail=f"{request}" + (f"：{note}" if note else ""),
    )
    if approve and request.kind == PrivilegeRequest.Kind.ROLE:
        user = user_role_set(user=request.user, role=request.role, unit=request.unit)
        User.objects.filter(pk=user.pk).update(is_active=True)
    elif approve:
        second_factor_reset(user=request.user, by=request.requested_by)
    return True


@transaction.atomic
def password_set_by_administrator(*, by: User, user: User) -> None:
    """After an administrator set an account's password (管理后台 › 修改密码): it is a one-time password, which the
    account must replace at its next sign-in. Audited (never the password)."""
    User.objects.filter(pk=user.pk).update(must_change_password=True)
    audit(action="admin_password_set", user=by, obj=user, detail=_("管理员设置一次性密码，下次登录须修改"))


def password_changed_by_owner(*, user: User) -> None:
    """The account chose its own password: a one-time password set by an administrator is used up."""
    if user.must_change_password:
        User.objects.filter(pk=user.pk).update(must_change_password=False)
        user.must_change_password = False


def privilege_requests_visible_to(*, user: User) -> QuerySet[PrivilegeRequest]:
    """The auditor (who decides) and the system administrator (who asks) see every request; nobody else any."""
    requests = PrivilegeRequest.objects.select_related("user", "unit", "requested_by", "decided_by")
    if user.is_authenticated and user.role in (User.Role.AUDITOR, User.Role.SYSADMIN):
        return requests
    return requests.none()
