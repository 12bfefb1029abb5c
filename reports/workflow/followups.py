"""待核实 (follow-up marks): the office marks an approved figure it doubts, with a note; the unit sees the mark on
its sheet and the figure's page until it is resolved — corrected (reopened and approved again) or confirmed as it
stands with the unit's reason. Each step is in the audit log."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from reports.models import FollowUp, Status, Submission
from reports.workflow.drafts import check_plan_writable
from targets.periods import portal_now
from units.audit import audit
from units.models import User
from units.selectors import user_can_report_for, user_can_review

LIMIT = 500


def _text(text: str, *, missing: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(missing)
    if len(text) > LIMIT:
        raise ValidationError(_("最多%(max)d字，现有%(n)d字，请精简") % {"max": LIMIT, "n": len(text)})
    return text


@transaction.atomic
def follow_up_mark(*, user: User, item: Submission, note: str) -> FollowUp:
    """Mark an approved figure 待核实. Raises PermissionDenied for anyone but the office, ValidationError for a figure
    not approved, one already marked, or an empty note."""
    if not user_can_review(user=user):
        raise PermissionDenied(_("只有领导小组办公室可以标记待核实"))
    check_plan_writable(item.period.plan)
    note = _text(note, missing=_("请写明需要核实的问题"))
    item = Submission.objects.select_for_update().get(pk=item.pk)
    if item.status != Status.APPROVED:
        raise ValidationError(_("只有审核通过的数据可以标记待核实；未审核的数据请直接退回"))
    if item.follow_ups.filter(resolution="").exists():
        raise ValidationError(_("此项已标记待核实，尚未处理"))
    mark = FollowUp.objects.create(submission=item, note=note, marked_by=user, marked_at=portal_now())
    audit(action="follow_up_mark", user=user, obj=item, detail=note[:200])
    return mark


@transaction.atomic
def follow_up_confirm(*, user: User, mark: FollowUp, reason: str) -> bool:
    """The unit (or the office) confirms the figure as it stands, saying why. Returns False when already resolved."""
    item = mark.submission
    if not user_can_report_for(user=user, unit=item.unit):
        raise PermissionDenied(_("只有本单位和领导小组办公室可以处理此项待核实"))
    reason = _text(reason, missing=_("请说明数据无误的依据"))
    mark = FollowUp.objects.select_for_update().get(pk=mark.pk)
    if not mark.is_open:
        return False
    mark.resolution, mark.reason = FollowUp.Resolution.CONFIRMED, reason
    mark.resolved_by, mark.resolved_at = user, portal_now()
    mark.save(update_fields=["resolution", "reason", "resolved_by", "resolved_at"])
    audit(action="follow_up_resolve", user=user, obj=item, detail=_("确认无误：") + reason[:200])
    return True


def follow_ups_corrected(*, item: Submission, user: User) -> int:
    """A figure approved again after a reopen: its open 待核实 mark is resolved as corrected. Returns how many."""
    marks = list(FollowUp.objects.filter(submission=item, resolution=""))
    for mark in marks:
        mark.resolution, mark.reason = FollowUp.Resolution.CORRECTED, _("重新打开后已更正并审核通过")
        mark.resolved_by, mark.resolved_at = user, portal_now()
        mark.save(update_fields=["resolution", "reason", "resolved_by", "resolved_at"])
        audit(action="follow_up_resolve", user=user, obj=item, detail=mark.reason)
    return len(marks)
