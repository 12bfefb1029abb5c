"""批示: what the office or a leader asks of an indicator's or task's units, and the units' answers."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from targets.models import Indicator, Period
from tasks.models import Task
from units.models import Unit

# An instruction written once every quarter of its plan is past its due date has no report left to be answered with:
# it is answered within this many working days (Monday to Friday) of the day it was written.
ANSWER_WORKDAYS = 10


def workdays_after(day: datetime.date, count: int) -> datetime.date:
    """The `count`-th working day (Monday to Friday) after `day`."""
    while count:
        day += datetime.timedelta(days=1)
        count -= day.weekday() < 5
    return day


class Instruction(models.Model):
    """批示: what the office or a leader asks of the units responsible for an indicator or a task. Each unit it is
    addressed to answers it in its next report (the quarter `period`); the thread stays with the indicator or task.
    """

    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="instructions",
        verbose_name=_("指标"),
    )
    task = models.ForeignKey(
        Task,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="instructions",
        verbose_name=_("任务"),
    )
    # The quarter whose report answers it: the first one still to be reported when the instruction was written.
    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="instructions", verbose_name=_("答复季度")
    )
    units = models.ManyToManyField(Unit, related_name="instructions", verbose_name=_("批示对象"))
    text = models.TextField(_("批示内容"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("批示人")
    )
    created_at = models.DateTimeField(_("批示时间"))

    class Meta:
        verbose_name = _("批示")
        verbose_name_plural = _("批示")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(indicator__isnull=False, task__isnull=True)
                | Q(indicator__isnull=True, task__isnull=False),
                name="instruction_on_one_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} · {self.created_at:%Y-%m-%d}"

    @property
    def subject(self) -> str:
        if self.indicator_id:
            return f"指标 {self.indicator.code} {self.indicator.name}"
        return f"任务 {self.task.code} {self.task.title}"

    @property
    def author_label(self) -> str:
        return self.author.get_full_name() or self.author.get_role_display()

    @property
    def answer_due(self) -> datetime.date | None:
        """None while the instruction is answered with its quarter's report (written by that quarter's due date);
        when it was written after the plan's last due date, the day to answer by: ANSWER_WORKDAYS working days on.
        Reads `period.plan` (the reporting calendar)."""
        written = timezone.localtime(self.created_at).date()
        if written <= self.period.due_date:
            return None
        return workdays_after(written, ANSWER_WORKDAYS)

    @property
    def answered_units(self) -> set[int]:
        """Ids of the units whose answer has been sent (a draft does not count), read from the `thread`
        reports.instructions.selectors prefetches (only the answers the reader may see) when there is one."""
        replies = getattr(self, "thread", None)
        replies = self.replies.all() if replies is None else replies
        return {reply.unit_id for reply in replies if reply.submitted_at is not None}

    @property
    def answered_by_all(self) -> bool:
        return all(unit.pk in self.answered_units for unit in self.units.all())


class InstructionReply(models.Model):
    """A unit's answer to an instruction, given on its quarterly sheet (`period` is the sheet's quarter). A draft
    (`submitted_at` empty) until the unit submits its item on the instruction's subject for that quarter: only the
    unit reads and changes it until then."""

    instruction = models.ForeignKey(
        Instruction, on_delete=models.CASCADE, related_name="replies", verbose_name=_("批示")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("答复单位"))
    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="+", verbose_name=_("随季度报送")
    )
    text = models.TextField(_("答复内容"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("答复人")
    )
    created_at = models.DateTimeField(_("答复时间"))
    submitted_at = models.DateTimeField(
        _("报送时间"), null=True, blank=True, help_text=_("空为草稿：随本单位对应事项的提交一并报送")
    )

    class Meta:
        verbose_name = _("批示答复")
        verbose_name_plural = _("批示答复")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.unit} · {self.created_at:%Y-%m-%d}"

    @property
    def is_draft(self) -> bool:
        return self.submitted_at is None
