"""Celery jobs. Each takes ids, calls one service or selector, and is safe to run twice."""

from collections import Counter

from celery import shared_task
from django.core.mail import send_mail

from targets.models import Indicator, WorkPlan
from tasks.selectors import plan_problems
from units.audit import audit
from units.models import AuditEvent, User

from .alerts import alerts_close_inactive_plans, alerts_refresh, alerts_send_email, office_digest
from .documents import document_write
from .integrity import figures_tampered
from .rollup import rollup_rebuild_indicator, rollup_rebuild_plan


@shared_task
def plan_check(plan_id: int) -> list[str]:
    """List what the office still has to complete in a plan, and e-mail it to the office users who have an address."""
    plan = WorkPlan.objects.get(pk=plan_id)
    problems = plan_problems(plan=plan)
    recipients = list(
        User.objects.filter(role=User.Role.OFFICE, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if problems and recipients:
        send_mail(
            subject=f"【待补充】{plan.title}：{len(problems)}项",
            message="\n".join(f"{n}. {p}" for n, p in enumerate(problems, 1)),
            from_email=None,
            recipient_list=recipients,
        )
    return problems


@shared_task
def plan_check_all() -> int:
    """The nightly check of every active plan; returns how many plans were checked."""
    plan_ids = list(WorkPlan.objects.filter(status=WorkPlan.Status.ACTIVE).values_list("pk", flat=True))
    for plan_id in plan_ids:
        plan_check.delay(plan_id)
    return len(plan_ids)


@shared_task
def rollup_indicator(indicator_id: int) -> int:
    """Rebuild one indicator's rollup (queued after an approval or a reopen commits). Returns rows written."""
    indicator = Indicator.objects.filter(pk=indicator_id).first()
    return rollup_rebuild_indicator(indicator=indicator) if indicator else 0


@shared_task
def rollup_all() -> int:
    """The nightly rebuild of every active plan's rollups. Returns rows written (0 when all were up to date)."""
    return sum(
        rollup_rebuild_plan(plan=plan) for plan in WorkPlan.objects.filter(status=WorkPlan.Status.ACTIVE)
    )


@shared_task
def alerts_refresh_all() -> dict[str, int]:
    """Refresh every active plan's alerts and e-mail the new ones; close the alerts of plans no longer active.
    Safe to run twice (or twice at once). Returns the summed counts of alerts_refresh, "emailed" and "retired"."""
    totals: Counter[str] = Counter()
    for plan in WorkPlan.objects.filter(status=WorkPlan.Status.ACTIVE):
        totals.update(alerts_refresh(plan=plan))
        totals["emailed"] += alerts_send_email(plan=plan)
    totals["retired"] = alerts_close_inactive_plans()
    return dict(totals)


@shared_task
def alerts_refresh_plan(plan_id: int) -> dict[str, int]:
    """Refresh one plan's alerts and e-mail the new ones, queued when a user's action changes a cause at once (an
    instruction written or answered) rather than at the next scheduled refresh."""
    plan = WorkPlan.objects.filter(pk=plan_id, status=WorkPlan.Status.ACTIVE).first()
    if plan is None:
        return {}
    totals = alerts_refresh(plan=plan)
    totals["emailed"] = alerts_send_email(plan=plan)
    return totals


@shared_task
def office_digest_all() -> int:
    """The office's daily digest for every active plan. Returns how many digests had something to report."""
    return sum(
        office_digest(plan=plan) is not None
        for plan in WorkPlan.objects.filter(status=WorkPlan.Status.ACTIVE)
    )


@shared_task
def document_generate(document_id: int) -> str:
    """Write a document the office asked for (季度通报, 实施情况评估), recording progress as it goes."""
    return document_write(document_id=document_id)


@shared_task
def figures_check() -> int:
    """The nightly integrity check: every approved figure against its checksum. A mismatch goes into the audit
    log (for the auditor) and to the office by e-mail. Returns the number of figures that do not match."""
    tampered = figures_tampered()
    if tampered:
        listed = "\n".join(f"{figure}（编号 {figure.pk}）" for figure in tampered)
        audit(
            action="integrity",
            result=AuditEvent.Result.FAILURE,
            detail=f"{len(tampered)}项校验不符：\n{listed}"[:5000],
        )
        recipients = list(
            User.objects.filter(role=User.Role.OFFICE, is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
        if recipients:
            send_mail(
                subject=f"【数据校验】{len(tampered)}项已审核数据校验码不符",
                message=listed,
                from_email=None,
                recipient_list=recipients,
            )
    return len(tampered)
