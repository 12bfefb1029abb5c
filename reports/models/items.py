"""Reporting items: a unit's figure for an indicator (Submission) or report on a task (TaskReport) in one quarter,
with their workflow status and history, supporting documents (Evidence) and requests to reopen (ReopenRequest)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from targets.models import Indicator, Period
from tasks.models import Task
from units.clock import portal_now
from units.models import Unit


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PENDING = (
        "pending",
        _("待单位审核"),
    )  # submitted by its reporter, with its unit's 单位审核 (two-level review)
    SUBMITTED = "submitted", _("已提交")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已审核")


EDITABLE_STATUSES = (Status.DRAFT, Status.RETURNED)


class ItemAction(models.TextChoices):
    """What one change to a figure or task report was: recorded on its history row (and in the audit log) as this
    code, and put into words only when shown."""

    CREATE = "create", _("新建草稿")
    SAVE = "save", _("保存草稿")
    IMPORT = "import", _("文件导入")  # an Excel or CSV file (reports.workflow.excel)
    SUBMIT = "submit", _("提交")
    RESUBMIT = "resubmit", _("重新提交")
    APPROVE = "approve", _("审核通过")
    RETURN = "return", _("退回")
    REOPEN = "reopen", _("重新打开")
    TO_UNIT = "to_unit", _("提交单位审核")
    FORWARD = "forward", _("单位审核通过，报送办公室")
    UNIT_RETURN = "unit_ret", _("单位审核退回")


class ItemHistory(models.Model):
    """What the history rows of figures and task reports hold besides django-simple-history's own columns: the
    change as an ItemAction code. `history_change_reason` keeps only the words a person gave with it (why the office
    returned or reopened the item)."""

    action = models.CharField(_("操作"), max_length=10, choices=ItemAction.choices, blank=True)

    class Meta:
        abstract = True

    @property
    def why(self) -> str:
        """The change as the item's page lists it: 提交, 退回：请核对, 新建草稿（文件导入）."""
        if self.action == ItemAction.IMPORT and self.history_type == "+":
            return f"{ItemAction.CREATE.label}（{ItemAction.IMPORT.label}）"
        label = ItemAction(self.action).label if self.action in ItemAction.values else ""
        reason = self.history_change_reason or ""
        return f"{label}：{reason}" if label and reason else (label or reason)


class ReportItem(models.Model):
    """What figures and task reports share: who, which quarter, the workflow, and an edit version."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, verbose_name=_("报送单位"))
    period = models.ForeignKey(Period, on_delete=models.PROTECT, verbose_name=_("季度"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Checked on every save: a save based on an older version is refused (two people editing one item).
    version = models.PositiveIntegerField(_("版本"), default=1)
    note = models.TextField(_("说明"), blank=True)
    return_reason = models.TextField(_("退回原因"), blank=True)
    # A returned item the office reopened after approving it (its return_reason then holds the office's words).
    reopened = models.BooleanField(_("已重新打开"), default=False)
    # 代填: the office entered or submitted this item for its unit, for this reason (the last write was the office's).
    proxy_reason = models.TextField(_("代填原因"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("提交人"),
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    # Timeliness counts the first submission: a correction after a return does not make a report late.
    first_submitted_at = models.DateTimeField(_("首次提交时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审核人"),
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("最后修改人"),
    )
    # Set by every write of the item (reports.workflow.history.item_write, the bulk save), on the portal's clock.
    updated_at = models.DateTimeField(_("最后修改时间"), default=portal_now)

    class Meta:
        abstract = True

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def status_label(self) -> str:
        """The status as people read it: a returned item the office reopened reads 已重新打开."""
        return (
            _("已重新打开") if self.status == Status.RETURNED and self.reopened else self.get_status_display()
        )

    @property
    def is_locked(self) -> bool:
        return self.status == Status.APPROVED

    @property
    def is_proxy(self) -> bool:
        """代填: the office entered or submitted it for its unit (the reason is kept with it and in its history)."""
        return bool(self.proxy_reason)


class Submission(ReportItem):
    """One unit's figure for one indicator in one quarter."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("指标")
    )
    value = models.DecimalField(_("数值"), max_digits=18, decimal_places=4, null=True, blank=True)
    numerator = models.DecimalField(_("分子"), max_digits=18, decimal_places=4, null=True, blank=True)
    denominator = models.DecimalField(_("分母"), max_digits=18, decimal_places=4, null=True, blank=True)
    achieved = models.BooleanField(_("已达成"), null=True, blank=True)
    achieved_on = models.DateField(_("达成日期"), null=True, blank=True)
    # Written on approval (reports.figures.integrity): an HMAC of the value and the approval, to detect changes made
    # behind the application's back. Empty while not approved.
    checksum = models.CharField(_("校验码"), max_length=64, blank=True, editable=False)
    # What the checks found when it was submitted (a rule's warning, an outlier against the unit's earlier quarters
    # or other units), each answered by the 说明: the reviewer reads both in the queue.
    quality_flags = models.JSONField(_("数据提示"), default=list, blank=True)
    history = HistoricalRecords(verbose_name=_("数据修改记录"), bases=[ItemHistory])

    class Meta:
        verbose_name = _("指标数据")
        verbose_name_plural = _("指标数据")
        ordering = ["period", "indicator__position", "unit__position"]
        indexes = [
            # The review queue (and the office's to-do count): the few submitted figures, oldest first.
            models.Index(
                fields=["submitted_at", "id"], condition=Q(status="submitted"), name="figure_review_queue"
            ),
            # The rollup's figures withdrawn from approval (reports.figures.rollup_sql.wanted_sql): among the few not
            # approved, not the million approved.
            models.Index(
                fields=["indicator", "unit"], condition=~Q(status="approved"), name="figure_not_approved"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "unit", "period"], name="one_figure_per_obligation"),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0),
                name="figure_not_negative",
                violation_error_message=_("数值不能为负数"),
            ),
            models.CheckConstraint(
                condition=Q(numerator__isnull=True)
                | Q(denominator__isnull=True)
                | Q(numerator__lte=F("denominator")),
                name="numerator_at_most_denominator",
                violation_error_message=_("分子不能大于分母"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} · {self.unit} · {self.period}"


class TaskReport(ReportItem):
    """One unit's progress report on one task in one quarter."""

    class Progress(models.TextChoices):
        NOT_STARTED = "not_started", _("未启动")
        IN_PROGRESS = "in_progress", _("推进中")
        DELAYED = "delayed", _("滞后")
        DONE = "done", _("已完成")

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="reports", verbose_name=_("任务"))
    progress = models.CharField(_("进展状态"), max_length=12, choices=Progress.choices, blank=True)
    progress_text = models.TextField(_("工作进展"), blank=True)
    problems = models.TextField(_("存在问题"), blank=True)
    next_steps = models.TextField(_("下步计划"), blank=True)
    history = HistoricalRecords(verbose_name=_("任务报告修改记录"), bases=[ItemHistory])

    class Meta:
        verbose_name = _("任务进展报告")
        verbose_name_plural = _("任务进展报告")
        ordering = ["period", "task__position", "unit__position"]
        indexes = [
            models.Index(
                fields=["submitted_at", "id"], condition=Q(status="submitted"), name="report_review_queue"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["task", "unit", "period"], name="one_task_report_per_obligation"),
        ]

    def __str__(self) -> str:
        return f"{self.task.code} · {self.unit} · {self.period}"


def evidence_path(instance: "Evidence", filename: str) -> str:
    # The stored name never comes from the user: it cannot collide or climb out of the folder.
    return f"evidence/{instance.uploaded_at:%Y/%m}/{instance.token}"


class Evidence(models.Model):
    """A supporting document (佐证材料) attached to a figure or a task report."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, null=True, blank=True, related_name="evidence"
    )
    task_report = models.ForeignKey(
        TaskReport, on_delete=models.CASCADE, null=True, blank=True, related_name="evidence"
    )
    token = models.CharField(max_length=40, unique=True, editable=False)
    file = models.FileField(_("文件"), upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"))

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["uploaded_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(submission__isnull=False, task_report__isnull=True)
                | Q(submission__isnull=True, task_report__isnull=False),
                name="evidence_for_one_item",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name


class ReopenRequest(models.Model):
    """A unit's request to reopen an approved item, and the office's decision."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("待处理")
        GRANTED = "granted", _("已同意")
        REFUSED = "refused", _("未同意")

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, null=True, blank=True, related_name="reopen_requests"
    )
    task_report = models.ForeignKey(
        TaskReport, on_delete=models.CASCADE, null=True, blank=True, related_name="reopen_requests"
    )
    reason = models.TextField(_("申请理由"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("申请时间"), default=portal_now)  # on the portal's clock
    decision = models.CharField(
        _("处理结果"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    decision_note = models.TextField(_("处理意见"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("重新打开申请")
        verbose_name_plural = _("重新打开申请")
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(submission__isnull=False, task_report__isnull=True)
                | Q(submission__isnull=True, task_report__isnull=False),
                name="reopen_for_one_item",
            ),
            models.UniqueConstraint(
                fields=["submission"], condition=Q(decision="pending"), name="one_pending_reopen_per_figure"
            ),
            models.UniqueConstraint(
                fields=["task_report"],
                condition=Q(decision="pending"),
                name="one_pending_reopen_per_task_report",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} · {self.get_decision_display()}"

    @property
    def item(self) -> ReportItem:
        return self.submission or self.task_report


class ItemComment(models.Model):
    """A short message on a figure or task report between the unit and the office (a question, an answer), beside
    the return reason and the history: the thread stays with the item."""

    MAX_LENGTH = 500

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    task_report = models.ForeignKey(
        TaskReport, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    text = models.TextField(_("留言"), max_length=MAX_LENGTH)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("留言人")
    )
    created_at = models.DateTimeField(_("留言时间"))

    class Meta:
        verbose_name = _("填报项留言")
        verbose_name_plural = _("填报项留言")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(submission__isnull=False, task_report__isnull=True)
                | Q(submission__isnull=True, task_report__isnull=False),
                name="comment_on_one_item",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author} · {self.text[:20]}"
