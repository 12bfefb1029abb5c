from django.contrib import messages
from django.contrib.auth.views import PasswordChangeView
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy

from .audit import audit
from .models import User

ACCOUNT_LIST_ROLES = (User.Role.SYSADMIN,)  # the auditor reads the audit log and nothing else (三员分立)


def account_list(request: HttpRequest) -> HttpResponse:
    """Accounts and their roles, for the system administrator (who may not see figures)."""
    if request.user.role not in ACCOUNT_LIST_ROLES:
        raise PermissionDenied("只有系统管理员可以查看账号一览")
    users = User.objects.select_related("unit").order_by("role", "unit__position", "username")
    return render(request, "units/account_list.html", {"users": users})


class PasswordChange(PasswordChangeView):
    """修改密码: the rules (units.passwords) are listed on the page; a change is audited."""

    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit(action="password_change", user=self.request.user)
        messages.success(self.request, "密码已修改")
        return response
