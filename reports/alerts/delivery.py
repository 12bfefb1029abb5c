"""Sending alerts to the group robots and by SMS (the portal's list and e-mail are elsewhere: selectors, mail).

`deliveries_create` finds, for every open alert, the channels and users that should hear of it and records one
NotificationDelivery each: the unique keys (alert × channel or user × the alert's opening) mean an alert is never
queued twice for one place, however often or concurrently this runs. `deliveries_send` then sends what is due, one
row at a time under a row lock (a concurrent run skips it); a failure is retried after NOTIFY_RETRY_SECONDS,
doubled after each try, and after NOTIFY_MAX_ATTEMPTS tries stays failed for the system administrator to see
(管理后台 › 通知发送记录). A message the robot accepted whose answer was lost (the worker killed in between) is sent
again: a send is at least once, recorded exactly once.

Who hears of an alert: a unit's channel the alerts of that unit (and the red indicators it reports), a group's
channel those of its member units, the office's channel the alerts meant for the office; a user's SMS what the
user sees in the portal (alerts_for_user). Each only for the kinds chosen and the alerts opened since it was set up.
"""

import datetime
import logging
from collections import Counter, defaultdict

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.alerts.channels import unseal
from reports.alerts.links import alert_url
from reports.alerts.selectors import alerts_for_user
from reports.alerts.transports import robot_send, sms_send
from reports.models import Alert, NotificationChannel, NotificationDelivery, NotificationPreference
from targets.models import Indicator, WorkPlan

logger = logging.getLogger(__name__)

Delivery = NotificationDelivery
State = NotificationDelivery.State


# The most of an alert's text a robot's message or an SMS carries (characters): an alert quoting a return reason may
# run to 2,000, which 企业微信 refuses (a text message holds 2,048 bytes) and no SMS gateway takes; the link leads to
# the whole of it.
MESSAGE_MAX_CHARS = 300


def alert_text(alert: Alert) -> str:
    """The short Chinese message for a robot or an SMS: kind, unit, what to do (cut at MESSAGE_MAX_CHARS), and the
    link back to the item."""
    who = f"{alert.unit.name}：" if alert.unit_id else ""
    message = alert.message.strip()
    if len(message) > MESSAGE_MAX_CHARS:
        message = message[: MESSAGE_MAX_CHARS - 2] + "……"
    return _("【预警提醒·%(kind)s】%(who)s%(message)s 查看：%(url)s") % {
        "kind": alert.get_kind_display(),
        "who": who,
        "message": message,
        "url": alert_url(alert),
    }


def _channel_matches(channel: NotificationChannel, alert: Alert, units: set[int], members: set[int]) -> bool:
    if alert.kind not in channel.alert_kinds or alert.opened_at < channel.carries_from:
        return False
    if channel.for_office:
        return alert.for_office
    if channel.unit_id:
        return channel.unit_id in units
    return bool(units & members)


def deliveries_create(*, now: datetime.datetime | None = None) -> int:
    """Record a delivery for each open alert of an active plan and each active channel or SMS user that should hear
    of it and has not yet (for this opening of the alert). Safe to run twice or twice at once. Returns how many it
    found to record (two runs at the same moment may each count a delivery the database keeps once)."""
    now = now or timezone.now()
    channels = list(NotificationChannel.objects.filter(active=True).select_related("group"))
    preferences = [
        p
        for p in NotificationPreference.objects.filter(user__is_active=True, sms_from__isnull=False)
        .exclude(mobile="")
        .select_related("user")
        if p.sms_kinds
    ]
    if not channels and not preferences:
        return 0
    rows: list[Delivery] = []
    if channels:
        members = {
            c.pk: set(c.group.members.values_list("pk", flat=True)) if c.group_id else set() for c in channels
        }
        alerts = list(
            Alert.objects.filter(
                closed_at__isnull=True,
                period__plan__status=WorkPlan.Status.ACTIVE,
                opened_at__gte=min(c.carries_from for c in channels),
            )
        )
        reporters: dict[int, set[int]] = defaultdict(set)
        red = {a.indicator_id for a in alerts if a.unit_id is None and a.indicator_id}
        for indicator_id, unit_id in Indicator.reporting_units.through.objects.filter(
            indicator_id__in=red
        ).values_list("indicator_id", "unit_id"):
            reporters[indicator_id].add(unit_id)
        for alert in alerts:
            units = {alert.unit_id} if alert.unit_id else reporters.get(alert.indicator_id, set())
            rows += [
                Delivery(alert=alert, channel=channel, opened_at=alert.opened_at, next_attempt_at=now)
                for channel in channels
                if _channel_matches(channel, alert, units, members[channel.pk])
            ]
    for preference in preferences:
        seen = alerts_for_user(user=preference.user).filter(
            kind__in=preference.sms_kinds, opened_at__gte=preference.sms_from
        )
        rows += [
            Delivery(alert=alert, user=preference.user, opened_at=alert.opened_at, next_attempt_at=now)
            for alert in seen
        ]
    existing = set(
        Delivery.objects.filter(alert_id__in={r.alert_id for r in rows}).values_list(
            "alert_id", "channel_id", "user_id", "opened_at"
        )
    )
    new = [r for r in rows if (r.alert_id, r.channel_id, r.user_id, r.opened_at) not in existing]
    # ignore_conflicts: ON CONFLICT DO NOTHING on the unique keys, for a concurrent run that got there first.
    Delivery.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def _send(delivery: Delivery) -> None:
    """Send one delivery's message. Raises DeliveryError (or ValueError for a secret no key opens)."""
    text = alert_text(delivery.alert)
    if delivery.user_id:
        sms_send(numbers=[delivery.user.notification_preference.mobile], text=text)
        return
    channel = delivery.channel
    if channel.kind == NotificationChannel.Kind.SMS:
        sms_send(numbers=channel.numbers, text=text)
        return
    robot_send(
        kind=channel.kind,
        webhook=unseal(channel.webhook_token),
        secret=unseal(channel.secret_token) if channel.secret_token else "",
        text=text,
    )


def _withdrawn(delivery: Delivery) -> str:
    """Why a queued delivery (a retry, most often) is no longer to be sent ("" if it still is): what
    deliveries_create checks before queueing one, checked again."""
    if delivery.alert.closed_at is not None or delivery.alert.opened_at != delivery.opened_at:
        return _("提醒已解除，不再发送")
    if delivery.channel_id and not delivery.channel.active:
        return _("渠道已停用")
    if delivery.channel_id and delivery.alert.kind not in delivery.channel.alert_kinds:
        return _("渠道已不发送此类提醒")
    if delivery.user_id:
        if not delivery.user.is_active:
            return _("账号已停用")
        preference = getattr(delivery.user, "notification_preference", None)
        if preference is None or delivery.alert.kind not in preference.sms_kinds or not preference.mobile:
            return _("用户已关闭短信提醒")
    return ""


def retry_wait(attempts: int) -> datetime.timedelta:
    """How long to wait after the `attempts`-th failed try: NOTIFY_RETRY_SECONDS, doubled after each."""
    return datetime.timedelta(seconds=settings.NOTIFY_RETRY_SECONDS * 2 ** (attempts - 1))


def deliveries_send(*, now: datetime.datetime | None = None, limit: int = 50) -> dict[str, int]:
    """Send the deliveries that are due (new ones and retries whose wait is over), oldest first, at most `limit`.
    Safe to run twice at once: each row is sent under its lock, and one already done is skipped. Returns how many
    were sent, put off for a retry ("retry"), given up ("failed") and withdrawn ("cancelled")."""
    now = now or timezone.now()
    due = list(
        Delivery.objects.filter(state=State.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    counts: Counter[str] = Counter()
    for pk in due:
        with transaction.atomic():
            delivery = (
                Delivery.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("alert__unit", "alert__period", "channel", "user__notification_preference")
                .filter(pk=pk, state=State.PENDING, next_attempt_at__lte=now)
                .first()
            )
            if delivery is None:
                continue
            counts[_attempt(delivery, now)] += 1
    return dict(counts)


def _attempt(delivery: Delivery, now: datetime.datetime) -> str:
    """Try one delivery and record the outcome. Returns "sent", "retry", "failed" or "cancelled"."""
    reason = _withdrawn(delivery)
    if reason:
        delivery.state, delivery.last_error, delivery.next_attempt_at = State.CANCELLED, reason, None
        delivery.save(update_fields=["state", "last_error", "next_attempt_at"])
        return "cancelled"
    delivery.attempts += 1
    try:
        _send(delivery)
    except Exception as error:  # noqa: BLE001 (a plugged-in SMS gateway may raise anything: record it, retry)
        delivery.last_error = str(error)[:1000] or error.__class__.__name__
        if delivery.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
            delivery.state, delivery.next_attempt_at = State.FAILED, None
            logger.warning("通知发送失败（已尝试%d次，不再重试）：%s：%s", delivery.attempts, delivery, error)
            outcome = "failed"
        else:
            delivery.next_attempt_at = now + retry_wait(delivery.attempts)
            outcome = "retry"
    else:
        delivery.state, delivery.sent_at, delivery.next_attempt_at = State.SENT, now, None
        delivery.last_error = ""
        outcome = "sent"
    delivery.save(update_fields=["state", "attempts", "last_error", "next_attempt_at", "sent_at"])
    return outcome


def notifications_send(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Queue what the open alerts owe the channels and SMS users, then send what is due. Returns the counts of
    deliveries_send and how many were queued ("queued")."""
    queued = deliveries_create(now=now)
    return {"queued": queued, **deliveries_send(now=now)}


def deliveries_failed_count() -> int:
    """How many deliveries failed for good (the alerts page tells the office, 管理后台 lists them)."""
    return Delivery.objects.filter(state=State.FAILED).count()
