"""Reads for instructions (批示): the office or a leader writes one on an indicator or a task; each unit it is
addressed to sees it on its pages and in its alerts and answers it on its next quarterly sheet. The thread
(instruction and answers) stays with the indicator or task. The writes are `instruction_create` and
`instruction_reply` in reports.instructions.services.

An answer is a draft until the unit submits the item it belongs to: only the unit's sheet shows a draft; everywhere
else (threads, lists, alerts, counts) an instruction awaits the unit's answer until one is sent.

Who sees what: the office and leaders every instruction and answer; unit staff the instructions addressed to their
unit and their own unit's answers (another unit's answer is that unit's business).
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from reports.models import Instruction, InstructionReply
from reports.models.instructions import ANSWER_WORKDAYS, workdays_after
from targets.models import Indicator, Period, WorkPlan
from targets.periods import portal_today
from tasks.models import Task, TaskResponsibility
from units.models import Unit, User
from units.selectors import units_visible_to, user_sees_all_units

INSTRUCTING_ROLES = (User.Role.OFFICE, User.Role.LEADER)


def user_can_instruct(*, user: User) -> bool:
    return user.is_authenticated and user.role in INSTRUCTING_ROLES


def instruction_candidates(*, indicator: Indicator | None = None, task: Task | None = None) -> QuerySet[Unit]:
    """The units an instruction on this subject can be addressed to: those who report the indicator, or those the
    task names directly or through a group, in the plan's order."""
    if indicator is not None:
        return indicator.reporting_units.order_by("position", "pk")
    rows = TaskResponsibility.objects.filter(task=task)
    return (
        Unit.objects.filter(
            Q(pk__in=rows.values("unit_id"))
            | Q(groups__in=rows.filter(group__isnull=False).values("group_id"))
        )
        .distinct()
        .order_by("position", "pk")
    )


def period_to_answer(*, plan: WorkPlan) -> Period:
    """The quarter whose report answers an instruction written today: the first one not yet due (the plan's last
    quarter once every quarter is due)."""
    today = portal_today()
    periods = list(plan.periods.all())
    if not periods:
        raise ValidationError(_("方案还没有季度，不能批示"))
    return next((p for p in periods if p.due_date >= today), periods[-1])


def answer_due_if_written_today(*, plan: WorkPlan) -> datetime.date | None:
    """None while an instruction written today is answered with a quarter's report; once every quarter of the plan
    is past its due date, the day such an instruction must be answered by (Instruction.answer_due)."""
    today = portal_today()
    if any(period.due_date >= today for period in plan.periods.all()):
        return None
    return workdays_after(today, ANSWER_WORKDAYS)


def _with_thread(
    queryset: QuerySet[Instruction], *, units: QuerySet[Unit] | None, drafts: bool = False
) -> QuerySet[Instruction]:
    """Instructions with their addressed units and sent answers (`thread`; drafts too when `drafts`), limited to
    `units` when given."""
    addressed = Unit.objects.order_by("position", "pk")
    replies = InstructionReply.objects.select_related("unit", "author", "period")
    if not drafts:
        replies = replies.filter(submitted_at__isnull=False)
    if units is not None:
        addressed, replies = addressed.filter(pk__in=units), replies.filter(unit__in=units)
    return queryset.select_related("indicator", "task__section", "author", "period__plan").prefetch_related(
        Prefetch("units", addressed), Prefetch("replies", replies, to_attr="thread")
    )


def instructions_visible_to(*, user: User) -> QuerySet[Instruction]:
    """Every instruction for the office and leaders; those addressed to their unit for unit staff; none for others.
    Each comes with `thread`, the answers this user may read (oldest first), and `units`, the addressed units
    among those the user sees."""
    if user_sees_all_units(user=user):
        return _with_thread(Instruction.objects.all(), units=None)
    if user.role not in User.UNIT_ROLES:
        return Instruction.objects.none()
    units = units_visible_to(user=user)
    return _with_thread(Instruction.objects.filter(units__in=units).distinct(), units=units)


def instructions_on(*, user: User, indicator: Indicator | None = None, task: Task | None = None) -> list:
    """The thread of an indicator or task as this user may read it, newest instruction first."""
    subject = {"indicator": indicator} if indicator is not None else {"task": task}
    return list(instructions_visible_to(user=user).filter(**subject))


def instruction_thread(*, user: User, indicator: Indicator | None = None, task: Task | None = None) -> dict:
    """Template context for the "批示" card of an indicator or task page: the thread, and where to write one."""
    subject = {"indicator": indicator} if indicator is not None else {"task": task}
    kind, pk = next((name, obj.pk) for name, obj in subject.items())
    can = user_can_instruct(user=user)
    return {
        "instructions": instructions_on(user=user, **subject),
        "instruct_url": reverse("reports:instruction_new", args=[kind, pk]) if can else "",
    }


def instructions_awaiting(*, unit: Unit) -> QuerySet[Instruction]:
    """Instructions addressed to the unit that it has not sent an answer to yet, oldest first."""
    answered = InstructionReply.objects.filter(
        instruction_id=OuterRef("pk"), unit=unit, submitted_at__isnull=False
    )
    return (
        _with_thread(Instruction.objects.filter(units=unit), units=Unit.objects.filter(pk=unit.pk))
        .exclude(Exists(answered))
        .order_by("created_at", "pk")
    )


@dataclass
class SheetInstruction:
    """An instruction on a unit's sheet: awaiting its answer (perhaps with the unit's draft), or answered on this
    sheet (its sent answers shown for the record)."""

    instruction: Instruction
    replies: list[InstructionReply] = field(default_factory=list)  # sent
    draft: InstructionReply | None = None

    @property
    def awaiting(self) -> bool:
        return not self.replies

    @property
    def key(self) -> str:
        return f"ins{self.instruction.pk}"


def sheet_instructions(*, unit: Unit, period: Period) -> list[SheetInstruction]:
    """What the unit's sheet for `period` shows at its top: instructions it still has to answer (with its draft
    answer when it saved one here), and those it answered on this sheet. An instruction with a draft answer on
    another quarter's sheet is that sheet's. Three queries."""
    own = Unit.objects.filter(pk=unit.pk)
    answered_here = InstructionReply.objects.filter(instruction_id=OuterRef("pk"), unit=unit, period=period)
    answered = InstructionReply.objects.filter(instruction_id=OuterRef("pk"), unit=unit)
    instructions = (
        _with_thread(
            Instruction.objects.filter(units=unit, period__plan_id=period.plan_id), units=own, drafts=True
        )
        .filter(Q(Exists(answered_here)) | ~Q(Exists(answered)))
        .order_by("created_at", "pk")
    )
    return [
        SheetInstruction(
            instruction=i,
            replies=[r for r in i.thread if not r.is_draft],
            draft=next((r for r in i.thread if r.is_draft), None),
        )
        for i in instructions
    ]


def instructions_unanswered(*, plan: WorkPlan) -> dict[tuple[int, int], Instruction]:
    """Per (instruction, unit) with no answer sent yet in the plan: the instruction (for alerts). Two queries."""
    instructions = {
        i.pk: i
        for i in Instruction.objects.filter(period__plan=plan).select_related(
            "indicator", "task__section", "author", "period__plan"
        )
    }
    answered = set(
        InstructionReply.objects.filter(
            instruction__period__plan=plan, submitted_at__isnull=False
        ).values_list("instruction_id", "unit_id")
    )
    addressed = Instruction.units.through.objects.filter(instruction_id__in=instructions)
    waiting: dict[tuple[int, int], Instruction] = {}
    for instruction_id, unit_id in addressed.values_list("instruction_id", "unit_id"):
        if (instruction_id, unit_id) not in answered:
            waiting[(instruction_id, unit_id)] = instructions[instruction_id]
    return waiting


def instruction_counts(*, plan: WorkPlan) -> dict[str, int]:
    """For the office home: instructions some addressed unit has not answered, and how many answers are awaited.
    One query."""
    answered = InstructionReply.objects.filter(
        instruction_id=OuterRef("instruction_id"), unit_id=OuterRef("unit_id"), submitted_at__isnull=False
    )
    waiting = list(
        Instruction.units.through.objects.filter(instruction__period__plan=plan)
        .exclude(Exists(answered))
        .values_list("instruction_id", flat=True)
    )
    return {"open": len(set(waiting)), "answers_awaited": len(waiting)}
