"""Reads of the API's own data: a user's access tokens, and the token a request presents."""

import hashlib
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from units.clock import portal_now
from units.models import User

from .models import ApiToken


def api_token_hash(key: str) -> str:
    """What is stored of a token: its SHA-256, hex. The token is 256 random bits, so a plain hash is enough: nobody
    can try every token to find the one behind a hash."""
    return hashlib.sha256(key.encode()).hexdigest()


def api_tokens_of(*, user: User) -> QuerySet[ApiToken]:
    """The user's tokens, newest first (revoked and expired ones too, for the record)."""
    return ApiToken.objects.filter(user=user)


def api_token_active_count(*, user: User) -> int:
    now = portal_now()
    return api_tokens_of(user=user).filter(revoked_at__isnull=True, expires_at__gt=now).count()


@dataclass(frozen=True)
class TokenCheck:
    """What a presented token turned out to be: `token` (None when no token has that hash) and, when it may not be
    used, why (`refusal`: the audit log keeps it in Chinese, gettext_noop)."""

    token: ApiToken | None
    refusal: str = ""

    @property
    def user(self) -> User | None:
        return self.token.user if self.token is not None and not self.refusal else None


def api_token_check(*, key: str) -> TokenCheck:
    """The token whose hash matches `key`, with its user; refused when it was revoked, has expired or its user's
    account is inactive. One query."""
    token = ApiToken.objects.select_related("user", "user__unit").filter(key_hash=api_token_hash(key)).first()
    if token is None:
        return TokenCheck(token=None, refusal=gettext_noop("接口令牌无效"))
    if token.revoked_at is not None:
        return TokenCheck(token=token, refusal=gettext_noop("接口令牌已撤销"))
    if token.expires_at <= portal_now():
        return TokenCheck(token=token, refusal=gettext_noop("接口令牌已过期"))
    if not token.user.is_active:
        return TokenCheck(token=token, refusal=gettext_noop("账号已停用"))
    return TokenCheck(token=token)


@dataclass(frozen=True)
class TokenRow:
    """A token as its owner's list shows it: in use (有效) or not, and why."""

    token: ApiToken
    active: bool
    state: str


def api_tokens_listed(*, user: User) -> list[TokenRow]:
    """The user's tokens for the 接口令牌 page, newest first, each with its state."""
    now = portal_now()
    rows = []
    for token in api_tokens_of(user=user):
        if token.revoked_at is not None:
            rows.append(TokenRow(token=token, active=False, state=_("已撤销")))
        elif token.expires_at <= now:
            rows.append(TokenRow(token=token, active=False, state=_("已过期")))
        else:
            rows.append(TokenRow(token=token, active=True, state=_("有效")))
    return rows
