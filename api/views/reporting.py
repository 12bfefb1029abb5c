"""Figures and task reports: read those the user may see (submissions_visible_to, task_reports_visible_to: a unit's
own for its staff, every unit's for the office and leaders), write and submit them through the sheet's services
(reports.workflow.drafts.item_save, reports.workflow.services.item_submit), which check the writer, the obligation,
the values and the version, and write the history and the audit log. The API adds no rule of its own."""

from django.http import Http404
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.response import Response

from reports.models import Submission, TaskReport
from reports.workflow.drafts import item_save
from reports.workflow.selectors import submissions_visible_to, task_reports_visible_to
from reports.workflow.services import item_submit

from ..parsing import item_write_new, item_write_over
from ..scope import request_choice, request_code, request_id, request_plan, request_quarter, request_since
from ..serializers.reporting import (
    FigureContentSerializer,
    FigureNewSerializer,
    FigureSerializer,
    SubmitSerializer,
    TaskReportContentSerializer,
    TaskReportNewSerializer,
    TaskReportSerializer,
)
from .base import PLAN, QUARTER, READ_REFUSALS, REFUSALS, STATUS, UNIT, UPDATED_AFTER

TAG = gettext_lazy("填报数据")


class Items:
    """What differs between figures and task reports."""

    def __init__(
        self, *, model, visible, subject: str, related: tuple[str, ...], shown, new, content
    ) -> None:
        self.model, self.visible, self.subject, self.related = model, visible, subject, related
        self.shown, self.new, self.content = shown, new, content

    def of(self, user):
        """The items the user may see, with what their representation reads."""
        return self.visible(user=user).select_related(*self.related)

    def one(self, user, pk: int):
        item = self.of(user).filter(pk=pk).first()
        if item is None:
            raise Http404(_("没有这一项，或不在您可见的范围内"))
        return item


FIGURES = Items(
    model=Submission,
    visible=submissions_visible_to,
    subject="indicator",
    related=("period", "unit", "indicator"),
    shown=FigureSerializer,
    new=FigureNewSerializer,
    content=FigureContentSerializer,
)
TASK_REPORTS = Items(
    model=TaskReport,
    visible=task_reports_visible_to,
    subject="task",
    related=("period", "unit", "task__section"),
    shown=TaskReportSerializer,
    new=TaskReportNewSerializer,
    content=TaskReportContentSerializer,
)


class ItemList(generics.ListAPIView):
    items: Items

    def get_serializer_class(self):
        return self.items.shown

    def get_queryset(self):
        request = self.request
        plan = request_plan(request)
        found = self.items.of(request.user)
        quarter = request_quarter(request, plan)
        found = found.filter(period=quarter) if quarter is not None else found.filter(period__plan=plan)
        unit = request_code(request, "unit")
        if unit:
            found = found.filter(unit__code=unit)
        subject = request_id(request, self.items.subject)
        if subject is not None:
            found = found.filter(**{f"{self.items.subject}_id": subject})
        chosen = request_choice(request, "status", self.items.model._meta.get_field("status").choices)
        if chosen:
            found = found.filter(status=chosen)
        since = request_since(request, "updated_after")
        if since is not None:
            found = found.filter(updated_at__gt=since)
        # The order of the obligation's unique index (indicator or task, unit, quarter): a page is read from the index
        # and stops at its last row, instead of sorting a province's quarter (25,000 figures) for each page.
        return found.order_by(f"{self.items.subject}_id", "unit_id", "period_id")

    def post(self, request):
        """Save one item as a draft, named by its unit, quarter and indicator or task: new (version 0) or over the
        version read (item_save, as the sheet's 保存草稿)."""
        body = self.items.new(data=request.data)
        body.is_valid(raise_exception=True)
        write = item_write_new(user=request.user, body=body.validated_data, kind=self.items.subject)
        item = item_save(user=request.user, **write.arguments())
        created = write.expected_version == 0  # else the service refused a version that is not the item's
        shown = self.items.shown(self.items.one(request.user, item.pk)).data
        return Response(shown, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class ItemDetail(generics.RetrieveAPIView):
    items: Items

    def get_serializer_class(self):
        return self.items.shown

    def get_object(self):
        return self.items.one(self.request.user, self.kwargs["pk"])

    def put(self, request, pk: int):
        """Save the item's whole content as a draft over the version read (item_save, as the sheet's 保存草稿)."""
        item = self.get_object()
        body = self.items.content(data=request.data)
        body.is_valid(raise_exception=True)
        write = item_write_over(user=request.user, item=item, body=body.validated_data)
        item_save(user=request.user, **write.arguments())
        return Response(self.items.shown(self.items.one(request.user, pk)).data)


class ItemSubmit(generics.GenericAPIView):
    items: Items

    def get_serializer_class(self):
        return SubmitSerializer

    def post(self, request, pk: int):
        """Submit the item as stored, at the version read (item_submit, as the sheet's 提交): to the office, or to the
        unit's own review (待单位审核) where the unit has one. Submitting what is already submitted changes nothing."""
        item = self.items.one(request.user, pk)
        body = SubmitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        item_submit(
            user=request.user,
            item=item,
            expected_version=body.validated_data["version"],
            proxy_reason=body.validated_data.get("proxy_reason", ""),
        )
        return Response(self.items.shown(self.items.one(request.user, pk)).data)


INDICATOR = OpenApiParameter("indicator", int, description=gettext_lazy("指标编号（indicators 中的 id）"))
TASK = OpenApiParameter("task", int, description=gettext_lazy("任务编号（tasks 中的 id）"))
FILTERS = [PLAN, QUARTER, UNIT, STATUS, UPDATED_AFTER]


DESCRIPTIONS = {
    "list": gettext_lazy(
        "本账号可见的{what}：填报员为本单位的，单位审核账号另含下级单位的，领导小组办公室和领导为全部单位的。"
        "可按季度、单位、状态和修改时间筛选；按指标（任务）、单位、季度的编号排序。"
    ),
    "create": gettext_lazy(
        "按报送单位、季度和所报事项保存一项{what}（草稿），与填报表的“保存草稿”相同（同样的校验、修改记录和审计日志）："
        "新建时 version 为 0，修改时为读取时的 version。内容整体保存：未提供的字段保存为空。新建返回 201，修改返回 200。"
    ),
    "detail": gettext_lazy("一项{what}。"),
    "update": gettext_lazy(
        "修改一项{what}（草稿），与填报表的“保存草稿”相同：version 为读取时的版本。内容整体保存：未提供的字段保存为空。"
        "已提交、已审核的不能修改。"
    ),
    "submit": gettext_lazy(
        "提交一项{what}，与填报表的“提交”相同：报送领导小组办公室；本单位开启单位审核的，先由本单位审核（待单位审核）。"
        "version 为读取时的版本。已提交的再次提交不改变任何内容。"
    ),
}


def _documented(items: Items, what, filter_by: OpenApiParameter) -> dict:
    """The schema of the three views of `items`, named `what` (指标数据 / 任务进展报告)."""
    shown = items.shown

    def operation(part: str, title, **kwargs):
        summary, description = format_lazy(title, what=what), format_lazy(DESCRIPTIONS[part], what=what)
        return extend_schema(tags=[TAG], summary=summary, description=description, **kwargs)

    return {
        "list": extend_schema_view(
            get=operation(
                "list",
                gettext_lazy("{what}列表"),
                parameters=[*FILTERS, filter_by],
                responses={200: shown(many=True), **READ_REFUSALS},
            ),
            post=operation(
                "create",
                gettext_lazy("保存{what}（草稿）"),
                request=items.new,
                responses={201: shown, 200: shown, **REFUSALS},
            ),
        ),
        "detail": extend_schema_view(
            get=operation("detail", gettext_lazy("一项{what}"), responses={200: shown, **READ_REFUSALS}),
            put=operation(
                "update",
                gettext_lazy("修改{what}（草稿）"),
                request=items.content,
                responses={200: shown, **REFUSALS},
            ),
        ),
        "submit": extend_schema_view(
            post=operation(
                "submit",
                gettext_lazy("提交{what}"),
                request=SubmitSerializer,
                responses={200: shown, **REFUSALS},
            ),
        ),
    }


FIGURE_SCHEMA = _documented(FIGURES, gettext_lazy("指标数据"), INDICATOR)
TASK_REPORT_SCHEMA = _documented(TASK_REPORTS, gettext_lazy("任务进展报告"), TASK)


@FIGURE_SCHEMA["list"]
class FigureList(ItemList):
    items = FIGURES


@FIGURE_SCHEMA["detail"]
class FigureDetail(ItemDetail):
    items = FIGURES


@FIGURE_SCHEMA["submit"]
class FigureSubmit(ItemSubmit):
    items = FIGURES


@TASK_REPORT_SCHEMA["list"]
class TaskReportList(ItemList):
    items = TASK_REPORTS


@TASK_REPORT_SCHEMA["detail"]
class TaskReportDetail(ItemDetail):
    items = TASK_REPORTS


@TASK_REPORT_SCHEMA["submit"]
class TaskReportSubmit(ItemSubmit):
    items = TASK_REPORTS
