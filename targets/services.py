"""Writes for plans and indicators."""

from collections.abc import Iterable

from django.db import transaction

from units.models import Unit

from .models import Indicator, Period, WorkPlan
from .periods import quarters_between


@transaction.atomic
def periods_ensure(*, plan: WorkPlan) -> list[Period]:
    """Create the plan's reporting quarters (2022Q3 … 2025Q2 for Deyang); existing ones are kept as they are."""
    for year, quarter in quarters_between(plan.start, plan.end):
        Period.objects.get_or_create(plan=plan, year=year, quarter=quarter)
    return list(plan.periods.all())


@transaction.atomic
def indicator_set_reporting(
    *, indicator: Indicator, units: Iterable[Unit], numerator_label: str = "", denominator_label: str = ""
) -> Indicator:
    """Set who reports an indicator each quarter, and the numerator/denominator names of a rate. Kept in history."""
    indicator.numerator_label, indicator.denominator_label = numerator_label, denominator_label
    indicator.full_clean()
    indicator.save(update_fields=["numerator_label", "denominator_label"])
    indicator.reporting_units.set(units)
    return indicator
