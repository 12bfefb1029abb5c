"""A plan ends by itself once its last quarter is due and every item its units owe is approved (the daily job
reports.jobs.plans_end_due); the office can end it earlier or later from the plan page (tasks.lifecycle.plan_end)."""

import datetime

from reports.workflow.selectors import plan_outstanding
from targets.models import WorkPlan
from tasks.lifecycle import plan_end

REASON = "工作期最后一个季度已过报送截止日，各项数据均已审核，方案自动结束"


def plans_end_due(*, today: datetime.date) -> list[WorkPlan]:
    """End every active plan whose last quarter's due date is before `today` and that owes nothing unapproved.
    Returns the plans ended."""
    ended = []
    for plan in WorkPlan.objects.filter(status=WorkPlan.Status.ACTIVE).prefetch_related("periods"):
        periods = list(plan.periods.all())
        if not periods or max(p.due_date for p in periods) >= today or plan_outstanding(plan=plan):
            continue
        if plan_end(user=None, plan=plan, reason=REASON):
            ended.append(plan)
    return ended
