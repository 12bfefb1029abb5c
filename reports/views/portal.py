from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from reports.dashboards.unit_page import unit_contributions, unit_quarters, unit_record
from reports.instructions.selectors import instructions_awaiting
from reports.views.dashboard import dashboard
from reports.workflow.selectors import period_current
from tasks.plan_choice import plan_for, plan_named, plans_for
from tasks.selectors import indicators_for_unit, unit_task_routes
from units.models import User
from units.selectors import units_visible_to, user_sees_all_units


def _same_plan(name: str, request: HttpRequest, **kwargs) -> str:
    """The URL of page `name`, naming the plan this request's URL names (a redirect keeps ?plan=)."""
    url = reverse(name, kwargs=kwargs or None)
    named = plan_named(request)
    return f"{url}?plan={named.pk}" if named else url


def home(request: HttpRequest) -> HttpResponse:
    """Each role lands where its work is: unit staff on their unit, the system admin on accounts, the auditor on the
    audit log."""
    user = request.user
    if user.role in User.UNIT_ROLES:
        return redirect(_same_plan("reports:my_unit", request))
    if user.role == User.Role.SYSADMIN:
        return redirect("units:account_list")
    if user.role == User.Role.AUDITOR:
        return redirect("reports:audit_log")
    return dashboard(request)


def my_unit(request: HttpRequest) -> HttpResponse:
    if request.user.unit_id is None:
        raise Http404(_("您的账号不属于任何单位"))
    return redirect(_same_plan("reports:unit_detail", request, code=request.user.unit.code))


def unit_list(request: HttpRequest) -> HttpResponse:
    if not user_sees_all_units(user=request.user):
        return redirect("reports:my_unit")
    units = units_visible_to(user=request.user).prefetch_related("groups")
    return render(request, "reports/unit_list.html", {"units": units})


def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    """“我的单位” / county “我的任务”: what this unit answers for, directly or through a group."""
    unit = get_object_or_404(units_visible_to(user=request.user), code=code)
    plan_named(request)  # a ?plan= that names no plan in the portal is a 404 here as everywhere
    try:
        plan = plan_for(request)
    except Http404:  # no plan opened yet: the unit's page still shows who it is
        plan = None
    routes = unit_task_routes(unit=unit, plan=plan) if plan else []
    indicators = indicators_for_unit(unit=unit, plan=plan) if plan else []
    current = period_current(plan=plan) if plan else None
    return render(
        request,
        "reports/unit_detail.html",
        {
            "unit": unit,
            "plan": plan,
            "groups": unit.groups.all(),
            "task_routes": [r for r in routes if r["task"].kind == "task"],
            "safeguard_routes": [r for r in routes if r["task"].kind == "safeguard"],
            "indicators": indicators,
            "is_own_unit": request.user.unit_id == unit.pk,
            "quarters": unit_quarters(unit=unit, plan=plan) if plan else [],
            "period": current,
            "contributions": unit_contributions(unit=unit, plan=plan, period=current) if current else [],
            "awaiting": list(instructions_awaiting(unit=unit)) if plan else [],
            "record": unit_record(unit=unit, plans=plans_for(request)) if len(plans_for(request)) > 1 else [],
        },
    )
