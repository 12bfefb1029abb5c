"""What an API request is about, from its query: the plan (?plan=<id>, else the user's default as the pages have it),
a quarter of it (?quarter=2025Q2) and the filters of a list. A plan that is not listed (a draft, or none) is 404, as
on the pages; a malformed filter is 400 naming the parameter."""

import datetime
import re

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request

from targets.models import Period, WorkPlan
from targets.periods import parse_period_code, portal_today
from tasks.plan_choice import plan_named, plans_for
from tasks.selectors import plan_default_for


def request_plan(request: Request) -> WorkPlan:
    """The plan `?plan=<id>` names, else the one the user's pages open on by default (tasks.selectors.plan_default_for:
    a unit's open plan with its nearest due date, the newest open plan for everyone else). The API keeps nothing
    between requests: the plan a person last looked at in the portal does not change what a program reads."""
    http = request._request
    plan = plan_named(http)
    if plan is None:
        plan = plan_default_for(user=request.user, plans=plans_for(http), today=portal_today())
    if plan is None:
        raise NotFound(_("还没有工作方案"))
    return plan


def _text(request: Request, name: str) -> str:
    return (request.query_params.get(name) or "").strip()


def request_quarter(
    request: Request, plan: WorkPlan, *, periods: list[Period] | None = None
) -> Period | None:
    """The plan's quarter `?quarter=` names (2025Q2), None when the query names none. Among `periods` when the caller
    holds them (the plan's, in order)."""
    code = _text(request, "quarter")
    if not code:
        return None
    try:
        year, quarter = parse_period_code(code)
    except ValueError:
        raise ValidationError(
            {"quarter": [_("季度编号应形如 2025Q2，收到“%(code)s”") % {"code": code[:20]}]}
        ) from None
    if periods is not None:
        found = next((p for p in periods if (p.year, p.quarter) == (year, quarter)), None)
    else:
        found = Period.objects.filter(plan=plan, year=year, quarter=quarter).order_by("pk").first()
    if found is None:
        raise ValidationError(
            {"quarter": [_("《%(title)s》没有%(code)s这个季度") % {"title": plan.title, "code": code}]}
        )
    found.plan = plan
    return found


def request_id(request: Request, name: str) -> int | None:
    """The id `?name=` gives, None when none; 400 when it is not a whole number."""
    text = _text(request, name)
    if not text:
        return None
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        raise ValidationError({name: [_("应为编号（整数），收到“%(text)s”") % {"text": text[:20]}]})
    return int(text)


def request_choice(request: Request, name: str, choices) -> str | None:
    """One of `choices` (value, label) named by `?name=`, None when none; 400 naming the values it takes."""
    text = _text(request, name)
    if not text:
        return None
    values = [value for value, _label in choices]
    if text not in values:
        raise ValidationError(
            {
                name: [
                    _("应为以下之一：%(values)s，收到“%(text)s”")
                    % {"values": "、".join(values), "text": text[:20]}
                ]
            }
        )
    return text


def request_since(request: Request, name: str) -> datetime.datetime | None:
    """A moment `?name=` gives as ISO 8601 (2025-07-01T08:00:00+08:00; without an offset, Beijing time)."""
    text = _text(request, name)
    if not text:
        return None
    # "+08:00" sent unencoded arrives as " 08:00" (a "+" in a query is a space): read it as meant.
    text = re.sub(r" (\d\d:?\d\d)$", r"+\1", text)
    try:
        moment = parse_datetime(text)
    except ValueError:
        moment = None
    if moment is None or not 2 <= moment.year <= 9998:  # beyond, a change of time zone overflows the calendar
        raise ValidationError(
            {name: [_("应为时间，如 2025-07-01T08:00:00+08:00，收到“%(text)s”") % {"text": text[:40]}]}
        )
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def request_code(request: Request, name: str) -> str | None:
    """A code `?name=` gives (a unit's code: jingyang), None when none."""
    return _text(request, name)[:40] or None
