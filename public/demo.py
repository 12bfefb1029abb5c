"""演示数据 for the public page: the running plan publishes its goal areas' indicators (demo mode only)."""

from targets.models import Period, WorkPlan
from targets.periods import portal_today
from tasks.selectors import plan_current
from units.models import User

from .models import Publication
from .services import publication_update


def publication_demo() -> Publication | None:
    """The office (the demo's `office` account) publishes the running plan's goal-area indicators up to the last
    quarter already due, city figures only. Does nothing when the plan's publication exists already (the office may
    have changed it), when no plan is open, or without the demo's office account. Returns what it published."""
    plan = plan_current()
    office = User.objects.filter(username="office", role=User.Role.OFFICE).first()
    if plan is None or plan.status != WorkPlan.Status.ACTIVE or office is None:
        return None
    if Publication.objects.filter(plan=plan).exists():
        return None
    due = [
        p for p in Period.objects.filter(plan=plan).order_by("year", "quarter") if p.due_date < portal_today()
    ]
    if not due:
        return None
    return publication_update(
        user=office,
        plan=plan,
        published=True,
        indicators=plan.indicators.filter(area__isnull=False),
        through=due[-1],
        show_units=False,
    )
