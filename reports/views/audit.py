"""审计日志: the security auditor searches the audit log and exports what was found. Nobody else reads it; the
system administrator, who manages accounts, cannot (三员分立)."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.xlsx import FORMATS, Sheet, download_response
from units.audit import ACTIONS
from units.filters import AuditEventFilter
from units.models import AuditEvent, User

PAGE_SIZE = 100
EXPORT_LIMIT = 50_000


def audit_log(request: HttpRequest) -> HttpResponse:
    if request.user.role != User.Role.AUDITOR:
        raise PermissionDenied(_("只有安全审计员可以查看审计日志"))
    search = AuditEventFilter(request.GET or None, queryset=AuditEvent.objects.all())
    events = search.qs
    export = request.GET.get("export")
    if export in FORMATS:
        # Up to 50,000 rows, read in chunks as the file is written, never all held at once.
        rows = events[:EXPORT_LIMIT].values_list(*EXPORTED).iterator(chunk_size=2_000)
        return download_response(fmt=export, filename=_("审计日志"), sheets=[_sheet(rows)])
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reports/audit_log.html",
        {"form": search.form, "page": page, "actions": ACTIONS, "query": query.urlencode()},
    )


EXPORTED = ("at", "username", "role", "unit", "action", "object_repr", "result", "ip", "path", "detail")


def _sheet(rows) -> Sheet:
    """The export's sheet of (EXPORTED) value rows; each label is looked up once, not once a row."""
    roles = {value: str(label) for value, label in User.Role.choices}
    results = {value: str(label) for value, label in AuditEvent.Result.choices}
    actions = {action: str(label) for action, label in ACTIONS.items()}
    return Sheet(
        _("审计日志"),
        [
            _("时间"),
            _("用户名"),
            _("角色"),
            _("单位"),
            _("操作"),
            _("对象"),
            _("结果"),
            _("IP地址"),
            _("访问路径"),
            _("说明"),
        ],
        (
            (
                timezone.localtime(at).replace(tzinfo=None),
                username,
                roles.get(role, role),
                unit,
                actions.get(action, action),
                object_repr,
                results.get(result, result),
                ip,
                path,
                detail,
            )
            for at, username, role, unit, action, object_repr, result, ip, path, detail in rows
        ),
        keys=("at", "username", "role", "unit", "action", "object", "result", "ip", "path", "detail"),
    )
