"""Binds the request being served to the audit log (units.audit) and records what no single view should have to:
every refused request and every file downloaded or exported."""

import datetime
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from .audit import audit, request_bind, request_unbind
from .models import AuditEvent
from .second_factor import second_factor_device, second_factor_required
from .selectors import user_may_open

REFUSED = {403: "拒绝访问（403）", 404: "对象不存在或无权访问（404）"}


class AuditMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = request_bind(request)
        try:
            response = self.get_response(request)
            signed_in = getattr(request, "user", None) is not None and request.user.is_authenticated
            if signed_in and response.status_code in REFUSED:
                audit(action="denied", result=AuditEvent.Result.DENIED, detail=REFUSED[response.status_code])
            elif signed_in and "attachment" in response.get("Content-Disposition", ""):
                audit(action="download", detail=response["Content-Disposition"][:300])
            return response
        finally:
            request_unbind(token)


SEEN_PRECISION = 60  # seconds: the idle limit is kept to the minute


def session_start(session) -> None:
    """Mark a session's sign-in (units.signals calls this at login)."""
    session["signed_in_at"] = session["seen_at"] = time.time()


class SessionLimitsMiddleware:
    """A session ends after SESSION_IDLE_SECONDS without a request and SESSION_ABSOLUTE_SECONDS after sign-in; the
    user signs in again, told why, and comes back to the page they asked for."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            if "signed_in_at" not in session:  # a session from before these limits
                session_start(session)
            started, seen = session["signed_in_at"], session["seen_at"]
            if (
                now - seen > settings.SESSION_IDLE_SECONDS
                or now - started > settings.SESSION_ABSOLUTE_SECONDS
            ):
                idle = now - seen > settings.SESSION_IDLE_SECONDS
                reason = "长时间未操作，已自动退出" if idle else "登录已满8小时，请重新登录"
                audit(action="session_end", detail=reason)
                logout(request)
                messages.info(request, f"{reason}。请重新登录。")
                return redirect_to_login(request.get_full_path())
            if now - seen > SEEN_PRECISION:  # not every request: a session write costs two queries
                session["seen_at"] = now
        return self.get_response(request)


class SecondFactorMiddleware:
    """An account that needs a second factor (units.second_factor) and has not given one in this session sees only
    绑定验证器 (no authenticator bound yet) or 输入验证码, then comes back to the page it asked for."""

    ALLOWED = ("second_factor_setup", "second_factor_verify", "logout", "set_language")

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            second_factor_required(user=user)
            and not user.is_verified()
            and not request.path.startswith(settings.STATIC_URL)
            and _url_name(request) not in self.ALLOWED
        ):
            page = "second_factor_verify" if second_factor_device(user=user) else "second_factor_setup"
            return redirect_to_login(request.get_full_path(), login_url=reverse(page))
        return self.get_response(request)


class PasswordExpiryMiddleware:
    """Signed in with a password older than PASSWORD_EXPIRY_DAYS: the password change page, nothing else."""

    ALLOWED = (
        "password_change",
        "password_change_done",
        "logout",
        "set_language",
        "second_factor_setup",  # the second factor comes first
        "second_factor_verify",
    )

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        days = settings.PASSWORD_EXPIRY_DAYS
        if user.is_authenticated and days and user.password_changed_at is not None:
            expired = timezone.now() - user.password_changed_at > datetime.timedelta(days=days)
            if (
                expired
                and not request.path.startswith(settings.STATIC_URL)
                and _url_name(request) not in self.ALLOWED
            ):
                messages.warning(request, f"您的密码已超过{days}天未修改，请先修改密码。")
                return redirect("password_change")
        return self.get_response(request)


def _url_name(request: HttpRequest) -> str:
    try:
        return resolve(request.path_info).url_name or ""
    except Resolver404:
        return ""


class DutySeparationMiddleware:
    """三员分立: the system administrator and the security auditor reach only their own pages (user_may_open), so a
    page added later is closed to them until someone decides otherwise. The refusal is a 403, audited as any other."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> None:
        user = request.user
        if user.is_authenticated and not user_may_open(user=user, view_name=request.resolver_match.view_name):
            raise PermissionDenied(f"{user.get_role_display()}不处理工作方案和填报数据（三员分立）")
