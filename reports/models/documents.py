"""Generated documents (季度通报, 实施情况评估) and their progress."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from targets.models import Period, WorkPlan


class Document(models.Model):
    """A generated document (季度通报, 实施情况评估): queued by the office, written by a background job that reports its
    progress here, then stored for download with who asked for it and when."""

    class Kind(models.TextChoices):
        BULLETIN = "bulletin", _("季度通报（Word）")
        EVALUATION = "evaluation", _("实施情况评估（Word）")
        EVALUATION_XLSX = "evaluation_xlsx", _("实施情况评估（Excel）")

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已生成")
        FAILED = "failed", _("生成失败")

    plan = models.ForeignKey(
        WorkPlan, on_delete=models.CASCADE, related_name="documents", verbose_name=_("方案")
    )
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    period = models.ForeignKey(
        Period,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("季度"),
    )
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    step = models.CharField(_("当前步骤"), max_length=100, blank=True)
    file = models.FileField(_("文件"), upload_to="documents/%Y/", blank=True)
    charts = models.BooleanField(_("含图表"), default=False)
    error = models.TextField(_("失败原因"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("生成人")
    )
    created_at = models.DateTimeField(_("申请时间"))
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("生成的文档")
        verbose_name_plural = _("生成的文档")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="bulletin") | Q(period__isnull=False), name="bulletin_has_a_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.period.label if self.period else self.plan}"

    @property
    def file_label(self) -> str:
        """The name the download gets: 2025年第二季度通报.docx, 实施情况评估.xlsx."""
        if self.kind == self.Kind.BULLETIN:
            return f"{self.period.label}通报.docx"
        return "实施情况评估.xlsx" if self.kind == self.Kind.EVALUATION_XLSX else "实施情况评估.docx"
