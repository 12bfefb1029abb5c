"""The audit log (审计日志): one function writes it, and the request being served (if any) supplies who and from
where, so a service deep in the call stack records an action without being handed the request.

What is recorded: sign-ins, failed sign-ins, lockouts, sign-outs and role changes (units.signals); second-factor
codes given, refused or throttled, authenticators bound and reset (units.second_factor); every create,
change, submission, approval, return and reopen of a figure or task report (reports.signals, from the item's
change history); imports (the services that import); every file downloaded or exported and every refused
request (units.middleware.AuditMiddleware).
"""

import contextvars
import datetime
import ipaddress

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from .audit_chain import ChainCheck, audit_chain_verify, audit_seal, audit_seal_after_commit
from .clock import portal_now
from .models import AuditEvent

# The actions the log records, as the auditor's page names them.
ACTIONS = {
    "login": "登录",
    "login_failed": "登录失败",
    "lockout": "账号锁定",
    "login_throttled": "登录限速",
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
    "item_forward": "单位审核通过",
    "item_unit_return": "单位审核退回",
    "publication_change": "修改公开内容",
    "api_token_create": "创建接口令牌",
    "api_token_revoke": "撤销接口令牌",
    "item_comment": "填报项留言",
    "follow_up_mark": "标记待核实",
    "follow_up_resolve": "处理待核实",
    "import": "导入",
    "upload": "上传佐证材料",
    "download": "下载或导出",
    "denied": "拒绝访问",
    "server_error": "服务器错误",
    "integrity": "数据校验",
    "evidence_delete": "删除佐证材料",
    "plan_draft_discard": "放弃导入的方案",
    "plan_open": "开放填报",
    "plan_end": "结束方案",
    "plan_archive": "归档方案",
    "plan_succeed": "承接上一方案",
    "instruction_create": "批示",
    "privilege_change": "权限变更",
    "privilege_request": "申请权限变更",
    "privilege_approve": "批准权限变更",
    "privilege_refuse": "不批准权限变更",
    "admin_password_set": "管理员设置密码",
    "account_activate": "启用账号",
    "account_deactivate": "停用账号",
}

_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar("audit_request", default=None)


def request_bind(request: HttpRequest | None) -> contextvars.Token:
    return _request.set(request)


def request_unbind(token: contextvars.Token) -> None:
    _request.reset(token)


def peer_ip(request: HttpRequest | None) -> str | None:
    """The address of whoever opened the connection: the client, or the reverse proxy in front of the portal."""
    if request is None:
        return None
    return _address(request.META.get("REMOTE_ADDR", ""))


def client_ip(request: HttpRequest | None) -> str | None:
    """The address the request came from, for the audit log and for the sign-in lockout (AXES_CLIENT_IP_CALLABLE).
    The peer's, unless the peer is the nearest of the TRUSTED_PROXY_COUNT proxies in front of the portal (at one of
    TRUSTED_PROXY_ADDRESSES): then the X-Forwarded-For entry the outermost of them appended, the last one behind a
    single nginx. Entries before it are whatever the client sent and are never believed; a header with fewer entries
    than proxies, or an entry that is no address, leaves the peer's address."""
    peer = peer_ip(request)
    count = settings.TRUSTED_PROXY_COUNT
    if peer is None or count < 1 or not _is_trusted_proxy(peer):
        return peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    if len(forwarded) < count:
        return peer
    return _address(forwarded[-count]) or peer


def _address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def _is_trusted_proxy(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    return any(ip in ipaddress.ip_network(proxy, strict=False) for proxy in settings.TRUSTED_PROXY_ADDRESSES)


def audit_time() -> datetime.datetime:
    """When an event happens, as the log records it: the machine's time, except in demo mode, where the log reads
    the demo's day (PORTAL_TODAY) like every other page. The hash chain covers the time as stored, either way."""
    return portal_now() if settings.DEMO_MODE else timezone.now()


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
    event = AuditEvent.objects.create(
        at=audit_time(),
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
        peer_ip=peer_ip(request),
        path=request.get_full_path()[:300] if request is not None else "",
        detail=detail,
    )
    audit_seal_after_commit()  # chained into the log's hash chain once this transaction commits
    return event


def audit_chain_check() -> ChainCheck:
    """The nightly check: seal what is left, verify the chain, and write a broken chain into the log itself (for the
    auditor; the break's place is in the detail). Returns the check."""
    audit_seal()
    check = audit_chain_verify()
    if not check.intact:
        where = (
            f"第{check.broken_at.seq}条（编号 {check.broken_at.pk}）与哈希链不符"
            if check.broken_at is not None
            else f"第{check.gap_after}条之后缺少记录"
        )
        audit(action="integrity", result=AuditEvent.Result.FAILURE, detail=f"审计日志哈希链：{where}")
    return check
