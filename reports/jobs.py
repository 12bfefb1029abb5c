"""Celery jobs. Each takes ids, calls one service or selector, and is safe to run twice."""

from celery import shared_task
from django.core.mail import send_mail

from targets.models import Indicator, WorkPlan
from tasks.selectors import plan_problems
from units.models import User

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
