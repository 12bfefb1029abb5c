"""Audit of the reporting workflow: every historical record of a figure or task report (each create, change,
submission, approval, return and reopen goes through reports.services, which names it in the change reason)
becomes an audit event with the acting user."""

from django.dispatch import receiver
from simple_history.signals import post_create_historical_record

from units.audit import audit

from .models import Submission, TaskReport

# The change reasons reports.services writes, by their first words, and the audit action each one is.
REASONS = (
    ("新建草稿", "item_create"),
    ("重新提交", "item_submit"),
    ("提交", "item_submit"),
    ("审核通过", "item_approve"),
    ("退回", "item_return"),
    ("重新打开", "item_reopen"),
)


def action_of(reason: str) -> str:
    return next((action for start, action in REASONS if reason.startswith(start)), "item_change")


@receiver(post_create_historical_record)
def _item_changed(sender, instance, history_instance, history_user=None, **kwargs) -> None:
    if not isinstance(instance, (Submission, TaskReport)):
        return
    reason = history_instance.history_change_reason or ""
    audit(
        action=action_of(reason),
        user=history_user,
        obj=instance,
        object_repr=_label(instance),
        detail=reason[:500],
    )


def _label(item: Submission | TaskReport) -> str:
    """ "1.1 · 旌阳区人民政府 · 2023年第四季度" when those are at hand, else the kind and number: an audit line must
    not cost the save three more queries."""
    subject = "indicator" if isinstance(item, Submission) else "task"
    if all(name in item._state.fields_cache for name in (subject, "unit", "period")):
        return str(item)
    return f"{item._meta.verbose_name} #{item.pk}"
