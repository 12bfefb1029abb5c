"""The plan as the API gives it: plans, quarters, goal areas, indicators, tasks and units, and the standings of a
quarter. Read only; the relations they name are loaded by the views (select_related / prefetch_related), so a page
of a list costs the same queries whatever its length."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from targets.models import GoalArea, Indicator, Period, WorkPlan
from tasks.models import Task
from units.models import Unit

from .fields import PlainDecimalField, ResponsibleSerializer


class PlanSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(
        source="get_status_display", read_only=True, help_text=_("状态（中文）")
    )

    class Meta:
        model = WorkPlan
        fields = [
            "id",
            "title",
            "issuer",
            "start",
            "end",
            "status",
            "status_label",
            "due_days",
            "predecessor",
        ]


class QuarterSerializer(serializers.ModelSerializer):
    code = serializers.CharField(read_only=True, help_text=_("季度编号，如 2025Q2"))
    label = serializers.CharField(read_only=True, help_text=_("如 2025年第二季度"))
    start = serializers.DateField(read_only=True)
    end = serializers.DateField(read_only=True)
    due_date = serializers.DateField(read_only=True, help_text=_("报送截止日"))

    class Meta:
        model = Period
        fields = ["code", "label", "plan", "year", "quarter", "start", "end", "due_date"]


class AreaSerializer(serializers.ModelSerializer):
    responsible = ResponsibleSerializer(source="responsibilities", many=True, read_only=True)

    class Meta:
        model = GoalArea
        fields = ["id", "plan", "number", "name", "headline", "text", "responsible"]


class IndicatorSerializer(serializers.ModelSerializer):
    area_name = serializers.CharField(
        source="area.name", read_only=True, allow_null=True, help_text=_("目标领域")
    )
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    baseline_value = PlainDecimalField()
    target_value = PlainDecimalField()
    factor = PlainDecimalField()
    target_display = serializers.CharField(read_only=True, help_text=_("方案中的目标，如 ≥ 402 户"))
    reporting_units = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True, help_text=_("每季度报送该指标的单位（代码）")
    )

    class Meta:
        model = Indicator
        fields = [
            "id", "plan", "code", "name", "uom", "area", "area_name", "kind", "kind_label", "direction",
            "comparison", "nature", "baseline_value", "baseline_date", "target_value", "target_date", "factor",
            "target_display", "aggregation", "numerator_label", "denominator_label", "decimals",
            "reporting_units", "source_text",
        ]  # fmt: skip


class TaskSerializer(serializers.ModelSerializer):
    code = serializers.CharField(read_only=True, help_text=_("方案中的编号，如 二(二)7，保障措施如 三(一)"))
    section = serializers.StringRelatedField(read_only=True, help_text=_("工作板块；保障措施为空"))
    responsible = ResponsibleSerializer(source="responsibilities", many=True, read_only=True)
    indicators = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text=_("写在该任务中的指标（编号见 indicators）")
    )

    class Meta:
        model = Task
        fields = [
            "id",
            "plan",
            "code",
            "kind",
            "section",
            "number",
            "title",
            "text",
            "responsible",
            "indicators",
        ]


class UnitSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    parent = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True, help_text=_("上级单位")
    )

    class Meta:
        model = Unit
        fields = ["code", "name", "full_name", "kind", "kind_label", "parent"]


class StandingSerializer(serializers.Serializer):
    """One indicator's standing at the end of a quarter (reports.figures.selectors.plan_standings), as 指标进展 shows."""

    indicator = serializers.IntegerField(source="indicator.pk", read_only=True)
    code = serializers.CharField(source="indicator.code", read_only=True)
    name = serializers.CharField(source="indicator.name", read_only=True)
    uom = serializers.CharField(source="indicator.uom", read_only=True)
    area_name = serializers.CharField(source="indicator.area.name", read_only=True, allow_null=True)
    quarter = serializers.CharField(source="period.code", read_only=True)
    status = serializers.CharField(
        source="progress.status",
        read_only=True,
        help_text=_(
            "met 达标，on_track 正常，warning 预警，lagging 滞后，no_data 未报，no_baseline 基线缺失"
        ),
    )
    status_label = serializers.CharField(source="progress.label", read_only=True)
    colour = serializers.CharField(
        source="progress.colour", read_only=True, help_text=_("green、amber、red、grey")
    )
    value = PlainDecimalField(source="progress.value", help_text=_("本季度计入的全市数值"))
    expected = PlainDecimalField(source="progress.expected", help_text=_("按进度本季度应达到的值"))
    target = PlainDecimalField(source="progress.target", help_text=_("目标值"))
    projected_end = PlainDecimalField(
        source="progress.projected_end", help_text=_("按近期趋势到目标日期的预计值")
    )
    projected_met = serializers.DateField(source="progress.projected_met", read_only=True, allow_null=True)
    formula = serializers.CharField(source="progress.formula", read_only=True, help_text=_("计算方法"))
    reported = serializers.IntegerField(read_only=True, help_text=_("本季度已审核通过的报送单位数"))
    expected_units = serializers.IntegerField(source="expected", read_only=True, help_text=_("报送单位数"))
    note = serializers.CharField(read_only=True, help_text=_("依据哪个季度的数据"))
