"""Rules a figure or task report must meet, by target kind. Pure functions: no database; messages through gettext.

Hard rules hold for every save (a draft too); the stricter ones hold when an item is submitted.
"""

import datetime
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.fields import text_too_long
from targets.display import decimal_text as _num
from targets.display import is_count
from targets.models import Indicator

# What a person fills in on a figure and on a task report.
FIGURE_FIELDS = ("value", "numerator", "denominator", "achieved", "achieved_on", "note")
TASK_REPORT_FIELDS = ("progress", "progress_text", "problems", "next_steps", "note")
STOCK_JUMP = Decimal("0.5")  # a stock that rises more than 50% on last quarter needs an explanation

# The longest text each field takes (the sheet's forms and the Excel import check the same limits).
NOTE_LIMIT = 2000
TEXT_LIMIT = 4000

# What no figure of a city's plan comes near, by unit of measure: past it the number was mistyped or written in
# the wrong unit (99,999,999,999,999 亿元). Stored numbers have 14 digits before the point, so every limit is below.
LARGEST_COUNT = Decimal(10) ** 10
LARGEST_BY_UOM = {"亿元": Decimal(10) ** 5, "万元": Decimal(10) ** 9, "元": Decimal(10) ** 13}
LARGEST_OTHER = Decimal(10) ** 12
DEFAULT_PLACES = 2  # an amount, a density or a rate, as plans write them (3.25亿元, 6.75件/万人, 94.12%)

VALUE_LABELS = {
    Indicator.Kind.LEVEL: gettext_lazy("季末数"),
    Indicator.Kind.CUMULATIVE: gettext_lazy("本季度发生额"),
    Indicator.Kind.INCREMENT: gettext_lazy("本季度新增数"),
    Indicator.Kind.RATE: gettext_lazy("本季度比率（%）"),
    Indicator.Kind.RELATIVE: gettext_lazy("季末数值"),
    Indicator.Kind.MILESTONE: gettext_lazy("是否达成"),
}


def figure_places(indicator: Indicator) -> int:
    """How many decimals a figure of this indicator takes: as set on the indicator, else none for a count of things
    (402户, 48000件; not a density such as 每万人高价值发明专利拥有量), else two."""
    if indicator.decimals is not None:
        return indicator.decimals
    return 0 if is_count(indicator) else DEFAULT_PLACES


def ratio_places(label: str) -> int:
    """How many decimals a rate's numerator or denominator takes: none when it counts cases (审限内结案数)."""
    return 0 if label.endswith("数") else DEFAULT_PLACES


def figure_largest(indicator: Indicator) -> Decimal:
    """The magnitude no figure of this indicator reaches (a sanity bound, not a target)."""
    if is_count(indicator):
        return LARGEST_COUNT
    return LARGEST_BY_UOM.get(indicator.uom, LARGEST_OTHER)


def places_of(number: Decimal) -> int:
    """The decimals a number is written with, trailing zeros not counted: 16.0 → 0, 0.1250 → 3."""
    exponent = number.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _number_errors(indicator: Indicator, field: str, number: Decimal) -> list[str]:
    """What is wrong with one number typed for the indicator: more decimals than it takes, or an absurd size."""
    subject = _("指标%(code)s %(name)s") % {"code": indicator.code, "name": indicator.name}
    if field == "value":
        places, largest, uom = figure_places(indicator), figure_largest(indicator), indicator.uom
    else:
        label = getattr(indicator, f"{field}_label")
        places = ratio_places(label)
        largest = LARGEST_COUNT if places == 0 else LARGEST_OTHER
        subject, uom = _("%(subject)s的%(label)s") % {"subject": subject, "label": label}, ""
    found = {"subject": subject, "number": _num(number), "uom": uom}
    if places_of(number) > places:
        if places == 0 and field == "value":
            return [_("%(subject)s以%(uom)s计，只能填整数（填写了%(number)s）") % found]
        if places == 0:
            return [_("%(subject)s只能填整数（填写了%(number)s）") % found]
        return [
            _("%(subject)s最多保留%(places)d位小数（填写了%(number)s），请核对后重新填写")
            % {**found, "places": places}
        ]
    if abs(number) >= largest:
        return [
            _(
                "%(subject)s填写的%(number)s%(uom)s超出合理范围（应小于%(largest)s%(uom)s），请核对数字和计量单位"
            )
            % {**found, "largest": f"{largest:,f}"}
        ]
    return []


def figure_errors(
    *,
    indicator: Indicator,
    data: dict,
    strict: bool,
    previous_value: Decimal | None = None,
    has_evidence: bool = False,
    today: datetime.date | None = None,
) -> dict[str, list[str]]:
    """Everything wrong with this figure, by field ("__all__" for the item). Empty when it may be saved/submitted."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    value, numerator, denominator = data.get("value"), data.get("numerator"), data.get("denominator")
    labels = {"numerator": indicator.numerator_label, "denominator": indicator.denominator_label}
    for field, number, label in (
        ("value", value, VALUE_LABELS[indicator.kind]),
        ("numerator", numerator, indicator.numerator_label or _("分子")),
        ("denominator", denominator, indicator.denominator_label or _("分母")),
    ):
        if number is not None and number < 0:
            add(
                field,
                _("%(label)s不能为负数，您填写的是%(number)s") % {"label": label, "number": _num(number)},
            )
        # A rate typed as numerator and denominator has its value worked out: only what was typed is checked.
        typed = (field == "value") != indicator.has_ratio
        if number is not None and number >= 0 and typed:
            # Callers of the services may pass an int: count its decimals as a Decimal's.
            for message in _number_errors(indicator, field, Decimal(str(number))):
                add(field, message)
    note = data.get("note") or ""
    if len(note) > NOTE_LIMIT:
        add("note", text_too_long(_("说明"), limit=NOTE_LIMIT, length=len(note)))

    if indicator.kind == Indicator.Kind.RATE:
        if value is not None and value > 100:
            add("value", _("比率不能超过100%%，您填写的是%(number)s%%") % {"number": _num(value)})
        if indicator.has_ratio:
            if (numerator is None) != (denominator is None):
                add("__all__", _("请同时填写%(numerator)s和%(denominator)s") % labels)
            if denominator is not None and denominator == 0 and numerator is not None:
                add("denominator", _("%(denominator)s必须大于0") % labels)
            if numerator is not None and denominator is not None and numerator > denominator:
                add(
                    "numerator",
                    _("%(numerator)s（%(n)s）不能大于%(denominator)s（%(d)s）")
                    % {**labels, "n": _num(numerator), "d": _num(denominator)},
                )

    if indicator.kind == Indicator.Kind.MILESTONE:
        achieved_on = data.get("achieved_on")
        if achieved_on and today and achieved_on > today:
            add("achieved_on", _("达成日期不能晚于今天（%(today)s）") % {"today": f"{today:%Y-%m-%d}"})
        if strict and data.get("achieved") is None:
            add("achieved", _("请选择是否已达成"))
        if strict and data.get("achieved"):
            if not achieved_on:
                add("achieved_on", _("标记为已达成时请填写达成日期"))
            if not has_evidence:
                add("__all__", _("标记为已达成时请上传佐证材料（如批复文件）"))
        return errors

    if strict:
        if indicator.has_ratio:
            if numerator is None and denominator is None:
                add("__all__", _("请填写%(numerator)s和%(denominator)s后再提交") % labels)
        elif value is None:
            add("value", _("请填写%(label)s后再提交") % {"label": VALUE_LABELS[indicator.kind]})

    if strict and indicator.kind == Indicator.Kind.LEVEL and value is not None and previous_value is not None:
        note = (data.get("note") or "").strip()
        if value < previous_value and not note:
            add(
                "note",
                _("季末数比上季度（%(before)s）下降，请在说明中写明原因") % {"before": _num(previous_value)},
            )
        elif previous_value > 0 and value > previous_value * (1 + STOCK_JUMP) and not note:
            add(
                "note",
                _("季末数比上季度（%(before)s）增长超过50%%，请在说明中写明原因")
                % {"before": _num(previous_value)},
            )
    return errors


def ratio_value(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    """The rate in % from numerator and denominator, to 2 decimals; None when either is missing or the denominator is 0."""
    if numerator is None or not denominator:
        return None
    return (numerator * 100 / denominator).quantize(Decimal("0.01"))


def task_report_errors(*, data: dict, strict: bool) -> dict[str, list[str]]:
    """Everything wrong with a task report. Only submission requires content."""
    errors: dict[str, list[str]] = {}
    if not strict:
        return errors
    if not data.get("progress"):
        errors.setdefault("progress", []).append(_("请选择进展状态"))
    if not (data.get("progress_text") or "").strip():
        errors.setdefault("progress_text", []).append(_("请填写本季度工作进展"))
    if data.get("progress") == "delayed" and not (data.get("problems") or "").strip():
        errors.setdefault("problems", []).append(_("进展状态为“滞后”时，请写明存在问题"))
    return errors
