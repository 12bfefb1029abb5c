from django.contrib import messages
from django.contrib.auth.views import PasswordChangeView
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .audit import audit
from .forms import SecondFactorForm
from .models import PrivilegeRequest, User
from .privileges import password_changed_by_owner, privilege_request_decide, privilege_requests_visible_to
from .second_factor import (
    second_factor_bind,
    second_factor_check,
    second_factor_device,
    second_factor_enrolment,
    second_factor_qr_svg,
    second_factor_required,
    second_factor_secret,
)

ACCOUNT_LIST_ROLES = (User.Role.SYSADMIN,)  # the auditor reads the audit log and nothing else (三员分立)


def account_list(request: HttpRequest) -> HttpResponse:
    """Accounts and their roles, for the system administrator (who may not see figures)."""
    if request.user.role not in ACCOUNT_LIST_ROLES:
        raise PermissionDenied(_("只有系统管理员可以查看账号一览"))
    users = User.objects.select_related("unit").order_by("role", "unit__position", "username")
    return render(request, "units/account_list.html", {"users": users})


class PasswordChange(PasswordChangeView):
    """修改密码: the rules (units.passwords) are listed on the page; a change is audited."""

    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("reports:home")

    def form_valid(self, form):
        response = super().form_valid(form)
        password_changed_by_owner(user=self.request.user)
        audit(action="password_change", user=self.request.user)
        messages.success(self.request, _("密码已修改"))
        return response


def _next(request: HttpRequest) -> str:
    """Where the user was going before the second factor was asked for (a page of this site only)."""
    target = request.POST.get("next") or request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("reports:home")


def second_factor_setup(request: HttpRequest) -> HttpResponse:
    """绑定验证器: scan the QR code (or type the secret) into an authenticator app, then confirm with its code."""
    if not second_factor_required(user=request.user):
        return redirect("reports:home")
    if second_factor_device(user=request.user) is not None:
        return redirect(f"{reverse('units:second_factor_verify')}?next={_next(request)}")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            second_factor_bind(request=request, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error.messages)
        else:
            messages.success(request, _("验证器已绑定。以后每次登录，请在密码之后输入验证器上的6位数字。"))
            return redirect(_next(request))
    device = second_factor_enrolment(user=request.user)
    return render(
        request,
        "registration/second_factor_setup.html",
        {
            "form": form,
            "qr": second_factor_qr_svg(device=device),
            "secret": second_factor_secret(device=device),
            "next": _next(request),
        },
    )


def second_factor_verify(request: HttpRequest) -> HttpResponse:
    """输入验证码: after the password, the code the bound authenticator shows now."""
    if not second_factor_required(user=request.user) or request.user.is_verified():
        return redirect(_next(request))
    if second_factor_device(user=request.user) is None:
        return redirect(f"{reverse('units:second_factor_setup')}?next={_next(request)}")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            second_factor_check(request=request, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error.messages)
        else:
            return redirect(_next(request))
    return render(request, "registration/second_factor_verify.html", {"form": form, "next": _next(request)})


def privilege_requests(request: HttpRequest) -> HttpResponse:
    """权限变更审批: the requests no one may carry out alone; the security auditor approves or refuses them, the
    system administrator sees how his stand."""
    if request.user.role not in (User.Role.AUDITOR, User.Role.SYSADMIN):
        raise PermissionDenied(_("只有安全审计员和系统管理员可以查看权限变更申请"))
    requests = privilege_requests_visible_to(user=request.user)
    return render(
        request,
        "units/privilege_requests.html",
        {
            "pending": [r for r in requests if r.state == PrivilegeRequest.State.PENDING],
            "decided": [r for r in requests if r.state != PrivilegeRequest.State.PENDING][:100],
            "can_decide": request.user.role == User.Role.AUDITOR,
        },
    )


@require_POST
def privilege_decide(request: HttpRequest, pk: int) -> HttpResponse:
    pending = get_object_or_404(privilege_requests_visible_to(user=request.user), pk=pk)
    approve = request.POST.get("decision") == "approve"
    try:
        done = privilege_request_decide(
            by=request.user, request=pending, approve=approve, note=request.POST.get("note", "")
        )
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        if done:
            messages.success(
                request,
                _("已批准：%(r)s") % {"r": pending} if approve else _("未批准：%(r)s") % {"r": pending},
            )
        else:
            messages.info(request, _("该申请此前已处理。"))
    return redirect("units:privilege_requests")
