"""审计日志: the security auditor searches the audit log and exports what was found. Nobody else reads it; the
system administrator, who manages accounts, cannot (三员分立)."""

import datetime

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from units.audit import ACTIONS
from units.models import AuditEvent, User

from ..exports import Sheet, xlsx_book_response

PAGE_SIZE = 100
EXPORT_LIMIT = 50_000


class AuditFilter(forms.Form):
    start = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    username = forms.CharField(label="用户名", required=False, max_length=150)
    action = forms.ChoiceField(label="操作", required=False, choices=[("", "全部"), *ACTIONS.items()])
    result = forms.ChoiceField(
        label="结果", required=False, choices=[("", "全部"), *AuditEvent.Result.choices]
    )

    def events(self):
        events = AuditEvent.objects.all()
        if not self.is_valid():
            return events.none()
        data = self.cleaned_data
        if data["start"]:
            events = events.filter(at__gte=_day_start(data["start"]))
        if data["end"]:
            events = events.filter(at__lt=_day_start(data["end"] + datetime.timedelta(days=1)))
        if data["username"]:
            events = events.filter(username__icontains=data["username"].strip())
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["result"]:
            events = events.filter(result=data["result"])
        return events


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def audit_log(request: HttpRequest) -> HttpResponse:
    if request.user.role != User.Role.AUDITOR:
        raise PermissionDenied("只有安全审计员可以查看审计日志")
    form = AuditFilter(request.GET or None)
    events = form.events() if request.GET else AuditEvent.objects.all()
    if request.GET.get("export") == "xlsx":
        return xlsx_book_response(filename="审计日志.xlsx", sheets=[_sheet(events[:EXPORT_LIMIT])])
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reports/audit_log.html",
        {"form": form, "page": page, "actions": ACTIONS, "query": query.urlencode()},
    )


def _sheet(events) -> Sheet:
    return Sheet(
        "审计日志",
        ["时间", "用户名", "角色", "单位", "操作", "对象", "结果", "IP地址", "访问路径", "说明"],
        (
            (
                timezone.localtime(e.at).replace(tzinfo=None),
                e.username,
                User.Role(e.role).label if e.role in User.Role.values else e.role,
                e.unit,
                ACTIONS.get(e.action, e.action),
                e.object_repr,
                e.get_result_display(),
                e.ip,
                e.path,
                e.detail,
            )
            for e in events
        ),
    )
