"""Binds the request being served to the audit log (units.audit) and records what no single view should have to:
every refused request and every file downloaded or exported."""

import datetime
import math
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .audit import audit, request_bind, request_unbind
from .models import AuditEvent
from .second_factor import second_factor_device, second_factor_required
from .selectors import user_may_open
from .signin_throttle import signin_throttled, signin_wait

REFUSED = {403: "拒绝访问（403）", 404: "对象不存在或无权访问（404）"}


class AuditMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = request_bind(request)
        try:
            response = self.get_response(request)
            signed_in = getattr(request, "user", None) is not None and request.user.is_authenticated
            if response.status_code >= 500:
                # The exception's name says where to look; its message may carry data, so it stays in the error log.
                error = getattr(request, "_audit_exception", "")
                audit(
                    action="server_error",
                    result=AuditEvent.Result.FAILURE,
                    detail=f"服务器错误（{response.status_code}）" + (f"：{error}" if error else ""),
                )
            elif signed_in and response.status_code in REFUSED:
                audit(action="denied", result=AuditEvent.Result.DENIED, detail=REFUSED[response.status_code])
            elif signed_in and "attachment" in response.get("Content-Disposition", ""):
                audit(action="download", detail=response["Content-Disposition"][:300])
            return response
        finally:
            request_unbind(token)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        request._audit_exception = type(exception).__name__


class NulByteMiddleware:
    """A NUL byte in the path, the query, a posted field, a cookie or a header is refused (400) before anything reads
    it: no page of the portal sends one, and PostgreSQL answers one in a query with an error (a 500)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul_byte(request):
            return HttpResponseBadRequest(_("请求中含有无效字符"), content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def _has_nul_byte(request: HttpRequest) -> bool:
    texts = [request.path_info, *request.COOKIES.values()]
    texts += [
        value for name, value in request.META.items() if name.startswith("HTTP_") and isinstance(value, str)
    ]
    for query in (request.GET, request.POST) if request.method == "POST" else (request.GET,):
        for name, values in query.lists():
            texts += [name, *values]
    return any("\x00" in text for text in texts)


class SigninThrottleMiddleware:
    """A sign-in (the portal's or the admin's) for a username that must wait (units.signin_throttle) is answered
    429 with the sign-in page and how long to wait; its password is not checked, and the try is audited. Checked
    when the view is about to run, so a POST without its CSRF token has already been refused."""

    VIEWS = ("login", "admin:login")

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        if request.method != "POST" or request.resolver_match.view_name not in self.VIEWS:
            return None
        username = request.POST.get("username", "")
        wait = signin_wait(username=username)
        if not wait:
            return None
        signin_throttled(username=username, wait=wait)
        if wait >= 60:
            after = _("%(minutes)d分钟") % {"minutes": math.ceil(wait / 60)}
        else:
            after = _("%(seconds)d秒") % {"seconds": wait}
        messages.error(
            request, _("此账号近期登录失败次数过多，为保护账号安全，请%(after)s后再试。") % {"after": after}
        )
        next_page = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            next_page, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_page = ""
        form = AuthenticationForm(request, initial={"username": username})
        return render(request, "registration/login.html", {"form": form, "next": next_page}, status=429)


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
                # The audit log keeps the reason in Chinese; the user reads it in their language.
                reason = (
                    gettext_noop("长时间未操作，已自动退出")
                    if idle
                    else gettext_noop("登录已满8小时，请重新登录")
                )
                audit(action="session_end", detail=reason)
                logout(request)
                messages.info(request, _("%(reason)s。请重新登录。") % {"reason": _(reason)})
                return redirect_to_login(request.get_full_path())
            if now - seen > SEEN_PRECISION:  # not every request: a session write costs two queries
                session["seen_at"] = now
        return self.get_response(request)


class SecondFactorMiddleware:
    """An account that needs a second factor (units.second_factor) and has not given one in this session sees only
    绑定验证器 (no authenticator bound yet) or 输入验证码, then comes back to the page it asked for."""

    ALLOWED = ("units:second_factor_setup", "units:second_factor_verify", "logout", "set_language")

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            second_factor_required(user=user)
            and not user.is_verified()
            and not request.path.startswith(settings.STATIC_URL)
            and _view_name(request) not in self.ALLOWED
        ):
            page = (
                "units:second_factor_verify"
                if second_factor_device(user=user)
                else "units:second_factor_setup"
            )
            return redirect_to_login(request.get_full_path(), login_url=reverse(page))
        return self.get_response(request)


class PasswordExpiryMiddleware:
    """Signed in with a password older than PASSWORD_EXPIRY_DAYS, or with a one-time password an administrator set:
    the password change page, nothing else."""

    ALLOWED = (
        "units:password_change",
        "password_change_done",
        "logout",
        "set_language",
        "units:second_factor_setup",  # the second factor comes first
        "units:second_factor_verify",
    )

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(settings.STATIC_URL)
            and _view_name(request) not in self.ALLOWED
        ):
            days = settings.PASSWORD_EXPIRY_DAYS
            if user.must_change_password:
                messages.warning(request, _("您的密码是管理员设置的一次性密码，请先设置您自己的新密码。"))
                return redirect("units:password_change")
            changed = user.password_changed_at
            if days and changed is not None and timezone.now() - changed > datetime.timedelta(days=days):
                messages.warning(
                    request, _("您的密码已超过%(days)d天未修改，请先修改密码。") % {"days": days}
                )
                return redirect("units:password_change")
        return self.get_response(request)


def _view_name(request: HttpRequest) -> str:
    """The page's name with its namespace ("units:password_change"), "" for a path that names no page."""
    try:
        return resolve(request.path_info).view_name or ""
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
            raise PermissionDenied(
                _("%(role)s不处理工作方案和填报数据（三员分立）") % {"role": user.get_role_display()}
            )
