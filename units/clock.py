"""The portal's clock: the day it stands on and the time on that day. Everything a person reads is dated by it, so
the demo (PORTAL_TODAY=2025-07-15) never shows the machine's own date beside the portal's.

In the units app, the bottom layer, because the audit log, sign-in and account pages use it as well as the
reporting calendar (targets.periods re-exports both for the apps above)."""

import datetime

from django.conf import settings
from django.utils import timezone


def portal_today() -> datetime.date:
    """Today in Asia/Shanghai, or the date in the PORTAL_TODAY setting (tests and the demo stand anywhere)."""
    if settings.PORTAL_TODAY:
        return datetime.date.fromisoformat(settings.PORTAL_TODAY)
    return timezone.localdate()


def portal_now() -> datetime.datetime:
    """Now, on the portal's today: the real time of day, on PORTAL_TODAY's date when the setting moves the calendar
    (tests, the demo)."""
    now = timezone.localtime()
    if settings.PORTAL_TODAY:
        day = portal_today()
        return now.replace(year=day.year, month=day.month, day=day.day)
    return now
