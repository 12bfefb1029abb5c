"""The work plan, its goal areas and its indicators (targets)."""

import datetime
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from units.models import Responsibility, Unit

from .periods import QUARTER_NAMES, quarter_bounds


class WorkPlan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        ACTIVE = "active", _("执行中")
        CLOSED = "closed", _("已结束")
        ARCHIVED = "archived", _("归档")

    title = models.CharField(_("标题"), max_length=300)
    issuer = models.CharField(_("印发单位"), max_length=200, blank=True)
    start = models.DateField(_("工作期开始"))
    end = models.DateField(_("工作期结束"))
    due_days = models.PositiveSmallIntegerField(
        _("季后报送天数"), default=10, help_text=_("每季度结束后多少天内报送")
    )
    # Changed only by tasks.lifecycle (草稿 → 执行中 → 已结束 → 归档), each change audited.
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    opened_at = models.DateTimeField(_("开放填报时间"), null=True, blank=True, editable=False)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True, editable=False)
    amber_ratio = models.DecimalField(
        _("预警线"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.85"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("实际进度达到应有进度的这一比例以上为“预警”，以下为“滞后”"),
    )
    rate_amber_points = models.DecimalField(
        _("比率预警幅度（百分点）"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("5"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("比率类指标低于目标不超过这么多个百分点为“预警”"),
    )
    # The end-of-plan evaluation's verdicts: short of the target but this close is 基本达成.
    verdict_basic_ratio = models.DecimalField(
        _("基本达成比例"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.90"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("未达到目标，但完成目标的这一比例以上，评估为“基本达成”"),
    )
    verdict_rate_points = models.DecimalField(
        _("比率基本达成差距（百分点）"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("5"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("比率类指标低于目标不超过这么多个百分点，评估为“基本达成”"),
    )
    source_text = models.TextField(_("方案原文"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    # The plan this one follows: its matching indicators take their baselines from it (reports.figures.succession).
    predecessor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="successors",
        verbose_name=_("上一方案"),
        editable=False,
    )

    class Meta:
        verbose_name = _("工作方案")
        verbose_name_plural = _("工作方案")
        ordering = ["-start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")),
                name="plan_end_after_start",
                violation_error_message=_("工作期结束日期必须晚于开始日期"),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_archived(self) -> bool:
        """An archived plan is read-only: its figures, task reports and reviews can no longer change."""
        return self.status == self.Status.ARCHIVED


class Period(models.Model):
    """A reporting quarter of a plan, with its due date (quarter end + the plan's due days unless overridden)."""

    plan = models.ForeignKey(
        WorkPlan, on_delete=models.CASCADE, related_name="periods", verbose_name=_("方案")
    )
    year = models.PositiveSmallIntegerField(_("年"))
    quarter = models.PositiveSmallIntegerField(
        _("季度"), choices=[(q, name) for q, name in QUARTER_NAMES.items()]
    )
    due_date_override = models.DateField(
        _("报送截止日（单独设定）"), null=True, blank=True, help_text=_("留空则为季度结束后按方案规定天数")
    )

    class Meta:
        verbose_name = _("报送季度")
        verbose_name_plural = _("报送季度")
        ordering = ["plan", "year", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "year", "quarter"], name="unique_plan_quarter"),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="quarter_1_to_4"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def code(self) -> str:
        return f"{self.year}Q{self.quarter}"

    @property
    def label(self) -> str:
        return f"{self.year}年{QUARTER_NAMES[self.quarter]}"

    @property
    def start(self) -> datetime.date:
        return quarter_bounds(self.year, self.quarter)[0]

    @property
    def end(self) -> datetime.date:
        return quarter_bounds(self.year, self.quarter)[1]

    @property
    def due_date(self) -> datetime.date:
        return self.due_date_override or self.end + datetime.timedelta(days=self.plan.due_days)


class GoalArea(models.Model):
    """一、(二) 主要目标 1–5: 创造 / 运用 / 保护 / 管理 / 服务."""

    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="areas", verbose_name=_("方案"))
    number = models.CharField(_("序号"), max_length=10)
    name = models.CharField(_("领域"), max_length=20, help_text=_("如 创造、运用"))
    headline = models.CharField(_("目标标题"), max_length=200, help_text=_("如 知识产权创造更加高质"))
    text = models.TextField(_("原文"))
    position = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("目标领域")
        verbose_name_plural = _("目标领域")
        ordering = ["plan", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="unique_area_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.headline}"


class AreaResponsibility(Responsibility):
    area = models.ForeignKey(GoalArea, on_delete=models.CASCADE, related_name="responsibilities")

    class Meta(Responsibility.Meta):
        verbose_name = _("目标责任单位")
        verbose_name_plural = _("目标责任单位")


class Indicator(models.Model):
    """A measurable target of the plan, written in a goal area or inside a task."""

    class Kind(models.TextChoices):
        LEVEL = "level", _("存量（达到）")
        CUMULATIVE = "cumulative", _("累计")
        INCREMENT = "increment", _("新增")
        RATE = "rate", _("比率")
        RELATIVE = "relative", _("相对基线")
        MILESTONE = "milestone", _("里程碑")

    class Direction(models.TextChoices):
        INCREASE = "increase", _("越高越好")
        DECREASE = "decrease", _("越低越好")

    class Comparison(models.TextChoices):
        GTE = ">=", _("不低于（达到/以上）")
        GT = ">", _("超过")
        EQ = "=", _("等于")
        LTE = "<=", _("不高于")

    class Aggregation(models.TextChoices):
        SUM = "sum", _("各单位相加")
        RATIO = "ratio", _("分子分母分别相加后相除")
        LEAD = "lead", _("取牵头单位数")
        LATEST = "latest", _("取最新值")

    plan = models.ForeignKey(
        WorkPlan, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("方案")
    )
    area = models.ForeignKey(
        GoalArea,
        on_delete=models.CASCADE,
        related_name="indicators",
        null=True,
        blank=True,
        verbose_name=_("目标领域"),
        help_text=_("写在任务中的指标留空，通过任务关联"),
    )
    code = models.CharField(_("编号"), max_length=30)
    name = models.CharField(_("指标名称"), max_length=200)
    uom = models.CharField(_("计量单位"), max_length=20)
    # How a figure of this indicator is written: a count of things takes none, an amount or a density as the plan
    # writes it. Left empty it follows from the unit of measure (reports.workflow.validation.figure_places).
    decimals = models.PositiveSmallIntegerField(
        _("小数位数"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(4)],
        help_text=_(
            "填报时最多可填的小数位数（0–4）。留空则按计量单位确定：户、件、个、人等计数只能填整数，其他最多2位小数"
        ),
    )
    kind = models.CharField(_("目标类型"), max_length=20, choices=Kind.choices)
    direction = models.CharField(
        _("方向"), max_length=10, choices=Direction.choices, default=Direction.INCREASE
    )
    comparison = models.CharField(
        _("比较方式"), max_length=2, choices=Comparison.choices, default=Comparison.GTE
    )
    # 预期性 (expected) or 约束性 (binding), when the plan says so: a binding target is one the city must meet.
    nature = models.CharField(
        _("指标属性"),
        max_length=10,
        blank=True,
        choices=[("预期性", _("预期性")), ("约束性", _("约束性"))],
    )
    baseline_value = models.DecimalField(_("基线值"), max_digits=18, decimal_places=4, null=True, blank=True)
    baseline_date = models.DateField(_("基线日期"), null=True, blank=True)
    # Set when the baseline was carried from the predecessor plan's approved figures (reports.figures.succession);
    # cleared when the office enters a baseline by hand.
    baseline_source = models.CharField(_("基线来源"), max_length=200, blank=True)
    carried_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_to",
        verbose_name=_("上一方案的对应指标"),
        editable=False,
    )
    factor = models.DecimalField(
        _("倍数"),
        max_digits=8,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("相对基线的目标：翻一番为 2，减少10% 为 0.9"),
    )
    target_value = models.DecimalField(
        _("目标值"),
        max_digits=18,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    target_date = models.DateField(_("目标日期"), default=datetime.date(2025, 6, 30))
    aggregation = models.CharField(
        _("汇总方式"), max_length=10, choices=Aggregation.choices, default=Aggregation.SUM
    )
    numerator_label = models.CharField(
        _("分子名称"), max_length=100, blank=True, help_text=_("比率由分子/分母算出时填写，如 审限内结案数")
    )
    denominator_label = models.CharField(
        _("分母名称"), max_length=100, blank=True, help_text=_("如 结案总数")
    )
    reporting_units = models.ManyToManyField(
        Unit,
        blank=True,
        related_name="reported_indicators",
        verbose_name=_("报送单位"),
        help_text=_("每季度报送该指标数据的单位；城市数值按汇总方式由各单位数据算出"),
    )
    source_text = models.TextField(_("方案原文"), blank=True, help_text=_("方案中写出该指标的原句"))
    position = models.PositiveIntegerField(_("排序"), default=0)
    history = HistoricalRecords(m2m_fields=[reporting_units], verbose_name=_("指标修改记录"))

    class Meta:
        verbose_name = _("指标")
        verbose_name_plural = _("指标")
        ordering = ["plan", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="unique_indicator_code"),
            models.CheckConstraint(
                condition=~Q(kind="relative") | Q(factor__isnull=False),
                name="relative_needs_factor",
                violation_error_message=_("相对基线的指标必须填写倍数（如翻一番为2）"),
            ),
            models.CheckConstraint(
                condition=~Q(kind="rate") | Q(target_value__isnull=True) | Q(target_value__lte=100),
                name="rate_target_at_most_100",
                violation_error_message=_("比率类指标的目标值不能超过100%%"),
            ),
            models.CheckConstraint(
                condition=Q(target_value__isnull=True) | Q(target_value__gte=0),
                name="target_not_negative",
                violation_error_message=_("目标值不能为负数"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def target_display(self) -> str:
        """The target as the plan states it, e.g. "≥ 402 户" or "基线 × 2"."""
        if self.kind == self.Kind.RELATIVE and self.target_value is None:
            return _("基线 × %(factor)s") % {"factor": _plain_number(self.factor)}
        if self.target_value is None:
            return "—"
        return f"{self.get_comparison_symbol()} {_plain_number(self.target_value)} {self.uom}".strip()

    @property
    def has_ratio(self) -> bool:
        """A rate entered as numerator and denominator (the city value is then the ratio of the sums)."""
        return self.kind == self.Kind.RATE and bool(self.numerator_label and self.denominator_label)

    def get_comparison_symbol(self) -> str:
        return {">=": "≥", ">": ">", "=": "=", "<=": "≤"}[self.comparison]


def _plain_number(value: Decimal | None) -> str:
    if value is None:
        return ""
    normalized = value.normalize()
    return f"{normalized:f}"


class IndicatorMilestone(models.Model):
    """An office-set waypoint on an indicator's expected path (e.g. the value due at the end of each year)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="milestones")
    date = models.DateField(_("日期"))
    value = models.DecimalField(_("应达到的值"), max_digits=18, decimal_places=4)

    class Meta:
        verbose_name = _("阶段目标")
        verbose_name_plural = _("阶段目标")
        ordering = ["indicator", "date"]
        constraints = [models.UniqueConstraint(fields=["indicator", "date"], name="one_milestone_per_date")]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.date}: {self.value.normalize()}"
