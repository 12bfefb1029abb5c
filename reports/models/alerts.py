"""预警提醒: one cause for concern, opened and closed by reports.alerts.services."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from targets.models import Indicator, Period
from tasks.models import Task
from units.models import Unit


class Alert(models.Model):
    """One cause for concern (a quarter not reported, an item left returned, an indicator lagging), for a unit
    and/or the office. Opened and closed by `reports.alerts.services.alerts_refresh`, never edited by hand: the unique key
    names the cause, so a rerun or a second run at the same time never opens it twice."""

    class Kind(models.TextChoices):
        REMINDER_7 = "reminder_7", _("7天后到期")
        REMINDER_3 = "reminder_3", _("3天后到期")
        OVERDUE = "overdue", _("逾期未报")
        ESCALATED = "escalated", _("逾期一周（已报领导小组办公室）")
        RETURNED_STALE = "returned_stale", _("退回3天未重新提交")
        INDICATOR_RED = "indicator_red", _("指标滞后预警")
        INSTRUCTION = "instruction", _("领导批示待答复")

    # e.g. "overdue:<unit id>:<period id>", "returned_stale:figure:<submission id>", "indicator_red:<ind.>:<period>"
    # and for an unanswered instruction "instruction:<instruction id>:<unit id>"
    key = models.CharField(_("原因标识"), max_length=100, unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    # Who sees it: the unit's users (empty for an indicator alert: its reporting units see it), and the office.
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, null=True, blank=True, related_name="alerts", verbose_name=_("单位")
    )
    for_office = models.BooleanField(_("报领导小组办公室"), default=False)
    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, null=True, blank=True, related_name="alerts", verbose_name=_("季度")
    )
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alerts",
        verbose_name=_("指标"),
    )
    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, null=True, blank=True, related_name="alerts", verbose_name=_("任务")
    )
    message = models.TextField(_("提醒内容"))
    count = models.PositiveIntegerField(_("涉及项数"), default=1)
    opened_at = models.DateTimeField(_("提醒时间"))
    closed_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)
    read_by = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="alerts_read", verbose_name=_("已读用户")
    )

    class Meta:
        verbose_name = _("预警提醒")
        verbose_name_plural = _("预警提醒")
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False) | Q(for_office=True),
                name="alert_has_an_audience",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.unit or '领导小组办公室'} · {self.period or ''}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None
