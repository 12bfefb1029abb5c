"""Data quality: the validation rules the office keeps per plan (管理后台, with history), and what the nightly check
found among approved figures (数据质量)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from targets.models import Indicator, WorkPlan

from .items import Submission


class ValidationRule(models.Model):
    """A rule a figure of one indicator must meet, against the unit's previous quarter, another indicator of the same
    unit and quarter, the city's figure of the same quarter, or a fixed number. An error refuses submission; a
    warning asks for a written reason in the figure's 说明."""

    class Operator(models.TextChoices):
        LTE = "<=", _("不大于")
        GTE = ">=", _("不小于")
        EQ = "==", _("等于")

    class Compare(models.TextChoices):
        PREVIOUS = "previous", _("本单位上季度的数值")
        INDICATOR = "indicator", _("本单位同季度另一指标的数值")
        CITY = "city", _("同季度市级单位报送的数值")
        CONSTANT = "constant", _("固定数值")

    class Severity(models.TextChoices):
        ERROR = "error", _("错误：不能提交")
        WARNING = "warning", _("警告：须在说明中写明原因")

    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="rules", verbose_name=_("方案"))
    name = models.CharField(_("规则名称"), max_length=100, help_text=_("如 质押金额累计不得下降"))
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="rules", verbose_name=_("指标")
    )
    operator = models.CharField(_("比较"), max_length=2, choices=Operator.choices)
    compare = models.CharField(_("比较对象"), max_length=10, choices=Compare.choices)
    other_indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("另一指标"),
        help_text=_("比较对象为“另一指标”时填写"),
    )
    constant = models.DecimalField(
        _("固定数值"),
        max_digits=18,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("比较对象为“固定数值”时填写"),
    )
    severity = models.CharField(_("级别"), max_length=10, choices=Severity.choices, default=Severity.WARNING)
    active = models.BooleanField(_("启用"), default=True)
    history = HistoricalRecords(verbose_name=_("规则修改记录"))

    class Meta:
        verbose_name = _("校验规则")
        verbose_name_plural = _("校验规则")
        ordering = ["plan", "indicator__position", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """What the rule needs for its comparison, each indicator of the rule's plan."""
        errors = {}
        if self.indicator_id and self.plan_id and self.indicator.plan_id != self.plan_id:
            errors["indicator"] = _("请选择本方案的指标")
        if self.compare == self.Compare.INDICATOR:
            if self.other_indicator is None:
                errors["other_indicator"] = _("比较对象为另一指标时，请选择该指标")
            elif self.other_indicator.plan_id != self.plan_id:
                errors["other_indicator"] = _("请选择本方案的指标")
            elif self.other_indicator_id == self.indicator_id:
                errors["other_indicator"] = _("请选择另一个指标")
        if self.compare == self.Compare.CONSTANT and self.constant is None:
            errors["constant"] = _("比较对象为固定数值时，请填写该数值")
        if errors:
            raise ValidationError(errors)


class QualityIssue(models.Model):
    """An approved figure that breaks an active rule, as the nightly check (reports.jobs.quality_check_all) found
    it: listed on the office's 数据质量 page until the check no longer finds it."""

    rule = models.ForeignKey(
        ValidationRule, on_delete=models.CASCADE, related_name="issues", verbose_name=_("规则")
    )
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="quality_issues", verbose_name=_("数据")
    )
    message = models.TextField(_("问题"))
    found_at = models.DateTimeField(_("发现时间"))

    class Meta:
        verbose_name = _("数据质量问题")
        verbose_name_plural = _("数据质量问题")
        ordering = [
            "rule_id",
            "submission__period__year",
            "submission__period__quarter",
            "submission__unit__position",
        ]
        constraints = [
            models.UniqueConstraint(fields=["rule", "submission"], name="one_issue_per_rule_and_figure")
        ]

    def __str__(self) -> str:
        return self.message[:40]


class FollowUp(models.Model):
    """待核实: the office's doubt on an approved figure, with its note. The unit sees it until it is resolved: the
    figure corrected (reopened and approved again) or confirmed as it stands, with the unit's reason."""

    class Resolution(models.TextChoices):
        CORRECTED = "corrected", _("已更正")
        CONFIRMED = "confirmed", _("已确认无误")

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("数据")
    )
    note = models.TextField(_("待核实的问题"), max_length=500)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("标记人")
    )
    marked_at = models.DateTimeField(_("标记时间"))
    resolution = models.CharField(_("处理结果"), max_length=10, choices=Resolution.choices, blank=True)
    reason = models.TextField(_("说明"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("待核实标记")
        verbose_name_plural = _("待核实标记")
        ordering = ["-marked_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission"], condition=models.Q(resolution=""), name="one_open_follow_up_per_figure"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submission} · {self.get_resolution_display() or _('待核实')}"

    @property
    def is_open(self) -> bool:
        return not self.resolution
