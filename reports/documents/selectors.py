"""Reads for generated documents: who sees which, and the quarters a bulletin can be written for.

A bulletin is written for city leaders and every unit, so unit staff read and download the finished ones too; the
evaluation is for the office and leaders. The system administrator and the auditor, who read no figures, see
neither (三员分立)."""

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from reports.models import Document, Status, Submission, TaskReport
from targets.models import Period, WorkPlan
from targets.periods import portal_today
from units.models import User
from units.selectors import user_does_plan_work

_QUARTER = F("period__year") * 10 + F("period__quarter")  # 2024Q1 → 20241: quarters in order


def _changed_after(model) -> Coalesce:
    """How many items of the document's plan (up to its quarter for a bulletin) were approved or reopened after the
    document was written: its figures are no longer those of today (a late figure came in, a reopen changed one)."""
    items = (
        model.objects.annotate(quarter=_QUARTER)
        .filter(
            period__plan=OuterRef("plan"),
            quarter__lte=OuterRef("reach"),
            reviewed_at__gt=OuterRef("finished_at"),
        )
        .filter(Q(status=Status.APPROVED) | Q(reopened=True))
        .order_by()
        .values("period__plan")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(items), 0)


def documents_visible_to(*, user: User, plan: WorkPlan) -> QuerySet[Document]:
    """Every document for the office and leaders, the finished bulletins for unit staff, nothing for the others.
    Each with `changed`: how many figures and task reports it covers were approved or reopened after it was written."""
    documents = (
        Document.objects.filter(plan=plan)
        .select_related("period", "created_by")
        .annotate(
            reach=Coalesce(_QUARTER, Value(99999))
        )  # a bulletin reaches its quarter, the evaluation all
        .annotate(changed=_changed_after(Submission) + _changed_after(TaskReport))
    )
    if user.role in (User.Role.OFFICE, User.Role.LEADER):
        return documents
    if not user_does_plan_work(user=user):
        return documents.none()
    return documents.filter(kind=Document.Kind.BULLETIN, state=Document.State.DONE)


def bulletin_periods(*, plan: WorkPlan) -> list[Period]:
    """The quarters a bulletin can be written for: those that have ended, newest first."""
    today = portal_today()
    return [p for p in reversed(plan.periods.all()) if p.end < today]
