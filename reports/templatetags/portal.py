from django import template

from targets.progress import fmt

register = template.Library()


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
