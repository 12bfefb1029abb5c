"""Reading the plan: plans, quarters, goal areas, indicators, tasks, units, and the standings of a quarter. Every plan
role reads the plan's text (as on 工作方案); units are those the user may see (units_visible_to); standings are the
office's and leaders' (as the dashboards). The plans are those the plan bar lists: a draft is nobody's here."""

from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics

from reports.figures.selectors import plan_standings
from reports.workflow.selectors import period_current
from targets.models import AreaResponsibility, GoalArea, Indicator
from tasks.models import Task, TaskResponsibility
from tasks.selectors import RESPONSIBLE, plans_listed
from units.models import Unit
from units.selectors import units_visible_to

from ..permissions import OpensLikeThePages, SeesAllUnits
from ..scope import request_choice, request_id, request_plan, request_quarter
from ..serializers.plan import (
    AreaSerializer,
    IndicatorSerializer,
    PlanSerializer,
    QuarterSerializer,
    StandingSerializer,
    TaskSerializer,
    UnitSerializer,
)
from .base import PLAN, QUARTER, READ_REFUSALS

TAG = gettext_lazy("工作方案")


def _listed_plan_ids() -> list[int]:
    return [plan.pk for plan in plans_listed()]


@extend_schema_view(
    get=extend_schema(
        tags=[TAG],
        summary=gettext_lazy("工作方案列表"),
        description=gettext_lazy(
            "平台中的工作方案：正在执行的在前，其后为已结束和归档的，各按时间由新到旧。草稿不列出。"
        ),
        responses={200: PlanSerializer(many=True), **READ_REFUSALS},
    )
)
class PlanList(generics.ListAPIView):
    """The plans the portal shows: those being reported first, then ended and archived ones, each newest first."""

    serializer_class = PlanSerializer

    def get_queryset(self):
        return plans_listed()


@extend_schema_view(
    get=extend_schema(
        tags=[TAG],
        summary=gettext_lazy("一个工作方案"),
        description=gettext_lazy("一个工作方案（草稿不可见）。"),
        responses={200: PlanSerializer, **READ_REFUSALS},
    )
)
class PlanDetail(generics.RetrieveAPIView):
    serializer_class = PlanSerializer

    def get_object(self):
        plan = next((p for p in plans_listed() if p.pk == self.kwargs["pk"]), None)
        if plan is None:
            raise Http404(_("没有这个工作方案，或它尚未开放"))
        return plan


@extend_schema_view(
    get=extend_schema(
        tags=[TAG],
        summary=gettext_lazy("报送季度"),
        description=gettext_lazy("方案的报送季度（按时间顺序）及各季度的报送截止日。"),
        parameters=[PLAN],
        responses={200: QuarterSerializer(many=True), **READ_REFUSALS},
    )
)
class QuarterList(generics.ListAPIView):
    """The plan's quarters in order, with their due dates."""

    serializer_class = QuarterSerializer

    def get_queryset(self):
        plan = request_plan(self.request)
        periods = list(plan.periods.all())
        for period in periods:
            period.plan = plan  # the due date reads the plan's due days
        return periods


@extend_schema_view(
    get=extend_schema(
        tags=[TAG],
        summary=gettext_lazy("目标领域"),
        description=gettext_lazy("方案的目标领域（创造、运用、保护、管理、服务）及其责任单位。"),
        parameters=[PLAN],
        responses={200: AreaSerializer(many=True), **READ_REFUSALS},
    )
)
class AreaList(generics.ListAPIView):
    serializer_class = AreaSerializer

    def get_queryset(self):
        plan = request_plan(self.request)
        responsible = AreaResponsibility.objects.select_related(*RESPONSIBLE)
        return GoalArea.objects.filter(plan=plan).prefetch_related(Prefetch("responsibilities", responsible))


def _indicators():
    return Indicator.objects.select_related("area").prefetch_related(
        Prefetch("reporting_units", Unit.objects.only("pk", "code"))
    )


AREA = OpenApiParameter("area", int, description=gettext_lazy("目标领域编号（areas 中的 id）"))


@extend_schema_view(
    get=extend_schema(
        tags=[TAG],
        summary=gettext_lazy("指标"),
        description=gettext_lazy("方案的指标（按方案顺序）：目标类型、基线、目标值、计量单位和报送单位。"),
        parameters=[PLAN, AREA],
        responses={200: IndicatorSerializer(many=True), **READ_REFUSALS},
    )
)
class IndicatorList(generics.ListAPIView):
    """The plan's indicators in the plan's order, with their targets and the units that report each."""

    serializer_class = IndicatorSerializer

    def get_queryset(self):
        indicators = _indicators().filter(plan=request_plan(self.request))
        area = request_id(self.request, "area")
        if area is not None:
            indicators = indicators.filter(area_id=area)
        return indicators.order_by("position", "id")


@extend_schema_view(
    get=extend_schema(
        tags=[TAG],
        summary=gettext_lazy("一个指标"),
        description=gettext_lazy("一个指标。"),
        responses={200: IndicatorSerializer, **READ_REFUSALS},
    )
)
class IndicatorDetail(generics.RetrieveAPIView):
    serializer_class = IndicatorSerializer

    def get_queryset(self):
        return _indicators().filter(plan_id__in=_listed_plan_ids())


KIND = OpenApiParameter(
    "kind", str, enum=Task.Kind.values, description=gettext_lazy("task 主要工作，safeguard 保障措施")
)


@extend_schema_view(
    get=extend_schema(
        tags=[TAG],
        summary=gettext_lazy("任务和保障措施"),
        description=gettext_lazy(
            "方案的主要工作任务和保障措施，及其责任单位（牵头、配合）和写在其中的指标。"
        ),
        parameters=[PLAN, KIND],
        responses={200: TaskSerializer(many=True), **READ_REFUSALS},
    )
)
class TaskList(generics.ListAPIView):
    serializer_class = TaskSerializer

    def get_queryset(self):
        tasks = _tasks().filter(plan=request_plan(self.request))
        kind = request_choice(self.request, "kind", Task.Kind.choices)
        if kind:
            tasks = tasks.filter(kind=kind)
        return tasks


def _tasks():
    responsible = TaskResponsibility.objects.select_related(*RESPONSIBLE)
    return Task.objects.select_related("section").prefetch_related(
        Prefetch("responsibilities", responsible), Prefetch("indicators", Indicator.objects.only("pk"))
    )


@extend_schema_view(
    get=extend_schema(
        tags=[TAG],
        summary=gettext_lazy("一项任务"),
        description=gettext_lazy("一项任务或保障措施。"),
        responses={200: TaskSerializer, **READ_REFUSALS},
    )
)
class TaskDetail(generics.RetrieveAPIView):
    serializer_class = TaskSerializer

    def get_queryset(self):
        return _tasks().filter(plan_id__in=_listed_plan_ids())


@extend_schema_view(
    get=extend_schema(
        tags=[TAG],
        summary=gettext_lazy("单位"),
        description=gettext_lazy(
            "本账号可见的单位：领导小组办公室和领导为全部单位，填报员为本单位，单位审核账号为本单位及其下级单位。"
        ),
        responses={200: UnitSerializer(many=True), **READ_REFUSALS},
    )
)
class UnitList(generics.ListAPIView):
    """The units the user may see: every unit for the office and leaders, its own (and a head's sub-units) for unit
    staff."""

    serializer_class = UnitSerializer

    def get_queryset(self):
        return units_visible_to(user=self.request.user).select_related("parent").order_by("position", "id")


@extend_schema_view(
    get=extend_schema(
        tags=[TAG],
        summary=gettext_lazy("指标进展（领导小组办公室和领导）"),
        description=gettext_lazy(
            "各指标在所选季度末的进展（不填 quarter 为当前报送的季度），与“指标进展”页相同：全市数值、按进度应达到的值、目标值、状态。仅领导小组办公室和领导可用。"
        ),
        parameters=[PLAN, QUARTER],
        responses={200: StandingSerializer(many=True), **READ_REFUSALS},
    )
)
class StandingList(generics.ListAPIView):
    """Each indicator's standing at the end of the quarter (default: the quarter being reported), as 指标进展 shows
    it: value, expected path, target, status."""

    serializer_class = StandingSerializer
    permission_classes = [OpensLikeThePages, SeesAllUnits]

    def get_queryset(self):
        plan = request_plan(self.request)
        periods = list(plan.periods.all())
        for period in periods:
            period.plan = plan
        period = request_quarter(self.request, plan, periods=periods) or period_current(
            plan=plan, periods=periods
        )
        if period is None:
            return []
        return plan_standings(plan=plan, period=period, periods=periods)
