"""Where a user acts on an alert: the address the alerts page links to and a robot's message or an SMS ends with."""

from django.conf import settings
from django.urls import reverse

from reports.models import Alert


def alert_path(alert: Alert) -> str:
    """The indicator's page, the returned item, or the unit's quarterly sheet (its instructions at the top for an
    instruction to answer), in the alert's plan."""
    if alert.kind == Alert.Kind.INDICATOR_RED:
        return reverse("reports:indicator_detail", args=[alert.indicator_id])
    plan = f"?plan={alert.period.plan_id}"
    if alert.kind == Alert.Kind.RETURNED_STALE:
        kind, pk = ("figure", alert.indicator_id) if alert.indicator_id else ("task", alert.task_id)
        return reverse("reports:item_detail", args=[alert.unit.code, alert.period.code, kind, pk]) + plan
    sheet = reverse("reports:sheet", args=[alert.unit.code, alert.period.code]) + plan
    return sheet + "#instructions" if alert.kind == Alert.Kind.INSTRUCTION else sheet


def alert_url(alert: Alert) -> str:
    """alert_path as an absolute address (PORTAL_BASE_URL), for messages read outside the portal."""
    return settings.PORTAL_BASE_URL.rstrip("/") + alert_path(alert)
