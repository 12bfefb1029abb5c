from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .models import User

ACCOUNT_LIST_ROLES = (User.Role.SYSADMIN, User.Role.AUDITOR)


def account_list(request: HttpRequest) -> HttpResponse:
    """Accounts and their roles, for the system administrator and the auditor (who may not see figures)."""
    if request.user.role not in ACCOUNT_LIST_ROLES:
        raise PermissionDenied("只有系统管理员和安全审计员可以查看账号一览")
    users = User.objects.select_related("unit").order_by("role", "unit__position", "username")
    return render(request, "units/account_list.html", {"users": users})
