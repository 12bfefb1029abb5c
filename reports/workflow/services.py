"""The review workflow: submit, approve, return, reopen, the requests to reopen, and the office's batch actions.

Every transition locks the item's row and checks its current status first, so a double click or a retried
request changes state once. What a transition causes besides the item itself (its history and audit rows, the
reporting tallies, the checksum, the rollup, the alerts) is started here, in the transaction of the change.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from reports.figures.integrity import figure_checksum
from reports.figures.tallies import tally_first_submission, tally_return
from reports.instructions.services import instruction_replies_send
from reports.models import ItemAction, ReopenRequest, ReportItem, Status, Submission, TaskReport
from reports.queue import alerts_refresh_after_commit, rollup_after_commit
from reports.workflow.drafts import (
    check_ended_plan_item,
    check_reporter,
    item_lock,
    proxy_reason_checked,
    proxy_words,
    stale_edit,
)
from reports.workflow.followups import follow_ups_corrected
from reports.workflow.history import item_write
from reports.workflow.locks import items_lock, sheet_items_lock
from reports.workflow.outliers import figure_outliers
from reports.workflow.rules import figure_violations
from reports.workflow.selectors import period_previous, quarter_peers, unit_history
from reports.workflow.validation import FIGURE_FIELDS, TASK_REPORT_FIELDS, figure_errors, task_report_errors
from targets.models import Period
from targets.periods import portal_now, portal_today
from units.models import Unit, User
from units.selectors import user_can_review, user_can_unit_review


def _submit_errors(item: ReportItem) -> tuple[dict[str, list[str]], list[str]]:
    """What stops the item's submission, by field, and what the checks flag on a figure (a rule's warning, an
    outlier): each flag needs the reason in 说明, and is kept on the figure for the reviewer."""
    if isinstance(item, TaskReport):
        return task_report_errors(data={n: getattr(item, n) for n in TASK_REPORT_FIELDS}, strict=True), []
    previous = period_previous(period=item.period)
    previous_value = (
        Submission.objects.filter(indicator=item.indicator, unit=item.unit, period=previous)
        .values_list("value", flat=True)
        .first()
        if previous
        else None
    )
    errors = figure_errors(
        indicator=item.indicator,
        data={n: getattr(item, n) for n in FIGURE_FIELDS},
        strict=True,
        previous_value=previous_value,
        has_evidence=item.evidence.exists(),
        today=portal_today(),
    )
    # The office's rules (数据质量): an error refuses the figure, a warning asks for the reason in 说明.
    flags = []
    for violation in figure_violations(item=item):
        if violation.is_error:
            errors.setdefault("__all__", []).append(violation.message)
        else:
            flags.append(violation.message)
    if item.value is not None:
        outliers = figure_outliers(
            item.value, history=unit_history(item=item), peers=quarter_peers(item=item)
        )
        flags.extend(found.message(item.indicator.uom) for found in outliers)
    if flags and not (item.note or "").strip():
        errors.setdefault("note", []).extend(
            _("%(flag)s。请在说明中写明原因") % {"flag": flag} for flag in flags
        )
    return errors, flags


@transaction.atomic
def item_submit(
    *, user: User, item: ReportItem, expected_version: int | None = None, proxy_reason: str = ""
) -> bool:
    """Submit a draft or returned item: to the office, or first to its unit's 单位审核 where that review is on (a unit
    head's own submission, and the office's 代填, go straight to the office). Returns False when it was already
    submitted or approved (a double submit changes state once). Raises ValidationError listing what to complete
    first (and when the office gives no 代填 reason), and StaleEditError when `expected_version` (what the submitter
    saw) is older than the item: a colleague changed it."""
    items_lock([item])
    item = item_lock(item)
    check_reporter(user, item.unit)
    proxy = proxy_reason_checked(user=user, unit=item.unit, reason=proxy_reason)
    if item.status in (Status.PENDING, Status.SUBMITTED, Status.APPROVED):
        return False
    check_ended_plan_item(item.period.plan, item)
    if expected_version is not None and item.version != expected_version:
        raise stale_edit(item, _("此项未提交。请核对当前内容后再提交。"))
    errors, flags = _submit_errors(item)
    if errors:
        raise ValidationError(errors)
    to_unit = (
        item.unit.reviewing_unit_id is not None
        and not proxy
        and not user_can_unit_review(user=user, unit=item.unit)
    )
    if to_unit:
        action = ItemAction.TO_UNIT
    else:
        action = ItemAction.RESUBMIT if item.status == Status.RETURNED else ItemAction.SUBMIT
    item.status = Status.PENDING if to_unit else Status.SUBMITTED
    item.submitted_by, item.submitted_at, item.reopened = user, portal_now(), False
    fields = ["status", "submitted_by", "submitted_at", "reopened"]
    if proxy or item.proxy_reason:
        item.proxy_reason = proxy
        fields.append("proxy_reason")
    if isinstance(item, Submission):
        item.quality_flags = flags
        fields.append("quality_flags")
    first = False
    if not to_unit:
        stamped, first = _reaching_office(item)
        fields.extend(stamped)
    item_write(item, user=user, action=action, fields=fields, reason=proxy_words(proxy))
    if not to_unit:
        _reached_office(item, first=first)
    return True


def _reaching_office(item: ReportItem) -> tuple[list[str], bool]:
    """An item reaches the office (submitted, or passed by its unit's review): its first submission is stamped for
    timeliness. Returns the fields set and whether this is its first; _reached_office follows the write."""
    first = item.first_submitted_at is None
    item.first_submitted_at = item.first_submitted_at or portal_now()
    return ["first_submitted_at"], first


def _reached_office(item: ReportItem, *, first: bool) -> None:
    """After the write: the first submission counts in the reporting tallies, the unit's answers to instructions on
    the item go with it, and its plan's alerts are refreshed after the commit (the unit's reminder or overdue alert
    may go away)."""
    if first:
        tally_first_submission(item=item)
    instruction_replies_send(item=item)
    alerts_refresh_after_commit(item.period.plan_id)


def _check_unit_reviewer(user: User, item: ReportItem) -> None:
    if not user_can_unit_review(user=user, unit=item.unit):
        raise PermissionDenied(_("只有%(unit)s的单位审核人可以审核此项") % {"unit": item.unit.name})


@transaction.atomic
def item_forward(*, user: User, item: ReportItem) -> bool:
    """单位审核 passes an item its unit's reporter submitted: it goes on to the office. Returns False when it has
    already gone on; raises ValidationError unless it is waiting for this review."""
    item = item_lock(item)
    _check_unit_reviewer(user, item)
    if item.status in (Status.SUBMITTED, Status.APPROVED):
        return False
    if item.status != Status.PENDING:
        raise ValidationError(
            _("此项%(status)s，只有待单位审核的数据可以报送办公室") % {"status": item.get_status_display()}
        )
    # submitted_at becomes when it reached the office: the office's queue is in order of arrival
    item.status, item.submitted_at = Status.SUBMITTED, portal_now()
    stamped, first = _reaching_office(item)
    item_write(item, user=user, action=ItemAction.FORWARD, fields=["status", "submitted_at", *stamped])
    _reached_office(item, first=first)
    return True


@transaction.atomic
def item_unit_return(*, user: User, item: ReportItem, reason: str) -> bool:
    """单位审核 sends an item back to its reporter with a reason; the office never sees it. Returns False when it is
    already returned."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("请填写退回原因，填报员会看到它"))
    items_lock([item])
    item = item_lock(item)
    _check_unit_reviewer(user, item)
    if item.status == Status.RETURNED:
        return False
    if item.status != Status.PENDING:
        raise ValidationError(
            _("此项%(status)s，只有待单位审核的数据可以由单位退回") % {"status": item.get_status_display()}
        )
    item.status, item.return_reason, item.reopened = Status.RETURNED, reason, False
    item_write(
        item,
        user=user,
        action=ItemAction.UNIT_RETURN,
        reason=reason,
        fields=["status", "return_reason", "reopened"],
    )
    return True


@transaction.atomic
def items_unit_review(
    *, user: User, figures: list[Submission], task_reports: list[TaskReport], action: str, reason: str = ""
) -> int:
    """单位审核 passes ("forward") or returns ("return", with `reason`) the ticked items, all or none, as the office's
    items_review does. Returns how many this call changed."""
    if action not in ("forward", "return"):
        raise ValidationError(_("未知操作"))
    items_lock([*figures, *task_reports])
    done = 0
    for item in [*figures, *task_reports]:
        if action == "forward":
            done += item_forward(user=user, item=item)
        else:
            done += item_unit_return(user=user, item=item, reason=reason)
    return done


def _check_reviewer(user: User) -> None:
    if not user_can_review(user=user):
        raise PermissionDenied(_("只有领导小组办公室可以审核"))


def _rollup(item: ReportItem) -> None:
    if isinstance(item, Submission):
        rollup_after_commit(item.indicator_id, item.period_id)


@transaction.atomic
def item_approve(*, user: User, item: ReportItem) -> bool:
    """Approve a submitted item and lock it. Returns False when already approved; raises ValidationError otherwise.
    An approved figure counts in its indicator's rollup, rebuilt after the commit."""
    _check_reviewer(user)
    item = item_lock(item)
    if item.status == Status.APPROVED:
        return False
    if item.status != Status.SUBMITTED:
        raise ValidationError(
            _("此项%(status)s，只有已提交的数据可以审核") % {"status": item.get_status_display()}
        )
    item.status, item.reviewed_by, item.reviewed_at = Status.APPROVED, user, portal_now()
    item.return_reason = ""
    fields = ["status", "reviewed_by", "reviewed_at", "return_reason"]
    if isinstance(item, Submission):
        item.checksum = figure_checksum(item)
        fields.append("checksum")
    item_write(item, user=user, action=ItemAction.APPROVE, fields=fields)
    if isinstance(item, Submission):
        follow_ups_corrected(item=item, user=user)  # approved again after a reopen: its 待核实 is resolved
    _rollup(item)
    return True


@transaction.atomic
def item_return(*, user: User, item: ReportItem, reason: str) -> bool:
    """Return a submitted item to its unit with a reason. Returns False when it is already returned."""
    _check_reviewer(user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("请填写退回原因，填报单位会看到它"))
    items_lock([item])
    item = item_lock(item)
    if item.status == Status.RETURNED:
        return False
    if item.status != Status.SUBMITTED:
        raise ValidationError(
            _("此项%(status)s，只有已提交的数据可以退回") % {"status": item.get_status_display()}
        )
    item.status, item.return_reason, item.reopened = Status.RETURNED, reason, False
    item.reviewed_by, item.reviewed_at = user, portal_now()
    item_write(
        item,
        user=user,
        action=ItemAction.RETURN,
        reason=reason,
        fields=["status", "return_reason", "reopened", "reviewed_by", "reviewed_at"],
    )
    tally_return(item=item)
    return True


def _reopen(item: ReportItem, *, user: User, reason: str) -> None:
    item.status, item.return_reason, item.reopened = Status.RETURNED, reason, True
    item.reviewed_at = portal_now()  # the return clock of a reopened item starts now
    fields = ["status", "return_reason", "reopened", "reviewed_at"]
    if isinstance(item, Submission):
        item.checksum = ""  # vouches for an approval that no longer stands
        fields.append("checksum")
    item_write(item, user=user, action=ItemAction.REOPEN, reason=reason, fields=fields)
    _rollup(item)


@transaction.atomic
def item_reopen(*, user: User, item: ReportItem, reason: str) -> bool:
    """The office reopens an approved item so its unit can correct it. Returns False unless it was approved."""
    _check_reviewer(user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("请填写重新打开的原因"))
    item = item_lock(item)
    if item.status != Status.APPROVED:
        return False
    _reopen(item, user=user, reason=reason)
    return True


@transaction.atomic
def reopen_request_create(*, user: User, item: ReportItem, reason: str) -> ReopenRequest:
    """A unit asks the office to reopen one of its approved items. Raises ValidationError if it cannot."""
    check_reporter(user, item.unit)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("请填写申请重新打开的理由"))
    item = item_lock(item)
    if item.status != Status.APPROVED:
        raise ValidationError(_("只有已审核的数据需要申请重新打开"))
    field = "submission" if isinstance(item, Submission) else "task_report"
    if ReopenRequest.objects.filter(**{field: item}, decision=ReopenRequest.Decision.PENDING).exists():
        raise ValidationError(_("已有一份待处理的申请，请等待领导小组办公室处理"))
    return ReopenRequest.objects.create(**{field: item}, reason=reason, requested_by=user)


@transaction.atomic
def reopen_request_decide(
    *, user: User, request: ReopenRequest, grant: bool, note: str = ""
) -> ReopenRequest:
    """The office grants (the item goes back to its unit) or refuses a reopen request; both are recorded."""
    _check_reviewer(user)
    request = ReopenRequest.objects.select_for_update().get(pk=request.pk)
    if request.decision != ReopenRequest.Decision.PENDING:
        raise ValidationError(
            _("该申请%(decision)s，不能重复处理") % {"decision": request.get_decision_display()}
        )
    note = (note or "").strip()
    if not grant and not note:
        raise ValidationError(_("不同意时请写明理由"))
    request.decision = ReopenRequest.Decision.GRANTED if grant else ReopenRequest.Decision.REFUSED
    request.decision_note, request.decided_by, request.decided_at = note, user, portal_now()
    request.save(update_fields=["decision", "decision_note", "decided_by", "decided_at"])
    if grant:
        item = item_lock(request.item)
        if item.status == Status.APPROVED:
            # What the unit reads is the office's answer to its request, not its own request quoted back.
            _reopen(item, user=user, reason=note or _("已同意重新打开申请"))
    return request


@transaction.atomic
def items_review(
    *, user: User, figures: list[Submission], task_reports: list[TaskReport], action: str, reason: str = ""
) -> int:
    """The office approves ("approve") or returns ("return", with `reason`) the ticked items of the review queue,
    all or none: one refusal stops the batch and changes nothing. Returns how many this call changed (a colleague
    may have handled some a moment ago). Raises ValidationError for an unknown action or a refused item."""
    _check_reviewer(user)
    if action not in ("approve", "return"):
        raise ValidationError(_("未知操作"))
    items_lock([*figures, *task_reports])
    done = 0
    for item in [*figures, *task_reports]:
        if action == "approve":
            done += item_approve(user=user, item=item)
        else:
            done += item_return(user=user, item=item, reason=reason)
    return done


@transaction.atomic
def sheet_approve(*, user: User, unit: Unit, period: Period) -> int:
    """Approve every submitted item of one unit's quarterly sheet. Returns how many were approved."""
    _check_reviewer(user)
    sheet_items_lock(unit_id=unit.pk, period_id=period.pk)
    count = 0
    for model in (Submission, TaskReport):
        for item in model.objects.filter(unit=unit, period=period, status=Status.SUBMITTED):
            count += item_approve(user=user, item=item)
    return count
