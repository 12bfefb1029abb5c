"""The office's and leaders' home page (总览): goal-area cards, this quarter's reporting, what waits for them."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import (
    F,
    Func,
    IntegerField,
    Subquery,
)
from django.utils.translation import gettext as _

from reports.alerts.selectors import alerts_for_user
from reports.dashboards.heatmap import NONE, Cell, Rates
from reports.figures.selectors import IndicatorStanding
from reports.figures.tallies import tallies
from reports.instructions.selectors import instruction_counts
from reports.workflow.selectors import (
    reopen_requests_pending,
    review_queue,
    review_queue_task_reports,
    unit_obligation_counts,
)
from targets.models import GoalArea, Period, WorkPlan
from targets.periods import portal_today
from units.models import User


def _count(queryset) -> Subquery:
    """COUNT(*) of a queryset as a scalar subquery, so several counts come back in one query."""
    return Subquery(
        queryset.order_by().values(n=Func(F("pk"), function="COUNT")), output_field=IntegerField()
    )


def office_todo(*, user: User, plan: WorkPlan) -> dict[str, int]:
    """What waits for the office or a leader on the home page: open alerts, items to review (office only),
    reopen requests, instructions not yet answered by every unit. Two queries: the counts together, instructions."""
    counts = {"alerts": alerts_for_user(user=user)}
    office = user.role == User.Role.OFFICE
    if office:
        counts["figures"] = review_queue(user=user)
        counts["reports"] = review_queue_task_reports(user=user)
        counts["reopen"] = reopen_requests_pending()
    row = User.objects.filter(pk=user.pk).values(**{name: _count(qs) for name, qs in counts.items()}).get()
    todo = {"alerts": row["alerts"], **instruction_counts(plan=plan)}
    if office:
        todo["to_review"] = row["figures"] + row["reports"]
        todo["reopen"] = row["reopen"]
    return todo


@dataclass
class AreaCard:
    area: GoalArea | None
    title: str
    counts: Counter = field(default_factory=Counter)  # colour → number of indicators

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def area_cards(*, plan: WorkPlan, standings: list[IndicatorStanding]) -> list[AreaCard]:
    """Green/amber/red/grey counts per goal area (task indicators in a card of their own)."""
    cards = {
        area.pk: AreaCard(area=area, title=f"{area.number}. {area.headline}") for area in plan.areas.all()
    }
    tasks_card = AreaCard(area=None, title=_("任务中的指标"))
    for standing in standings:
        card = cards.get(standing.indicator.area_id, tasks_card)
        card.counts[standing.progress.colour] += 1
    return [*cards.values(), *([tasks_card] if tasks_card.total else [])]


def quarter_rates(*, plan: WorkPlan, period: Period, owed: dict[int, int] | None = None) -> Rates:
    """One quarter's completeness and timeliness over every unit that owes something: the heatmap's column for the
    quarter, without reading the units themselves (the home page needs only these rates). `owed`: the plan's
    unit_obligation_counts when the caller has them."""
    due = period.due_date
    is_due = due < portal_today()
    counts = tallies(periods=[period])
    rates = Rates()
    if owed is None:
        owed = unit_obligation_counts(units=None, plan=plan)
    for unit_id, items in owed.items():
        if items:
            on_time, late, _returned = counts.get((unit_id, period.pk), NONE)
            rates.add(Cell(owed=items, on_time=on_time, late=late, due=due, is_due=is_due))
    return rates
