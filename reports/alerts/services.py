"""Writes for alerts (预警提醒): `alerts_refresh` computes every cause that holds today (reports.alerts.causes),
then in one transaction inserts the missing ones (the key is unique: a rerun or a concurrent run never inserts a
cause twice), updates the open ones, reopens a closed one whose cause came back, and closes the open ones whose
cause went away."""

import datetime

from django.db import transaction

from reports.alerts.causes import causes_today
from reports.alerts.selectors import alerts_for_user
from reports.models import Alert
from targets.models import WorkPlan
from targets.periods import portal_now, portal_today
from units.models import User


def _on(today: datetime.date) -> datetime.datetime:
    """The portal's current time moved to `today` (alerts opened or closed "on" that day)."""
    now = portal_now()
    return now.replace(year=today.year, month=today.month, day=today.day)


@transaction.atomic
def alerts_refresh(*, plan: WorkPlan, today: datetime.date | None = None) -> dict[str, int]:
    """Bring the plan's alerts in line with what holds today: open the missing, update the open, reopen the
    returned, close the gone. Safe to run twice or twice at once. Returns how many were opened, reopened,
    updated and closed, and how many are open."""
    today = today or portal_today()
    now = _on(today)
    # One refresh of a plan at a time (PostgreSQL): a second run waits, then finds everything in place.
    WorkPlan.objects.select_for_update().filter(pk=plan.pk).first()
    periods = list(plan.periods.all())
    causes = causes_today(plan=plan, periods=periods, today=today)
    existing = {alert.key: alert for alert in Alert.objects.filter(period__plan=plan)}
    create, reopen, update = [], [], []
    for key, cause in causes.items():
        alert = existing.get(key)
        if alert is None:
            create.append(
                Alert(
                    key=key,
                    kind=cause.kind,
                    unit_id=cause.unit_id,
                    for_office=cause.for_office,
                    period_id=cause.period_id,
                    indicator_id=cause.indicator_id,
                    task_id=cause.task_id,
                    message=cause.message,
                    count=cause.count,
                    opened_at=now,
                )
            )
        elif alert.closed_at is not None:
            # The cause came back (an item reopened, returned again): a new alert, unread and not yet e-mailed.
            alert.closed_at, alert.emailed_at, alert.opened_at = None, None, now
            alert.message, alert.count = cause.message, cause.count
            reopen.append(alert)
        elif (alert.message, alert.count) != (cause.message, cause.count):
            alert.message, alert.count = cause.message, cause.count
            update.append(alert)
    gone = [alert.pk for key, alert in existing.items() if alert.closed_at is None and key not in causes]
    if create:
        # ignore_conflicts: INSERT … ON CONFLICT DO NOTHING on the unique key, so even a run that bypassed the
        # lock above (SQLite has none) cannot insert a cause twice or fail on the other's row.
        Alert.objects.bulk_create(create, ignore_conflicts=True)
    if reopen:
        Alert.objects.bulk_update(reopen, ["closed_at", "emailed_at", "opened_at", "message", "count"])
        Alert.read_by.through.objects.filter(alert_id__in=[a.pk for a in reopen]).delete()
    if update:
        Alert.objects.bulk_update(update, ["message", "count"])
    closed = Alert.objects.filter(pk__in=gone, closed_at__isnull=True).update(closed_at=now) if gone else 0
    return {
        "opened": len(create),
        "reopened": len(reopen),
        "updated": len(update),
        "closed": closed,
        "open": len(causes),
    }


def alerts_close_inactive_plans() -> int:
    """Close the open alerts of plans that are no longer active (nobody refreshes them any more)."""
    return (
        Alert.objects.filter(closed_at__isnull=True)
        .exclude(period__plan__status=WorkPlan.Status.ACTIVE)
        .update(closed_at=portal_now())
    )


def alerts_mark_read(*, user: User) -> int:
    """Mark every open alert the user sees as read by them. Returns how many were newly marked."""
    ids = list(alerts_for_user(user=user).exclude(read_by=user).values_list("pk", flat=True))
    through = Alert.read_by.through
    through.objects.bulk_create([through(alert_id=pk, user_id=user.pk) for pk in ids], ignore_conflicts=True)
    return len(ids)
