"""Template context for every page."""

from django.conf import settings
from django.http import Http404, HttpRequest

from reports.alerts.selectors import alert_unread_count
from targets.periods import portal_now
from tasks.plan_choice import plan_for, plans_for


def alerts(request: HttpRequest) -> dict[str, int]:
    """The bell's number: open alerts the user sees and has not read. One query; none for anonymous users."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"alert_count": alert_unread_count(user=user)}


def demo_mode(request: HttpRequest) -> dict[str, bool]:
    """Whether the portal runs on demo accounts and demo data (演示数据), so every page can say so."""
    return {"demo_mode": bool(getattr(settings, "DEMO_MODE", False))}


def portal_clock(request: HttpRequest) -> dict:
    """`portal_now`, the time on the portal's day (PORTAL_TODAY in the demo), for dates a page prints; called only by a
    page that prints it."""
    return {"portal_now": portal_now}


def plans(request: HttpRequest) -> dict:
    """The plan bar under the header, once the portal holds more than one plan: every plan (open ones first), the one
    this page shows, and `plan_query` (?plan=<id>; `plan_amp` after another parameter) that the page's links to pages of
    the plan carry, so an address copied from any page opens the same plan for a colleague. One query per page (none for anonymous users)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    listed = plans_for(request)
    if len(listed) < 2:
        return {}
    try:
        shown = plan_for(request)
    except Http404:
        shown = None
    return {
        "plan_choices": listed,
        "plan_shown": shown,
        "plan_query": f"?plan={shown.pk}" if shown else "",
        "plan_amp": f"&plan={shown.pk}" if shown else "",
    }
