"""Reads for alerts: which alerts a user sees, the alerts page, the unread count of the header's bell."""

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet

from reports.models import Alert
from targets.models import Indicator, WorkPlan
from targets.periods import portal_now
from units.models import User
from units.selectors import units_visible_to

RECENTLY_CLOSED = datetime.timedelta(days=7)  # closed alerts stay on the list (greyed) this long


def alerts_for_user(*, user: User, closed_since: datetime.datetime | None = None) -> QuerySet[Alert]:
    """The open alerts a user sees (and those closed since `closed_since`): unit staff their unit's and the red
    indicators their unit reports; the office what is meant for it (escalations, red indicators) and its own
    unit's; leaders red indicators; everyone else nothing. Scoped through units_visible_to; open ones only of plans
    being reported."""
    if not user.is_authenticated:
        return Alert.objects.none()
    units = units_visible_to(user=user)
    if user.role in User.UNIT_ROLES:
        reported = Indicator.reporting_units.through.objects.filter(unit__in=units).values("indicator_id")
        audience = Q(unit__in=units) | Q(kind=Alert.Kind.INDICATOR_RED, indicator__in=reported)
    elif user.role == User.Role.OFFICE:
        audience = Q(for_office=True) & (Q(unit__in=units) | Q(unit__isnull=True))
        if user.unit_id:
            audience |= Q(unit_id=user.unit_id)
    elif user.role == User.Role.LEADER:
        audience = Q(kind=Alert.Kind.INDICATOR_RED)
    else:
        return Alert.objects.none()
    # An open alert counts while its plan is being reported: once a plan ends, the nightly job closes what is left
    # (alerts_close_inactive_plans), and until then nobody is told to report for a plan that no longer asks for it.
    state = Q(closed_at__isnull=True, period__plan__status=WorkPlan.Status.ACTIVE)
    if closed_since is not None:
        state |= Q(closed_at__gte=closed_since)
    return Alert.objects.filter(audience, state)


def alerts_listed_for(*, user: User) -> QuerySet[Alert]:
    """The user's alerts page: open ones and those closed in the last RECENTLY_CLOSED, newest first, each with
    `is_read` for this user. One query."""
    read = Alert.read_by.through.objects.filter(alert_id=OuterRef("pk"), user_id=user.pk)
    return (
        alerts_for_user(user=user, closed_since=portal_now() - RECENTLY_CLOSED)
        .select_related("unit", "period__plan", "indicator")
        .annotate(is_read=Exists(read))
        .order_by("-opened_at", "-pk")
    )


def alert_unread_count(*, user: User) -> int:
    """How many open alerts the user sees and has not marked read. One query; none for anonymous users."""
    if not user.is_authenticated:
        return 0
    return alerts_for_user(user=user).exclude(read_by=user).count()
