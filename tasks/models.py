"""二、主要工作 (sections and their tasks) and 三、保障措施 (safeguard items), with responsible units."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from targets.models import Indicator, WorkPlan
from units.models import Responsibility


class Section(models.Model):
    """One of 二、主要工作 (一)–(五)."""

    plan = models.ForeignKey(
        WorkPlan, on_delete=models.CASCADE, related_name="sections", verbose_name=_("方案")
    )
    number = models.CharField(_("序号"), max_length=10, help_text=_("如 一"))
    title = models.CharField(_("标题"), max_length=300)
    position = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("工作板块")
        verbose_name_plural = _("工作板块")
        ordering = ["plan", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="unique_section_number")]

    def __str__(self) -> str:
        return f"（{self.number}）{self.title}" if self.number else self.title


class Task(models.Model):
    """A task of 二、主要工作, or (kind safeguard, no section) an item of 三、保障措施."""

    class Kind(models.TextChoices):
        TASK = "task", _("主要工作")
        SAFEGUARD = "safeguard", _("保障措施")

    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("方案"))
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices, default=Kind.TASK)
    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, related_name="tasks", null=True, blank=True, verbose_name=_("板块")
    )
    number = models.CharField(_("序号"), max_length=10, help_text=_("任务如 1，保障措施如 一"))
    # The code the plan's outline gives it (二(一)1; 一(二) under 第二部分…), read from the text; blank for a plan
    # loaded before codes were kept, which reads 二(板块)序号 as the pilot plan is numbered.
    outline_code = models.CharField(_("编号"), max_length=30, blank=True)
    title = models.CharField(_("标题"), max_length=300)
    text = models.TextField(_("原文"))
    position = models.PositiveIntegerField(_("排序"), default=0)
    indicators = models.ManyToManyField(
        Indicator, through="TaskIndicator", related_name="tasks", verbose_name=_("指标"), blank=True
    )

    class Meta:
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        ordering = ["plan", "kind", "section__position", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="task", section__isnull=False) | Q(kind="safeguard", section__isnull=True),
                name="task_in_section_safeguard_not",
                violation_error_message=_("主要工作必须属于一个板块，保障措施不属于板块"),
            ),
            models.UniqueConstraint(
                fields=["section", "number"], condition=Q(kind="task"), name="unique_task_number"
            ),
            models.UniqueConstraint(
                fields=["plan", "number"], condition=Q(kind="safeguard"), name="unique_safeguard_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def code(self) -> str:
        """How the office refers to the item: 二(二)7 for a task, 三(一) for a safeguard, as the plan numbers them."""
        if self.outline_code:
            return self.outline_code
        if self.kind == self.Kind.SAFEGUARD:
            return f"三({self.number})"
        return f"二({self.section.number}){self.number}"


class TaskResponsibility(Responsibility):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="responsibilities")

    class Meta(Responsibility.Meta):
        verbose_name = _("任务责任单位")
        verbose_name_plural = _("任务责任单位")


class TaskIndicator(models.Model):
    """An indicator written inside a task.

    Either the task's own indicator (which has no goal area), or a sentence that repeats a goal-area
    indicator (二(三)1 repeats 1.3): then it is a reference to that same indicator, not a copy, and keeps
    the task's own code and wording.
    """

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="task_indicators")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="task_links")
    code = models.CharField(_("任务中的编号"), max_length=30, blank=True, help_text=_("仅引用目标指标时填写"))
    wording = models.CharField(_("任务中的写法"), max_length=200, blank=True)
    position = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("任务指标")
        verbose_name_plural = _("任务指标")
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["task", "indicator"], name="unique_task_indicator")]

    def __str__(self) -> str:
        return f"{self.task.code}: {self.indicator}"

    @property
    def is_reference(self) -> bool:
        return self.indicator.area_id is not None


class PlanDraft(models.Model):
    """A plan read from its uploaded text, waiting for the office to check it: the parsed structure (`data`, in the
    plan_import form), what the parser could not classify (`warnings`), and the plan created once confirmed; `skipped`: the paragraphs not read, with why."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待确认")
        CONFIRMED = "confirmed", _("已确认")
        DISCARDED = "discarded", _("已放弃")

    file_name = models.CharField(_("文件名"), max_length=200)
    source_text = models.TextField(_("方案原文"))
    data = models.JSONField(_("识别结果"))
    warnings = models.JSONField(_("需核对事项"), default=list, blank=True)
    # Paragraphs of the text not read into the plan, each with why (the plan's own introduction, a lead-in…).
    skipped = models.JSONField(_("未导入的段落"), default=list, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    version = models.PositiveIntegerField(
        _("版本"), default=1
    )  # two people correcting one draft: refuse the older
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("上传人")
    )
    uploaded_at = models.DateTimeField(_("上传时间"))
    plan = models.OneToOneField(
        WorkPlan,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="draft",
        verbose_name=_("建立的方案"),
    )

    class Meta:
        verbose_name = _("方案识别稿")
        verbose_name_plural = _("方案识别稿")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.data.get('plan', {}).get('title') or self.file_name} · {self.get_status_display()}"
