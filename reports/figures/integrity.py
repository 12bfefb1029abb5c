"""Integrity of figures: an approved figure carries an HMAC (keyed by FIGURE_CHECKSUM_KEY, else SECRET_KEY) of its
value and its approval, written when it is approved; a figure not yet approved must read as its last history row
(every change through the portal writes one). `figures_tampered` finds the figures that do not, i.e. changed behind
the application's back (in the database directly)."""

import datetime
import hmac

from django.conf import settings
from django.db.models import Max, QuerySet
from django.utils.crypto import salted_hmac

from reports.models import Status, Submission
from targets.display import decimal_text
from units.audit import audit
from units.models import AuditEvent

SALT = "ipcity.reports.figure-approval"


def _text(value) -> str:
    if value is None:
        return "-"
    if hasattr(value, "normalize"):  # Decimal: 12.5000 and 12.5 are one value
        return decimal_text(value)
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


# What a figure's last history row must hold as the figure does (the bookkeeping columns aside).
RECORDED = (
    "unit_id", "period_id", "indicator_id", "status", "version", "value", "numerator", "denominator", "achieved",
    "achieved_on",
)  # fmt: skip


def figures_tampered(*, figures: QuerySet[Submission] | None = None) -> list[Submission]:
    """Approved figures whose checksum is missing or does not match their stored values, and figures not approved
    that differ from their last history row (or have none)."""
    figures = figures if figures is not None else Submission.objects.all()
    figures = figures.select_related("indicator", "unit", "period")
    approved = figures.filter(status=Status.APPROVED)
    return [
        *(
            f
            for f in approved.iterator(chunk_size=2000)
            if not hmac.compare_digest(f.checksum, figure_checksum(f))
        ),
        *_unlike_their_history(figures.exclude(status=Status.APPROVED)),
    ]


def _unlike_their_history(figures: QuerySet[Submission]) -> list[Submission]:
    """The figures whose stored values are not those of their last history row, a thousand at a time."""
    history = Submission.history.model.objects
    unlike = []
    chunk: list[Submission] = []
    for figure in [*figures.order_by("pk").iterator(chunk_size=1000), None]:
        if figure is not None:
            chunk.append(figure)
        if chunk and (figure is None or len(chunk) == 1000):
            last = history.filter(id__in=[f.pk for f in chunk]).values("id").annotate(last=Max("history_id"))
            recorded = {
                row[0]: tuple(row[1:])
                for row in history.filter(history_id__in=[row["last"] for row in last]).values_list(
                    "id", *RECORDED
                )
            }
            unlike += [f for f in chunk if recorded.get(f.pk) != tuple(getattr(f, name) for name in RECORDED)]
            chunk = []
    return unlike


def figures_sign() -> int:
    """Write the checksum of every approved figure with the current key. Returns how many were signed."""
    signed = 0
    for figure in Submission.objects.filter(status=Status.APPROVED).iterator(chunk_size=2000):
        Submission.objects.filter(pk=figure.pk).update(checksum=figure_checksum(figure))
        signed += 1
    return signed


def figures_check() -> list[Submission]:
    """The integrity check: every approved figure against its checksum. A mismatch is written to the audit log, for
    the auditor. Returns the figures that do not match."""
    tampered = figures_tampered()
    if tampered:
        listed = "\n".join(f"{figure}（编号 {figure.pk}）" for figure in tampered)
        audit(
            action="integrity",
            result=AuditEvent.Result.FAILURE,
            detail=f"{len(tampered)}项校验不符：\n{listed}"[:5000],
        )
    return tampered
