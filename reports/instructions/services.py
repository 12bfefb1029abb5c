"""Writes for instructions (批示): the office or a leader writes one; a unit answers it on its sheet, where the answer
stays a draft until the unit submits the item it belongs to (its figure or task report on the instruction's subject
for that quarter)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from reports.instructions.selectors import (
    instruction_candidates,
    period_to_answer,
    user_can_instruct,
)
from reports.models import (
    Instruction,
    InstructionReply,
    ReportItem,
    Status,
    Submission,
    TaskReport,
)
from reports.queue import alerts_refresh_after_commit
from targets.models import Indicator, Period, WorkPlan
from targets.periods import portal_now
from tasks.models import Task
from units.audit import audit
from units.models import Unit, User
from units.selectors import user_can_report_for

INSTRUCTION_TEXT_MAX = 2000


def _instruction_text(text: str, *, label: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("请填写%(label)s") % {"label": label}})
    if len(text) > INSTRUCTION_TEXT_MAX:
        raise ValidationError(
            {
                "text": _("%(label)s最多%(max)d字，现有%(length)d字")
                % {"label": label, "max": INSTRUCTION_TEXT_MAX, "length": len(text)}
            }
        )
    return text


@transaction.atomic
def instruction_create(
    *,
    user: User,
    text: str,
    indicator: Indicator | None = None,
    task: Task | None = None,
    units: list[Unit] | None = None,
) -> Instruction:
    """Write an instruction on an indicator or a task to some or (by default) all of its responsible units.
    Writing the same text on the same subject twice (a double click) returns the first one."""
    if not user_can_instruct(user=user):
        raise PermissionDenied(_("只有领导小组办公室和领导可以批示"))
    if (indicator is None) == (task is None):
        raise ValueError("an instruction is on exactly one indicator or task")
    text = _instruction_text(text, label=_("批示内容"))
    candidates = list(instruction_candidates(indicator=indicator, task=task))
    chosen = candidates if units is None else [u for u in candidates if u in set(units)]
    if units is not None and len(chosen) != len(set(units)):
        raise ValidationError({"units": _("只能批示给此项的责任单位")})
    if not chosen:
        raise ValidationError({"units": _("请至少选择一个批示对象单位")})
    subject = {"indicator": indicator} if indicator is not None else {"task": task}
    plan = (indicator or task).plan
    WorkPlan.objects.select_for_update().filter(pk=plan.pk).first()  # one writer at a time: no double
    same = Instruction.objects.filter(**subject, author=user, text=text).first()
    if same is not None:
        return same
    instruction = Instruction(
        **subject, text=text, author=user, period=period_to_answer(plan=plan), created_at=portal_now()
    )
    instruction.full_clean(exclude=["units"])
    instruction.save()
    instruction.units.set(chosen)
    names = "、".join(unit.name for unit in chosen)
    audit(
        action="instruction_create",
        user=user,
        obj=instruction,
        detail=f"{instruction.subject} → {names}：{text}",
    )
    alerts_refresh_after_commit(plan.pk)
    return instruction


def _answer_waits_for_item(*, instruction: Instruction, unit: Unit, period: Period) -> bool:
    """Whether the unit's answer on its sheet for `period` waits, as a draft, for the unit to submit its item on the
    instruction's subject (figure or task report) of that quarter. It does not when there is nothing left to submit
    it with: the item is already submitted or approved, the unit no longer reports the subject, or the instruction
    came after the plan's last quarter (answered within ANSWER_WORKDAYS instead)."""
    if instruction.answer_due is not None:
        return False
    subject = {"indicator": instruction.indicator} if instruction.indicator_id else {"task": instruction.task}
    if not instruction_candidates(**subject).filter(pk=unit.pk).exists():
        return False
    model = Submission if instruction.indicator_id else TaskReport
    status = (
        model.objects.filter(unit=unit, period=period, **subject).values_list("status", flat=True).first()
    )
    return status not in (Status.SUBMITTED, Status.APPROVED)


@transaction.atomic
def instruction_reply(
    *, user: User, instruction: Instruction, unit: Unit, period: Period, text: str
) -> InstructionReply:
    """A unit's answer to an instruction, given on its sheet for `period`. It is kept as the unit's draft (changed
    by a later answer, read by nobody else) until the unit submits its item on the instruction's subject for that
    quarter (instruction_replies_send); it is sent at once when nothing is left to submit it with (see
    _answer_waits_for_item). Once one is sent, a later, different answer starts a new one in the thread; sending
    the same answer twice (a double submit) stores it once. Raises PermissionDenied for another unit's staff and
    ValidationError for an instruction not meant for the unit or an empty or overlong text."""
    if not user_can_report_for(user=user, unit=unit):
        raise PermissionDenied(_("您只能以本单位名义答复批示"))
    if not instruction.units.filter(pk=unit.pk).exists():
        raise ValidationError({"text": _("此批示不是给%(unit)s的，不能答复") % {"unit": unit.name}})
    text = _instruction_text(text, label=_("答复内容"))
    Instruction.objects.select_for_update().filter(pk=instruction.pk).first()
    replies = InstructionReply.objects.filter(instruction=instruction, unit=unit)
    draft = replies.filter(submitted_at__isnull=True).first()
    last = replies.filter(submitted_at__isnull=False).last()
    if draft is None and last is not None and last.text == text:
        return last
    now = portal_now()
    sent = None if _answer_waits_for_item(instruction=instruction, unit=unit, period=period) else now
    if draft is None:
        draft = InstructionReply.objects.create(
            instruction=instruction,
            unit=unit,
            period=period,
            text=text,
            author=user,
            created_at=now,
            submitted_at=sent,
        )
    elif (draft.text, draft.period_id, sent) != (text, period.pk, None):
        draft.text, draft.period, draft.author, draft.submitted_at = text, period, user, sent
        draft.save(update_fields=["text", "period", "author", "submitted_at"])
    if sent:
        alerts_refresh_after_commit(period.plan_id)
    return draft


@transaction.atomic
def instruction_draft_discard(*, user: User, instruction: Instruction, unit: Unit) -> bool:
    """Remove the unit's draft answer (its text emptied on the sheet); a sent answer stays. Returns whether there
    was one. Raises PermissionDenied for another unit's staff."""
    if not user_can_report_for(user=user, unit=unit):
        raise PermissionDenied(_("您只能以本单位名义答复批示"))
    removed, _by_model = InstructionReply.objects.filter(
        instruction=instruction, unit=unit, submitted_at__isnull=True
    ).delete()
    return bool(removed)


def instruction_replies_send(*, item: ReportItem) -> int:
    """Send the unit's draft answers that wait for `item`, just submitted: those typed on the item's quarterly
    sheet to instructions on its indicator or task. Called by item_submit, in its transaction (which refreshes the
    plan's alerts after the commit). Returns how many were sent."""
    subject = (
        {"instruction__indicator_id": item.indicator_id}
        if isinstance(item, Submission)
        else {"instruction__task_id": item.task_id}
    )
    return InstructionReply.objects.filter(
        unit_id=item.unit_id, period_id=item.period_id, submitted_at__isnull=True, **subject
    ).update(submitted_at=portal_now())
