"""Comments on a figure or task report (留言): a short thread between the unit that reports it and the office that
reviews it, beside the return reason. Each comment is kept with the item, in its history and in the audit log."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from reports.models import ItemComment, ReportItem, Submission
from reports.workflow.drafts import check_plan_writable
from targets.periods import portal_now
from units.audit import audit
from units.models import User
from units.selectors import user_can_report_for


@transaction.atomic
def item_comment_add(*, user: User, item: ReportItem, text: str) -> ItemComment:
    """Add a comment to an item: its unit's staff and the office may; another unit may not (it does not see the
    item). Refused on an archived plan, empty or longer than ItemComment.MAX_LENGTH."""
    if not user_can_report_for(user=user, unit=item.unit):
        raise PermissionDenied(_("只有本单位和领导小组办公室可以在此项留言"))
    check_plan_writable(item.period.plan)
    text = text.strip()
    if not text:
        raise ValidationError(_("请填写留言内容"))
    if len(text) > ItemComment.MAX_LENGTH:
        raise ValidationError(
            _("留言最多%(max)d字，现有%(n)d字，请精简后再发")
            % {"max": ItemComment.MAX_LENGTH, "n": len(text)}
        )
    field = "submission" if isinstance(item, Submission) else "task_report"
    comment = ItemComment.objects.create(**{field: item}, text=text, author=user, created_at=portal_now())
    audit(action="item_comment", user=user, obj=item, detail=text[:200])
    return comment
