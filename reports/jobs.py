"""Celery jobs. Each takes ids, calls one service, and is safe to run twice. Services queue them after commit
through reports.queue; the nightly ones are in CELERY_BEAT_SCHEDULE (ipcity/settings/base.py)."""

import functools
from collections import Counter

from celery import shared_task
from django.conf import settings
from django.utils import translation

from reports.alerts.delivery import notifications_send
from reports.alerts.mail import alerts_send_email, figures_check_mail, office_digest, plan_problems_mail
from reports.alerts.services import alerts_close_inactive_plans, alerts_refresh
from reports.documents.services import document_write
from reports.figures.rollup import rollup_rebuild_indicator, rollup_rebuild_plan
from reports.workflow.excel.pending import pending_imports_clean
from reports.workflow.plans import plans_end_due
from reports.workflow.rules import quality_check
from targets.models import Indicator, Period, WorkPlan
from targets.periods import portal_today
from units.audit import audit_chain_check


def job(function):
    """A Celery job that runs in the portal's language (settings.LANGUAGE_CODE), not in that of the request that
    happened to run it in-process: what it stores for everyone (alert texts, document steps) reads the same
    whoever triggered it."""

    @functools.wraps(function)
    def in_portal_language(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return function(*args, **kwargs)

    return shared_task(in_portal_language)


def _active_plans():
    return WorkPlan.objects.filter(status=WorkPlan.Status.ACTIVE)


@job
def plan_check(plan_id: int) -> list[str]:
    """List what the office still has to complete in a plan, and e-mail it to the office."""
    return plan_problems_mail(plan=WorkPlan.objects.get(pk=plan_id))


@job
def plan_check_all() -> int:
    """The nightly check of every active plan; returns how many plans were checked."""
    plan_ids = list(_active_plans().values_list("pk", flat=True))
    for plan_id in plan_ids:
        plan_check.delay(plan_id)
    return len(plan_ids)


@job
def plans_end_due_all() -> list[int]:
    """The daily check: end the plans whose last quarter is due and whose items are all approved. Returns their ids."""
    return [plan.pk for plan in plans_end_due(today=portal_today())]


@job
def rollup_indicator(indicator_id: int, period_id: int | None = None) -> int:
    """Rebuild one indicator's rollup, of the quarter given (queued after an approval or a reopen of one of its
    figures commits) or of all. Returns rows written."""
    indicator = Indicator.objects.select_related("plan").filter(pk=indicator_id).first()
    if indicator is None:
        return 0
    period = Period.objects.filter(pk=period_id, plan=indicator.plan_id).first() if period_id else None
    return rollup_rebuild_indicator(indicator=indicator, period=period)


@job
def rollup_all() -> int:
    """The nightly rebuild of every active plan's rollups. Returns rows written (0 when all were up to date)."""
    return sum(rollup_rebuild_plan(plan=plan) for plan in _active_plans())


@job
def alerts_refresh_all() -> dict[str, int]:
    """Refresh every active plan's alerts and e-mail the new ones; close the alerts of plans no longer active; then
    send them to the robots and by SMS. Safe to run twice (or twice at once). Returns the summed counts of
    alerts_refresh, "emailed" and "retired"."""
    totals: Counter[str] = Counter()
    for plan in _active_plans():
        totals.update(alerts_refresh(plan=plan))
        totals["emailed"] += alerts_send_email(plan=plan)
    totals["retired"] = alerts_close_inactive_plans()
    # Sent here, in this job, not by a job queued from it: a test waits for the jobs it queued, not for theirs
    # (a chained job's reads met the test database's flush in a deadlock on PostgreSQL).
    notifications_send()
    return dict(totals)


@job
def alerts_refresh_plan(plan_id: int) -> dict[str, int]:
    """Refresh one plan's alerts and e-mail the new ones, queued when a user's action changes a cause at once (a
    sheet submitted, an instruction written or answered) rather than at the next scheduled refresh."""
    plan = _active_plans().filter(pk=plan_id).first()
    if plan is None:
        return {}
    totals = alerts_refresh(plan=plan)
    totals["emailed"] = alerts_send_email(plan=plan)
    notifications_send()  # in this job, as alerts_refresh_all does
    return totals


@job
def notifications_send_all() -> dict[str, int]:
    """Send the open alerts to the group robots and by SMS (each once), and retry the sends whose wait is over:
    queued after each refresh of alerts, and every two minutes for the retries. Safe to run twice at once. Returns
    how many deliveries were queued, sent, put off for a retry, given up and withdrawn."""
    return notifications_send()


@job
def office_digest_all() -> int:
    """The office's daily digest for every active plan. Returns how many digests had something to report."""
    return sum(office_digest(plan=plan) is not None for plan in _active_plans())


@job
def document_generate(document_id: int) -> str:
    """Write a document the office asked for (季度通报, 实施情况评估), recording progress as it goes."""
    return document_write(document_id=document_id)


@job
def figures_check() -> int:
    """The nightly integrity check of every approved figure; a mismatch is audited and e-mailed to the office.
    Returns the number of figures that do not match."""
    return figures_check_mail()


@job
def pending_imports_clean_all() -> int:
    """The nightly clean-up of uploaded Excel files previewed and never confirmed. Returns how many were deleted."""
    return pending_imports_clean()


@job
def audit_chain_check_all() -> bool:
    """The nightly check of the audit log's hash chain (units.audit_chain). Returns whether it is intact."""
    return audit_chain_check().intact


@job
def quality_check_all() -> int:
    """The nightly check of every active plan's approved figures against its validation rules (数据质量; a rule added
    today finds the figures approved before it). Returns how many figures break a rule."""
    return sum(len(quality_check(plan=plan)) for plan in _active_plans())
