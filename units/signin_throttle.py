"""Sign-in throttling per username, across addresses (等保: 登录失败处理). django-axes locks a username out from one
address after 5 failures; a guesser who moves from address to address is slowed down here instead: after
SIGNIN_THROTTLE_FAILURES failed sign-ins of one username within SIGNIN_THROTTLE_WINDOW (and none successful since),
its next try must wait SIGNIN_THROTTLE_FIRST_WAIT after the latest failure, twice as long after each further failure,
never longer than SIGNIN_THROTTLE_MAX_WAIT. A try made too soon is refused before the password is checked and is not
a failure, so it does not lengthen the wait: the real user always gets in after at most the ceiling.

The failures counted are the audit log's (login_failed, written for every failed sign-in by units.signals), so every
web process sees the same count."""

import datetime
import math

from django.conf import settings
from django.db.models import Count, Max
from django.utils import timezone

from .audit import audit
from .models import AuditEvent


def signin_wait(*, username: str, now: datetime.datetime | None = None) -> int:
    """Seconds `username` must still wait before its next sign-in may be checked (0: it may try now)."""
    now = now or timezone.now()
    since = now - settings.SIGNIN_THROTTLE_WINDOW
    events = AuditEvent.objects.filter(username=username[:150], at__gte=since)
    succeeded = events.filter(action="login").aggregate(at=Max("at"))["at"]
    failed = events.filter(action="login_failed", at__gt=succeeded or since).aggregate(
        n=Count("id"), at=Max("at")
    )
    beyond = failed["n"] - settings.SIGNIN_THROTTLE_FAILURES
    if beyond < 0:
        return 0
    first, ceiling = settings.SIGNIN_THROTTLE_FIRST_WAIT, settings.SIGNIN_THROTTLE_MAX_WAIT
    wait = min(first * 2 ** min(beyond, 20), ceiling)  # 2**20 × the first wait is past any ceiling
    return max(0, math.ceil((failed["at"] + wait - now).total_seconds()))


def signin_throttled(*, username: str, wait: int) -> None:
    """Record a sign-in refused because its username must wait `wait` more seconds (the request being served gives
    the address)."""
    audit(
        action="login_throttled",
        username=username[:150],
        result=AuditEvent.Result.DENIED,
        detail=f"登录失败次数过多，须再等待{wait}秒",
    )
