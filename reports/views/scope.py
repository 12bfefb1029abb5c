"""What a page is about, from its URL: a quarter of the plan, a unit's sheet (unit and quarter). A page outside the
user's scope, or about nothing that exists, is a 404 with a message that says why. Which plan a page shows is
tasks.plan_choice's."""

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from targets.models import Period, WorkPlan
from targets.periods import parse_period_code
from tasks.plan_choice import SESSION_KEY, plan_named, plan_show, plans_for
from units.models import Unit
from units.selectors import units_visible_to


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
    """The unit and quarter of a sheet URL, or 404 when the user may not see that unit or the quarter is unknown.
    The quarter is the plan's the URL names (?plan=), else that of the plan the user is looking at, else of the
    first plan in the portal that has it (open plans first): an alert's link to 2025Q2 opens the plan that has it."""
    unit = get_object_or_404(units_visible_to(user=request.user), code=unit_code)
    named = plan_named(request)
    try:
        year, quarter = parse_period_code(period_code)
    except ValueError:
        raise Http404(_("季度编号无效")) from None
    having = Period.objects.filter(
        year=year, quarter=quarter, plan__in=[named] if named else plans_for(request)
    )
    periods = {p.plan_id: p for p in having.select_related("plan")}
    remembered = request.session.get(SESSION_KEY)
    ordered = [p for p in plans_for(request) if p.pk in periods]
    plan = (
        named or next((p for p in ordered if p.pk == remembered), None) or (ordered[0] if ordered else None)
    )
    if plan is None or plan.pk not in periods:
        raise Http404(_("本方案没有这个季度"))
    plan_show(request, plan)
    return unit, periods[plan.pk]


def sheet_url(unit: Unit, period: Period, *, name: str = "reports:sheet", query: str = "") -> str:
    """The address of a unit's quarterly sheet (or its page `name`), naming the quarter's plan, so that it opens the
    same plan in any tab; `query` adds to it ("saved=1")."""
    return f"{reverse(name, args=[unit.code, period.code])}?plan={period.plan_id}" + (
        f"&{query}" if query else ""
    )
