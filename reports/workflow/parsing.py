"""Numbers and dates as people type them, into Python values; a clear error otherwise."""

import datetime
import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def parse_decimal(text: str | None, *, label: str) -> Decimal | None:
    """A number typed by a person ("1,234", "１２", " 85.5 ") or None when empty. Raises ValidationError."""
    if text is None:
        return None
    cleaned = str(text).strip().translate(FULL_WIDTH).replace(",", "").replace("，", "")
    if cleaned.endswith("%"):
        cleaned = cleaned[:-1]
    if not cleaned:
        return None
    if EXPONENT.search(cleaned):
        raise ValidationError(
            _("%(label)s请不要使用科学计数法（如1e3），请直接填写数字，您填写的是“%(text)s”")
            % {"label": label, "text": text}
        )
    # Only what people write as a number: Decimal would also take "1_000", "Infinity" or "NaN".
    if not PLAIN_NUMBER.fullmatch(cleaned):
        raise ValidationError(_("%(label)s应为数字，您填写的是“%(text)s”") % {"label": label, "text": text})
    return Decimal(cleaned)


FULL_WIDTH = str.maketrans("０１２３４５６７８９．－＋ｅＥ", "0123456789.-+eE")
PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
EXPONENT = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)[eE][+-]?\d+$")


def parse_date(text: str | None, *, label: str) -> datetime.date | None:
    if text is None or str(text).strip() == "":
        return None
    if isinstance(text, datetime.datetime):
        return text.date()
    if isinstance(text, datetime.date):
        return text
    try:
        return datetime.date.fromisoformat(str(text).strip().replace("/", "-").replace(".", "-"))
    except ValueError:
        raise ValidationError(
            _("%(label)s应为日期，如 2023-12-31，您填写的是“%(text)s”") % {"label": label, "text": text}
        ) from None
