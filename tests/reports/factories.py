"""Helpers that put the portal in a reporting state through its services (not around them)."""

from targets.models import Indicator, Period
from tasks.models import Task


def period(plan, code: str) -> Period:
    year, quarter = code.split("Q")
    return Period.objects.get(plan=plan, year=int(year), quarter=int(quarter))


def indicator(plan, code: str) -> Indicator:
    return Indicator.objects.get(plan=plan, code=code)


def task(plan, code: str) -> Task:
    """'二(二)7' or '三(二)'."""
    if code.startswith("三"):
        return Task.objects.get(plan=plan, kind=Task.Kind.SAFEGUARD, number=code[2])
    return Task.objects.get(plan=plan, section__number=code[2], number=code[4:])
