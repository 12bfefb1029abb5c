"""The audit log (审计日志): one function writes it, and the request being served (if any) supplies who and from
where, so a service deep in the call stack records an action without being handed the request.

What is recorded: sign-ins, failed sign-ins, lockouts, sign-outs and role changes (units.signals); second-factor
codes given, refused or throttled, authenticators bound and reset (units.second_factor); every create,
change, submission, approval, return and reopen of a figure or task report (reports.signals, from the item's
change history); imports (the services that import); every file downloaded or exported and every refused
request (units.middleware.AuditMiddleware).
"""

import contextvars

from django.http import HttpRequest
from django.utils import timezone

from .models import AuditEvent

# The actions the log records, as the auditor's page names them.
ACTIONS = {
    "login": "登录",
    "login_failed": "登录失败",
    "lockout": "账号锁定",
    "logout": "退出",
    "session_end": "会话超时退出",
    "password_change": "修改密码",
    "second_factor_bind": "绑定验证器",
    "second_factor": "输入验证码",
    "second_factor_reset": "重置验证器",
    "account_create": "新建账号",
    "role_change": "角色变更",
    "item_create": "新建填报项",
    "item_change": "修改填报项",
    "item_submit": "提交",
    "item_approve": "审核通过",
    "item_return": "退回",
    "item_reopen": "重新打开",
    "import": "导入",
    "upload": "上传佐证材料",
    "download": "下载或导出",
    "denied": "拒绝访问",
    "integrity": "数据校验",
}

_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar("audit_request", default=None)


def request_bind(request: HttpRequest | None) -> contextvars.Token:
    return _request.set(request)


def request_unbind(token: contextvars.Token) -> None:
    _request.reset(token)


def client_ip(request: HttpRequest | None) -> str | None:
    """The address the request came from. Behind the reverse proxy production runs behind, the proxy's own
    address is REMOTE_ADDR and the client's is the last X-Forwarded-For entry it appended."""
    if request is None:
        return None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and request.META.get("REMOTE_ADDR") in ("127.0.0.1", "::1"):
        return forwarded.split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def audit(
    *,
    action: str,
    user=None,
    obj=None,
    result: str = AuditEvent.Result.SUCCESS,
    detail: str = "",
    request: HttpRequest | None = None,
    username: str = "",
    object_repr: str = "",
) -> AuditEvent:
    """Append one event. `user` defaults to the signed-in user of the request being served; `obj` to nothing."""
    request = request or _request.get()
    if user is None and request is not None and getattr(request, "user", None) is not None:
        user = request.user if request.user.is_authenticated else None
    unit = getattr(user, "unit", None) if user is not None else None
    return AuditEvent.objects.create(
        at=timezone.now(),
        user_id=user.pk if user is not None else None,
        username=(user.username if user is not None else username)[:150],
        role=getattr(user, "role", "") if user is not None else "",
        unit=unit.name if unit is not None else "",
        action=action,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=(object_repr or (str(obj) if obj is not None else ""))[:300],
        result=result,
        ip=client_ip(request),
        path=request.get_full_path()[:300] if request is not None else "",
        detail=detail,
    )
