"""Quarterly reporting: figures (submissions), task reports, evidence, reopen requests, instructions (批示)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from targets.models import Indicator, Period, WorkPlan
from tasks.models import Task
from units.models import Unit


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已审核")


EDITABLE_STATUSES = (Status.DRAFT, Status.RETURNED)


class ReportItem(models.Model):
    """What figures and task reports share: who, which quarter, the workflow, and an edit version."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, verbose_name=_("报送单位"))
    period = models.ForeignKey(Period, on_delete=models.PROTECT, verbose_name=_("季度"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Checked on every save: a save based on an older version is refused (two people editing one item).
    version = models.PositiveIntegerField(_("版本"), default=1)
    note = models.TextField(_("说明"), blank=True)
    return_reason = models.TextField(_("退回原因"), blank=True)
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
    updated_at = models.DateTimeField(_("最后修改时间"), auto_now=True)

    class Meta:
        abstract = True

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def is_locked(self) -> bool:
        return self.status == Status.APPROVED


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
    # Written on approval (reports.integrity): an HMAC of the value and the approval, to detect changes made
    # behind the application's back. Empty while not approved.
    checksum = models.CharField(_("校验码"), max_length=64, blank=True, editable=False)
    history = HistoricalRecords(verbose_name=_("数据修改记录"))

    class Meta:
        verbose_name = _("指标数据")
        verbose_name_plural = _("指标数据")
        ordering = ["period", "indicator__position", "unit__position"]
        indexes = [
            # The review queue (and the office's to-do count): the few submitted figures, oldest first.
            models.Index(
                fields=["submitted_at", "id"], condition=Q(status="submitted"), name="figure_review_queue"
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
    history = HistoricalRecords(verbose_name=_("任务报告修改记录"))

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
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
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
    def answered_units(self) -> set[int]:
        """Ids of the units that have answered, read from the `thread` reports.instructions prefetches (only the
        answers the reader may see) when there is one."""
        replies = getattr(self, "thread", None)
        return {reply.unit_id for reply in (self.replies.all() if replies is None else replies)}

    @property
    def answered_by_all(self) -> bool:
        return all(unit.pk in self.answered_units for unit in self.units.all())


class InstructionReply(models.Model):
    """A unit's answer to an instruction, given on its quarterly sheet (`period` is the sheet's quarter)."""

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

    class Meta:
        verbose_name = _("批示答复")
        verbose_name_plural = _("批示答复")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.unit} · {self.created_at:%Y-%m-%d}"


class Rollup(models.Model):
    """An indicator's value for one quarter: for the city (unit empty) by the aggregation rule, or one unit's
    approved figure. Rebuilt from approved submissions only; never edited by hand."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="rollups")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="rollups")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, null=True, blank=True, related_name="rollups")
    value = models.DecimalField(max_digits=18, decimal_places=4, null=True)
    numerator = models.DecimalField(max_digits=18, decimal_places=4, null=True)
    denominator = models.DecimalField(max_digits=18, decimal_places=4, null=True)
    achieved_on = models.DateField(null=True)
    reported = models.PositiveIntegerField(default=0)  # units with an approved figure
    expected = models.PositiveIntegerField(default=0)  # units that report the indicator
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("汇总值")
        verbose_name_plural = _("汇总值")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period"],
                condition=Q(unit__isnull=True),
                name="one_city_value_per_quarter",
            ),
            models.UniqueConstraint(
                fields=["indicator", "period", "unit"],
                condition=Q(unit__isnull=False),
                name="one_unit_value_per_quarter",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period} {self.unit or '全市'}: {self.value}"


class Standing(models.Model):
    """Where an indicator stands at the end of one quarter, as the progress engine (targets.progress) computes it
    from the city rollup rows and the indicator's target. Kept by the rollup in the transaction that writes those
    rows, and refreshed when the office edits a target in 管理后台 (reports.standings), so that a dashboard does not
    run the engine over every indicator on each request. `inputs` fingerprints the target and thresholds it was
    computed with: a row whose indicator or plan has changed since is never shown, the standing is computed afresh."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="standings")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="standings")
    status = models.CharField(max_length=16)
    value = models.DecimalField(max_digits=30, decimal_places=10, null=True)
    expected = models.DecimalField(max_digits=30, decimal_places=10, null=True)
    target = models.DecimalField(max_digits=30, decimal_places=10, null=True)
    projected_end = models.DecimalField(max_digits=30, decimal_places=10, null=True)
    projected_met = models.DateField(null=True)
    formula = models.TextField(blank=True)
    reported = models.PositiveIntegerField(default=0)  # units with an approved figure this quarter
    expected_units = models.PositiveIntegerField(default=0)  # units that report it
    inputs = models.CharField(max_length=32)

    class Meta:
        verbose_name = _("指标进展")
        verbose_name_plural = _("指标进展")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period"], name="one_standing_per_quarter"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period}: {self.status}"


class ReportingTally(models.Model):
    """One unit's reporting record in one quarter, counted as it happens (reports.services): items (figures and task
    reports) first submitted by the end of the due day or after it, and returns by the office. The heatmap, the unit
    league and the home page read these few rows instead of counting over every figure. `due_date` is the due date
    the on-time count was measured against: rows of a quarter whose due date has changed since are recounted
    (reports.tallies)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    due_date = models.DateField(null=True)
    on_time = models.PositiveIntegerField(default=0)
    late = models.PositiveIntegerField(default=0)
    returned = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("报送统计")
        verbose_name_plural = _("报送统计")
        constraints = [
            models.UniqueConstraint(fields=["unit", "period"], name="one_tally_per_unit_quarter"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.period}: {self.on_time}/{self.late}/{self.returned}"


class Alert(models.Model):
    """One cause for concern (a quarter not reported, an item left returned, an indicator lagging), for a unit
    and/or the office. Opened and closed by `reports.alerts.alerts_refresh`, never edited by hand: the unique key
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
