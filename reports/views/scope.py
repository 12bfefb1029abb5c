"""What a page is about, from its URL: the plan, a unit's sheet (unit and quarter). A page outside the user's
scope, or about nothing that exists, is a 404 with a message that says why."""

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from targets.models import Period, WorkPlan
from targets.periods import parse_period_code
from tasks.selectors import plan_current
from units.models import Unit
from units.selectors import units_visible_to


def plan_or_404() -> WorkPlan:
    """The plan the portal shows, or 404 before any plan was loaded."""
    plan = plan_current()
    if plan is None:
        raise Http404(_("还没有工作方案"))
    return plan


def period_or_404(plan: WorkPlan, code: str, periods: list[Period] | None = None) -> Period:
    """The plan's quarter named by `code` (2025Q2), or 404. Among `periods` when the caller holds them."""
    try:
        year, quarter = parse_period_code(code)
    except ValueError:
        raise Http404(_("季度编号无效")) from None
    if periods is not None:
        chosen = next((p for p in periods if (p.year, p.quarter) == (year, quarter)), None)
        if chosen is None:
            raise Http404(_("本方案没有这个季度"))
        return chosen
    return get_object_or_404(Period.objects.select_related("plan"), plan=plan, year=year, quarter=quarter)


def sheet_scope(request: HttpRequest, unit_code: str, period_code: str) -> tuple[Unit, Period]:
    """The unit and quarter of a sheet URL, or 404 when the user may not see that unit or the quarter is unknown."""
    unit = get_object_or_404(units_visible_to(user=request.user), code=unit_code)
    return unit, period_or_404(plan_current(), period_code)
