"""Figures (指标数据) and task reports (任务进展报告) as the API gives and takes them.

What a write carries is checked by the sheet's own forms (reports.workflow.forms) and stored by the sheet's services
(reports.workflow.drafts, reports.workflow.services): these serializers only describe the body and check its types."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from reports.models import Submission, TaskReport

from .fields import PlainDecimalField

ITEM_FIELDS = [
    "id", "plan", "quarter", "unit", "unit_name", "status", "status_label", "version", "note", "proxy_reason",
    "return_reason", "submitted_at", "reviewed_at", "updated_at",
]  # fmt: skip


class ItemSerializer(serializers.ModelSerializer):
    """What figures and task reports share: whose, which quarter, the workflow and the version to send back."""

    plan = serializers.IntegerField(source="period.plan_id", read_only=True, help_text=_("工作方案编号"))
    quarter = serializers.CharField(source="period.code", read_only=True, help_text=_("季度编号，如 2025Q2"))
    unit = serializers.CharField(source="unit.code", read_only=True, help_text=_("报送单位代码"))
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    status_label = serializers.CharField(
        read_only=True, help_text=_("状态（中文）：草稿、待单位审核、已提交、已退回、已审核")
    )
    version = serializers.IntegerField(
        read_only=True, help_text=_("版本：修改或提交时原样带回，他人已修改则拒绝（409）")
    )
    proxy_reason = serializers.CharField(read_only=True, help_text=_("代填原因（办公室代填时）"))


class FigureSerializer(ItemSerializer):
    indicator_code = serializers.CharField(source="indicator.code", read_only=True)
    indicator_name = serializers.CharField(source="indicator.name", read_only=True)
    uom = serializers.CharField(source="indicator.uom", read_only=True, help_text=_("计量单位"))
    value = PlainDecimalField(help_text=_("数值（比率类由分子分母算出）"))
    numerator = PlainDecimalField()
    denominator = PlainDecimalField()

    class Meta:
        model = Submission
        fields = [
            *ITEM_FIELDS,
            "indicator", "indicator_code", "indicator_name", "uom", "value", "numerator", "denominator",
            "achieved", "achieved_on", "quality_flags",
        ]  # fmt: skip
        read_only_fields = fields


class TaskReportSerializer(ItemSerializer):
    task_code = serializers.CharField(source="task.code", read_only=True)
    task_title = serializers.CharField(source="task.title", read_only=True)
    progress_label = serializers.CharField(source="get_progress_display", read_only=True)

    class Meta:
        model = TaskReport
        fields = [
            *ITEM_FIELDS,
            "task", "task_code", "task_title", "progress", "progress_label", "progress_text", "problems",
            "next_steps",
        ]  # fmt: skip
        read_only_fields = fields


NUMBER_HELP = _('数字，最好写成字符串（"3.25"），以免小数位丢失')


def _number(help_text=NUMBER_HELP) -> serializers.CharField:
    return serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=40, help_text=help_text
    )


def _text(help_text: str) -> serializers.CharField:
    return serializers.CharField(required=False, allow_blank=True, trim_whitespace=False, help_text=help_text)


class WriteSerializer(serializers.Serializer):
    """What every write carries besides the content: the version it is based on, and 代填's reason."""

    version = serializers.IntegerField(
        min_value=0,
        help_text=_("所依据的版本：新建填 0，修改填读取时的 version；他人已修改则拒绝（409），什么也不保存"),
    )
    proxy_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text=_("代填原因：办公室为其他单位填报时必填（如：该单位无法登录平台）"),
    )


@extend_schema_serializer(
    examples=[
        OpenApiExample(_("修改季末数"), value={"value": "402", "note": "", "version": 3}, request_only=True)
    ]
)
class FigureContentSerializer(WriteSerializer):
    """A figure's content, whole: a field left out is stored empty, as an emptied input on the sheet."""

    value = _number(_("数值（比率有分子分母时不填，由分子分母算出）"))
    numerator = _number()
    denominator = _number()
    achieved = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text=_("里程碑类：是否达成")
    )
    achieved_on = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=20,
        help_text=_("里程碑类：达成日期，如 2025-03-31"),
    )
    note = _text(_("说明"))


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            _("新建一项季末数"),
            value={
                "unit": "jingyang",
                "quarter": "2025Q2",
                "indicator": 1,
                "value": "402",
                "note": "",
                "version": 0,
            },
            request_only=True,
        ),
        OpenApiExample(
            _("办公室代填"),
            value={
                "unit": "jingyang",
                "quarter": "2025Q2",
                "indicator": 1,
                "value": "402",
                "version": 0,
                "proxy_reason": "该单位无法登录平台",
            },
            request_only=True,
        ),
    ]
)
class FigureNewSerializer(FigureContentSerializer):
    """A figure named by its obligation: the unit, the quarter and the indicator (of the indicator's plan)."""

    unit = serializers.SlugField(max_length=40, help_text=_("报送单位代码，如 jingyang"))
    quarter = serializers.CharField(max_length=20, help_text=_("季度编号，如 2025Q2"))
    indicator = serializers.IntegerField(min_value=1, help_text=_("指标编号（indicators 中的 id）"))
    version = serializers.IntegerField(
        min_value=0,
        default=0,
        help_text=_("所依据的版本：新建填 0（或不填），修改填读取时的 version；他人已修改则拒绝（409）"),
    )


class TaskReportContentSerializer(WriteSerializer):
    """A task report's content, whole: a field left out is stored empty."""

    progress = serializers.ChoiceField(
        choices=[("", _("未选择")), *TaskReport.Progress.choices],
        required=False,
        allow_blank=True,
        help_text=_("进展状态：not_started 未启动，in_progress 推进中，delayed 滞后，done 已完成"),
    )
    progress_text = _text(_("本季度工作进展"))
    problems = _text(_("存在问题（滞后时必填）"))
    next_steps = _text(_("下步计划"))
    note = _text(_("说明"))


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            _("新建一项任务进展报告"),
            value={
                "unit": "jingyang",
                "quarter": "2025Q2",
                "task": 1,
                "progress": "in_progress",
                "progress_text": "本季度完成……",
                "problems": "",
                "next_steps": "下季度将……",
                "version": 0,
            },
            request_only=True,
        )
    ]
)
class TaskReportNewSerializer(TaskReportContentSerializer):
    unit = serializers.SlugField(max_length=40, help_text=_("报送单位代码，如 jingyang"))
    quarter = serializers.CharField(max_length=20, help_text=_("季度编号，如 2025Q2"))
    task = serializers.IntegerField(min_value=1, help_text=_("任务编号（tasks 中的 id）"))
    version = serializers.IntegerField(
        min_value=0, default=0, help_text=_("所依据的版本：新建填 0（或不填）")
    )


@extend_schema_serializer(examples=[OpenApiExample(_("提交"), value={"version": 3}, request_only=True)])
class SubmitSerializer(WriteSerializer):
    """Submitting an item as it is stored: the version it was read at, and 代填's reason for the office."""
