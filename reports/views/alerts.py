"""The alerts page (预警提醒): the user's open alerts, the recently closed ones greyed, and "mark all read"."""

from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reports.alerts.delivery import deliveries_failed_count
from reports.alerts.links import alert_path
from reports.alerts.selectors import RECENTLY_CLOSED, alerts_listed_for
from reports.alerts.services import alerts_mark_read
from reports.models import Alert
from targets.models import WorkPlan
from tasks.selectors import plan_order
from units.models import User


@dataclass
class AlertRow:
    alert: Alert
    url: str
    unread: bool


@dataclass
class PlanAlerts:
    plan: WorkPlan
    rows: list[AlertRow]


def _by_plan(rows: list[AlertRow]) -> list[PlanAlerts]:
    """The rows grouped by their plan, in the order plans are listed (open ones first), each group newest first."""
    groups: dict[int, PlanAlerts] = {}
    for row in rows:
        plan = row.alert.period.plan
        groups.setdefault(plan.pk, PlanAlerts(plan=plan, rows=[])).rows.append(row)
    return sorted(groups.values(), key=lambda group: plan_order(group.plan))


def alert_list(request: HttpRequest) -> HttpResponse:
    """The user's alerts of every plan, grouped by plan (the plan named only once the portal holds two)."""
    alerts = alerts_listed_for(user=request.user)
    rows = [
        AlertRow(alert=a, url=alert_path(a), unread=not a.is_read and a.closed_at is None) for a in alerts
    ]
    open_rows = [r for r in rows if r.alert.closed_at is None]
    return render(
        request,
        "reports/alerts.html",
        {
            "open_count": len(open_rows),
            "open_groups": _by_plan(open_rows),
            "closed_groups": _by_plan([r for r in rows if r.alert.closed_at is not None]),
            "unread": sum(r.unread for r in open_rows),
            "recent_days": RECENTLY_CLOSED.days,
            # The office sets up the group robots and SMS lists (管理后台) and hears of the sends that failed.
            "keeps_channels": request.user.role == User.Role.OFFICE,
            "failed_sends": deliveries_failed_count() if request.user.role == User.Role.OFFICE else 0,
        },
    )


@require_POST
def alert_mark_read(request: HttpRequest) -> HttpResponse:
    marked = alerts_mark_read(user=request.user)
    if marked:
        messages.success(request, _("已将%(n)d条提醒标为已读") % {"n": marked})
    return redirect("reports:alert_list")
