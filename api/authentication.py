"""How a program signs in to the API: `Authorization: Token <令牌>` (or `Bearer <令牌>`), with a token its user created
on the portal's 接口令牌 page. A person using the documentation page is signed in by the portal's session instead
(DRF's SessionAuthentication, which also asks writes for the CSRF token)."""

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from .selectors import api_token_check
from .services import api_token_refused, api_token_used

KEYWORDS = ("token", "bearer")


class TokenAuthentication(BaseAuthentication):
    """The user of the token the request presents; refused (401) when no token has that hash, when it is revoked or
    expired, or when its user's account is inactive. Requests without the header are left to the session."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower().decode(errors="replace") not in KEYWORDS:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("请求头应为 Authorization: Token <令牌>"))
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("接口令牌无效、已撤销或已过期")) from None
        check = api_token_check(key=key)
        if check.user is None:
            api_token_refused(check=check, key=key)
            raise exceptions.AuthenticationFailed(_("接口令牌无效、已撤销或已过期"))
        api_token_used(token=check.token)
        return check.user, check.token

    def authenticate_header(self, request) -> str:
        return "Token"


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    """The token in the OpenAPI schema, as a bearer token: the documentation page's 「Authorize」 sends it so."""

    target_class = "api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": _(
                "在平台“修改密码”页的“接口令牌”中创建的令牌：Authorization: Bearer <令牌>（或 Token <令牌>）"
            ),
        }
