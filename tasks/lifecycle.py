"""A plan's life: 草稿 → 执行中 → 已结束 → 归档. Each change is one function here: it locks the plan, checks the
status it starts from (a repeated click changes nothing and returns False), refuses what must not happen with a
message saying what to do, and writes its own audit entry.

- 开放填报 (plan_open): refused while something blocks measuring (tasks.selectors.plan_readiness); what is only
  missing (baselines, reporters, due dates already past) must be acknowledged by the office.
- 结束 (plan_end): by the office, or by itself once its last quarter is due and every item is approved (the job
  reports.jobs.plans_end_due decides that, as it reads the figures). Late figures still come in by a granted reopen.
- 归档 (plan_archive): an ended plan becomes read-only (reports.workflow.drafts refuses every write to it).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from targets.models import WorkPlan
from targets.periods import portal_now
from units.audit import audit
from units.models import User

from .selectors import plan_readiness
from .services import check_office

SYSTEM = "系统（自动）"


def _locked(plan: WorkPlan) -> WorkPlan:
    return WorkPlan.objects.select_for_update().get(pk=plan.pk)


@transaction.atomic
def plan_open(*, user: User, plan: WorkPlan, acknowledged: bool = False) -> bool:
    """Open a draft plan for reporting (its quarters exist from its creation). Returns False when already open.
    Raises ValidationError while something blocks measuring it, and while something is missing that the office
    has not acknowledged (`acknowledged`: it saw the list on the confirmation page)."""
    check_office(user)
    plan = _locked(plan)
    if plan.status == WorkPlan.Status.ACTIVE:
        return False
    if plan.status != WorkPlan.Status.DRAFT:
        raise ValidationError(
            _("《%(title)s》%(status)s，不能再开放填报")
            % {"title": plan.title, "status": plan.get_status_display()}
        )
    readiness = plan_readiness(plan=plan)
    if readiness.blocking:
        raise ValidationError([*readiness.blocking, _("请先补充上述内容，再开放填报")])
    if readiness.missing and not acknowledged:
        raise ValidationError(
            _("还有%(n)d项内容待补充，请在确认页核对后确认开放") % {"n": len(readiness.missing)}
        )
    plan.status, plan.opened_at = WorkPlan.Status.ACTIVE, portal_now()
    plan.save(update_fields=["status", "opened_at"])
    detail = _("开放时待补充：") + "；".join(readiness.missing) if readiness.missing else _("开放时内容齐全")
    audit(action="plan_open", user=user, obj=plan, detail=detail)
    return True


@transaction.atomic
def plan_end(*, user: User | None, plan: WorkPlan, reason: str) -> bool:
    """End a plan that is being reported, saying why (the audit entry keeps it): its sheets close, its figures
    change only through a reopen the office grants. `user` None is the portal itself (reports.jobs.plans_end_due).
    Returns False when already ended."""
    if user is not None:
        check_office(user)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("请填写结束方案的理由（例如：工作期已满，各项数据已审核）"))
    plan = _locked(plan)
    if plan.status in (WorkPlan.Status.CLOSED, WorkPlan.Status.ARCHIVED):
        return False
    if plan.status != WorkPlan.Status.ACTIVE:
        raise ValidationError(_("《%(title)s》还是草稿，尚未开放填报，不能结束") % {"title": plan.title})
    plan.status, plan.ended_at = WorkPlan.Status.CLOSED, portal_now()
    plan.save(update_fields=["status", "ended_at"])
    audit(action="plan_end", user=user, username=SYSTEM, obj=plan, detail=reason)
    return True


@transaction.atomic
def plan_archive(*, user: User, plan: WorkPlan) -> bool:
    """Archive an ended plan: from now on it is read-only. Returns False when already archived."""
    check_office(user)
    plan = _locked(plan)
    if plan.status == WorkPlan.Status.ARCHIVED:
        return False
    if plan.status != WorkPlan.Status.CLOSED:
        raise ValidationError(_("《%(title)s》尚未结束，请先结束方案再归档") % {"title": plan.title})
    plan.status = WorkPlan.Status.ARCHIVED
    plan.save(update_fields=["status"])
    audit(action="plan_archive", user=user, obj=plan)
    return True
