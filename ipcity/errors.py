"""The portal's error pages (templates/400.html, 403.html, 404.html, 500.html): Chinese first, with the portal's header
and a way back (返回上一页 when the user came from one of the portal's pages, 返回首页 always). A refusal (403) shows
the reason the service gave; a 404 or a bad request (400) shows the portal's own reason, never one of Django's
English ones; an oversized post says so. ipcity/urls.py names these Django's handler400 … handler500, and
settings.CSRF_FAILURE_VIEW names csrf_failure."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import (
    BadRequest,
    DisallowedHost,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseServerError,
)
from django.template import loader
from django.template.defaultfilters import filesizeformat
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

# The packages whose messages are written for the portal's users (gettext, Chinese first); Django's own messages
# ("No Indicator matches the given query.") are English and name models, so they are not shown.
PORTAL_PACKAGES = ("units", "targets", "tasks", "reports", "ipcity")


def back_url(request: HttpRequest) -> str:
    """Where 返回上一页 leads: the page the user came from (its path), if it is one of the portal's; "" otherwise,
    and for a page that sent the user to itself."""
    referer = request.META.get("HTTP_REFERER", "")
    try:
        host = request.get_host()
    except DisallowedHost:
        return ""
    if not referer or not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={host}, require_https=request.is_secure()
    ):
        return ""
    parts = urlsplit(referer)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    if request.method == "GET" and path == request.get_full_path():
        return ""
    return path


def _raised_by_the_portal(exception: BaseException) -> bool:
    """Whether the exception was raised in the portal's own code (so its message was written for users)."""
    tb = exception.__traceback__
    if tb is None:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    module = tb.tb_frame.f_globals.get("__name__", "")
    return module.partition(".")[0] in PORTAL_PACKAGES


def _portal_message(exception: BaseException) -> str:
    message = exception.args[0] if exception.args else ""
    return str(message) if _raised_by_the_portal(exception) and isinstance(message, str) else ""


def bad_request_reason(exception: BaseException) -> str:
    """What was wrong with the request, for the 400 page: the limits Django enforces named, or the reason a view of
    the portal gave (BadRequest), else nothing (a suspicious request is not told what gave it away)."""
    if isinstance(exception, RequestDataTooBig):
        return _(
            "提交的内容太大（超过%(limit)s），本次没有保存任何内容。请缩短过长的文字或分几次保存；文件请通过上传功能提交。"
        ) % {"limit": filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)}
    if isinstance(exception, TooManyFieldsSent):
        return _("一次提交的项目太多（超过%(limit)d项），本次没有保存任何内容。请分几次保存。") % {
            "limit": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        }
    if isinstance(exception, TooManyFilesSent):
        return _("一次上传的文件太多（超过%(limit)d个），本次没有保存任何内容。请分几次上传。") % {
            "limit": settings.DATA_UPLOAD_MAX_NUMBER_FILES
        }
    if type(exception) is BadRequest:
        return _portal_message(exception)
    return ""


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    context = {"reason": bad_request_reason(exception), "back_url": back_url(request)}
    return HttpResponseBadRequest(loader.render_to_string("400.html", context, request))


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The refusal with the reason the service or view gave (PermissionDenied(_("只有领导小组办公室可以审核")))."""
    context = {"reason": str(exception), "back_url": back_url(request)}
    return HttpResponseForbidden(loader.render_to_string("403.html", context, request))


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Not found, or not the user's to see (scoping answers 404 for another unit's pages): the same page for both."""
    reason = _portal_message(exception) if type(exception) is Http404 else ""
    context = {"reason": reason, "back_url": back_url(request)}
    return HttpResponseNotFound(loader.render_to_string("404.html", context, request))


def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered without the request's context (no user, no query: the database may be what failed)."""
    try:
        back = back_url(request)
    except Exception:  # the error page itself must not fail
        back = ""
    return HttpResponseServerError(loader.render_to_string("500.html", {"back_url": back}))


@requires_csrf_token
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form posted without its CSRF token, or with a stale one (the page was open across a sign-in, or came from
    another site): the portal's 403 page saying what to do. Django's reason is English and technical: not shown."""
    context = {
        "title": _("提交未被接受"),
        "reason": _("页面已过期，或表单不是从本平台的页面提交的，安全校验未通过，本次没有保存任何内容。"),
        "advice": _("请返回上一页，刷新页面后重新提交。如果仍然如此，请退出后重新登录。"),
        "back_url": back_url(request),
    }
    return HttpResponseForbidden(loader.render_to_string("403.html", context, request))
