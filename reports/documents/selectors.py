"""Reads for generated documents: who sees which, and the quarters a bulletin can be written for.

A bulletin is written for city leaders and every unit, so unit staff read and download the finished ones too; the
evaluation is for the office and leaders. The system administrator and the auditor, who read no figures, see
neither (三员分立)."""

from django.db.models import QuerySet

from reports.models import Document
from targets.models import Period, WorkPlan
from targets.periods import portal_today
from units.models import User
from units.selectors import user_does_plan_work


def documents_visible_to(*, user: User, plan: WorkPlan) -> QuerySet[Document]:
    """Every document for the office and leaders, the finished bulletins for unit staff, nothing for the others."""
    documents = Document.objects.filter(plan=plan).select_related("period", "created_by")
    if user.role in (User.Role.OFFICE, User.Role.LEADER):
        return documents
    if not user_does_plan_work(user=user):
        return documents.none()
    return documents.filter(kind=Document.Kind.BULLETIN, state=Document.State.DONE)


def bulletin_periods(*, plan: WorkPlan) -> list[Period]:
    """The quarters a bulletin can be written for: those that have ended, newest first."""
    today = portal_today()
    return [p for p in reversed(plan.periods.all()) if p.end < today]
