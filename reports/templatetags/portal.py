from decimal import ROUND_HALF_UP, Decimal

from django import template

from targets.progress import fmt

register = template.Library()

# Units of things counted one by one: an expected or projected count is shown as a whole number.
COUNT_UNITS = {"户", "个", "件", "家", "人", "项", "次", "场"}


def is_count(indicator) -> bool:
    """Whether the indicator counts things one by one (402户): not a rate, nor a figure per head of population
    (每万人高价值发明专利拥有量 6.75件 is a density, and rounding it to 7 would show a target met that is not)."""
    return indicator.uom in COUNT_UNITS and not indicator.name.startswith("每")


def figure_display(value: Decimal | None, indicator) -> str:
    """A value as staff read it for this indicator: a milestone as 已达成/未达成, a count of things as a whole
    number (a projection of 413.89 enterprises reads 414), anything else as `number`."""
    if value is None:
        return "—"
    if indicator.kind == "milestone":
        return "已达成" if value else "未达成"
    if is_count(indicator):
        return fmt(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return fmt(value)


@register.filter
def figure(value, indicator) -> str:
    return figure_display(value, indicator)


@register.filter
def percent(value) -> str:
    """0.857 → 86%; None → —."""
    return "—" if value is None else f"{value * 100:.0f}%"


@register.filter
def number(value) -> str:
    """A figure without trailing zeros (12.50 → 12.5); None → —."""
    return fmt(value)


@register.filter
def lookup(mapping, key):
    return mapping.get(key) if mapping else None
