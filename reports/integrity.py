"""Integrity of approved figures: each carries an HMAC (keyed by FIGURE_CHECKSUM_KEY, else SECRET_KEY) of its value
and its approval, written when it is approved; `figures_tampered` finds any approved figure whose stored values no
longer match it, i.e. changed behind the application's back (in the database directly)."""

import datetime
import hmac

from django.conf import settings
from django.db.models import QuerySet
from django.utils.crypto import salted_hmac

from .models import Status, Submission

SALT = "ipcity.reports.figure-approval"


def _text(value) -> str:
    if value is None:
        return "-"
    if hasattr(value, "normalize"):  # Decimal: 12.5000 and 12.5 are one value
        return f"{value.normalize():f}"
    if isinstance(value, datetime.datetime):  # one instant, however the database hands it back
        return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def figure_checksum(figure: Submission) -> str:
    """The HMAC of what an approval vouches for: which figure, whose, for when, its numbers, and who approved it
    when."""
    parts = (
        figure.pk,
        figure.unit_id,
        figure.indicator_id,
        figure.period_id,
        figure.value,
        figure.numerator,
        figure.denominator,
        figure.achieved,
        figure.achieved_on,
        figure.status,
        figure.reviewed_by_id,
        figure.reviewed_at,
    )
    key = getattr(settings, "FIGURE_CHECKSUM_KEY", "") or settings.SECRET_KEY
    return salted_hmac(SALT, "|".join(_text(p) for p in parts), secret=key, algorithm="sha256").hexdigest()


def figures_tampered(*, figures: QuerySet[Submission] | None = None) -> list[Submission]:
    """Approved figures whose checksum is missing or does not match their stored values."""
    figures = figures if figures is not None else Submission.objects.all()
    approved = figures.filter(status=Status.APPROVED).select_related("indicator", "unit", "period")
    return [
        f
        for f in approved.iterator(chunk_size=2000)
        if not hmac.compare_digest(f.checksum, figure_checksum(f))
    ]


def figures_sign() -> int:
    """Write the checksum of every approved figure with the current key. Returns how many were signed."""
    signed = 0
    for figure in Submission.objects.filter(status=Status.APPROVED).iterator(chunk_size=2000):
        Submission.objects.filter(pk=figure.pk).update(checksum=figure_checksum(figure))
        signed += 1
    return signed
