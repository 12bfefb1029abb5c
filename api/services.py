"""Writes of the API's own data: access tokens created, revoked and used. Each creation and revocation is audited, and
so is every request refused for its token (as a failed sign-in: a token is a password for a program)."""

import datetime
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from units.audit import audit
from units.clock import portal_now
from units.models import AuditEvent, User
from units.selectors import user_does_plan_work

from .models import ApiToken
from .selectors import TokenCheck, api_token_active_count, api_token_hash

TOKEN_LIFETIME = datetime.timedelta(days=365)
TOKEN_NAME_MAX = 100
ACTIVE_TOKENS_MAX = 10
PREFIX_LENGTH = 8
# last_used_at is written at most this often: not one UPDATE per request of a program reading page after page.
USE_PRECISION = datetime.timedelta(minutes=5)

# The audit log's actions for tokens (units.audit.ACTIONS names them for the auditor's page).
AUDIT_CREATE = "api_token_create"
AUDIT_REVOKE = "api_token_revoke"


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`, valid for TOKEN_LIFETIME: returns it and its key, the only time the key is known.
    Raises PermissionDenied for the 三员 roles (the API serves plan work only), ValidationError without a name or
    past ACTIVE_TOKENS_MAX tokens in use."""
    if not user_does_plan_work(user=user):
        raise PermissionDenied(
            _("%(role)s不处理工作方案和填报数据（三员分立），不能创建接口令牌")
            % {"role": user.get_role_display()}
        )
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("请写明令牌的用途，如：督查督办系统")]})
    if len(name) > TOKEN_NAME_MAX:
        raise ValidationError({"name": [_("用途请不超过%(n)d字") % {"n": TOKEN_NAME_MAX}]})
    User.objects.select_for_update().filter(pk=user.pk).first()  # two creations at once count each other
    if api_token_active_count(user=user) >= ACTIVE_TOKENS_MAX:
        raise ValidationError(
            _("您已有%(n)d个有效的接口令牌，请先撤销不再使用的令牌") % {"n": ACTIVE_TOKENS_MAX}
        )
    key = secrets.token_urlsafe(32)
    now = portal_now()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=key[:PREFIX_LENGTH],
        key_hash=api_token_hash(key),
        created_at=now,
        expires_at=now + TOKEN_LIFETIME,
    )
    audit(action=AUDIT_CREATE, user=user, obj=token, detail=f"创建接口令牌“{name}”（{token.prefix}…）")
    return token, key


@transaction.atomic
def api_token_revoke(*, user: User, token: ApiToken) -> bool:
    """Revoke one of the user's own tokens: refused from the next request on. Returns False when it was already
    revoked; raises PermissionDenied for another user's token."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.user_id != user.pk:
        raise PermissionDenied(_("只能撤销自己的接口令牌"))
    if token.revoked_at is not None:
        return False
    token.revoked_at = portal_now()
    token.save(update_fields=["revoked_at"])
    audit(action=AUDIT_REVOKE, user=user, obj=token, detail=f"撤销接口令牌“{token.name}”（{token.prefix}…）")
    return True


def api_token_used(*, token: ApiToken) -> None:
    """Note that the token was used now (to the USE_PRECISION): its owner sees which tokens are still in use."""
    now = portal_now()
    if token.last_used_at is None or now - token.last_used_at >= USE_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def api_token_refused(*, check: TokenCheck, key: str) -> None:
    """A request refused for its token, in the audit log as a failed sign-in: of the token's owner when the token
    exists (revoked, expired, account inactive), else of nobody, with the first characters presented."""
    owner = check.token.user if check.token is not None else None
    audit(
        action="login_failed",
        user=owner,
        result=AuditEvent.Result.FAILURE,
        obj=check.token,
        detail=f"{check.refusal}（{key[:PREFIX_LENGTH]}…）",
    )
