"""提醒方式: a user's own choice of which alerts reach them by e-mail and by SMS (the portal's list is always on)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from reports.alerts.channels import preference_for, preference_save
from reports.alerts.forms import PreferenceForm
from units.selectors import user_does_plan_work


def alert_preferences(request: HttpRequest) -> HttpResponse:
    if not user_does_plan_work(user=request.user):
        raise PermissionDenied(_("此页面仅供填报和管理人员使用"))
    preference = preference_for(user=request.user)
    form = PreferenceForm(
        request.POST if request.method == "POST" else None,
        initial={
            "email_kinds": preference.email_kinds,
            "sms_kinds": preference.sms_kinds,
            "mobile": preference.mobile,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            preference_save(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("提醒方式已保存"))
            return redirect("reports:alert_preferences")
    return render(
        request,
        "reports/alert_preferences.html",
        {"form": form, "has_email": bool(request.user.email)},
    )
