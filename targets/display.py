"""Numbers as staff read them: one place for how a decimal, a rate or an indicator's figure is written out, in pages,
messages, workbooks and documents alike."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

# Units of things counted one by one: an expected or projected count is shown as a whole number.
COUNT_UNITS = {
    "户", "个", "件", "家", "人", "项", "次", "场", "名", "所", "座", "人次", "家次", "篇", "部", "台", "套", "条", "处", "批",
    "款",
}  # fmt: skip


def decimal_text(value: Decimal | None, *, empty: str = "") -> str:
    """A decimal as typed, without trailing zeros or exponent: 12.5000 → "12.5", 1E+2 → "100"; None → `empty`."""
    return empty if value is None else f"{value.normalize():f}"


def fmt(value: Decimal | None) -> str:
    """A figure rounded to two places without trailing zeros (12.50 → "12.5"); None → "—"."""
    if value is None:
        return "—"
    return decimal_text(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def percent_text(ratio: float | Decimal | None, *, places: int = 1) -> str:
    """A ratio as a percentage: 0.9683 → "96.8%" (places=1); None → "—"."""
    return "—" if ratio is None else f"{ratio * 100:.{places}f}%"


def is_count(indicator) -> bool:
    """Whether the indicator counts things one by one (402户): not a rate, nor a figure per head of population
    (每万人高价值发明专利拥有量 6.75件 is a density, and rounding it to 7 would show a target met that is not)."""
    return indicator.uom in COUNT_UNITS and not indicator.name.startswith("每")


def figure_display(value: Decimal | None, indicator) -> str:
    """A value as staff read it for this indicator: a milestone as 已达成/未达成, a count of things as a whole
    number (a projection of 413.89 enterprises reads 414), anything else as `fmt`."""
    if value is None:
        return "—"
    if indicator.kind == "milestone":
        return _("已达成") if value else _("未达成")
    if is_count(indicator):
        return fmt(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return fmt(value)
