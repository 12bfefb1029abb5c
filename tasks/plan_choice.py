"""Which plan a page shows, when several are in the portal (issue 16): the one its URL names (?plan=<id>), else the
one the user last looked at (kept in the session), else the user's default (tasks.selectors.plan_default_for).
Views call `plan_for(request)` for pages about a whole plan and `plan_show(request, plan)` for pages about one
thing of a plan (an indicator, a task, a sheet), so the header's switcher and the next page follow."""

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from targets.models import WorkPlan
from targets.periods import portal_today
from units.models import User

from .selectors import plan_default_for, plans_listed

SESSION_KEY = "plan_id"


def plans_for(request: HttpRequest) -> list[WorkPlan]:
    """plans_listed, once per request."""
    if not hasattr(request, "_plans"):
        request._plans = plans_listed()
    return request._plans


def _listed(request: HttpRequest, value: str | None) -> WorkPlan | None:
    """The listed plan whose id `value` is, None when there is no value; 404 when it names no listed plan."""
    if not value:
        return None
    plan = next((p for p in plans_for(request) if str(p.pk) == value), None)
    if plan is None:
        raise Http404(_("没有这个工作方案，或它尚未开放"))
    return plan


def plan_named(request: HttpRequest) -> WorkPlan | None:
    """The plan `?plan=<id>` names, None when the URL names none; 404 when it names one that is not listed."""
    return _listed(request, request.GET.get("plan"))


def plan_for(request: HttpRequest) -> WorkPlan:
    """The plan the page shows (see the module's text), or 404 before any plan was opened."""
    if getattr(request, "_plan", None) is not None:
        return request._plan
    plan = plan_named(request)
    if plan is None:
        remembered = request.session.get(SESSION_KEY)
        plan = next((p for p in plans_for(request) if p.pk == remembered), None)
    if plan is None:
        plan = plan_default_for(user=request.user, plans=plans_for(request), today=portal_today())
    if plan is None:
        raise Http404(_("还没有工作方案"))
    plan_show(request, plan)
    return plan


def plan_show(request: HttpRequest, plan: WorkPlan) -> None:
    """This page is about `plan`: the header shows it, and the next page opens on it. A draft is the office's working
    copy: to everyone else it does not exist (404)."""
    if plan.status == WorkPlan.Status.DRAFT and getattr(request.user, "role", None) != User.Role.OFFICE:
        raise Http404(_("还没有工作方案"))
    request._plan = plan
    if plan.status != WorkPlan.Status.DRAFT and request.session.get(SESSION_KEY) != plan.pk:
        request.session[SESSION_KEY] = plan.pk


def plan_posted(request: HttpRequest) -> WorkPlan:
    """The plan a form was filled in for (its hidden `plan` field), not the one another tab switched to since."""
    plan = _listed(request, request.POST.get("plan")) or plan_for(request)
    plan_show(request, plan)
    return plan
