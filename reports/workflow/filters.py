"""The review queue's filters (审核): by plan, unit, quarter and goal area. Once the portal holds more than one plan, a
quarter or goal area in the lists names its plan, as two plans may both have a 知识产权创造 area."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy

from reports.models import Submission, TaskReport
from targets.models import GoalArea, Period, WorkPlan
from units.models import Unit


class PlanNamedChoiceField(forms.ModelChoiceField):
    """A quarter or goal area as a choice, followed by its plan's title when `several_plans`."""

    several_plans = False

    def label_from_instance(self, obj) -> str:
        return f"{obj}（{obj.plan.title}）" if self.several_plans else str(obj)


class PlanNamedChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = PlanNamedChoiceField


def _listed_plans():
    return WorkPlan.objects.exclude(status=WorkPlan.Status.DRAFT)


class _QueueFilter(django_filters.FilterSet):
    plan = django_filters.ModelChoiceFilter(
        field_name="period__plan",
        queryset=_listed_plans(),
        label=gettext_lazy("方案"),
        empty_label=gettext_lazy("全部方案"),
    )
    unit = django_filters.ModelChoiceFilter(
        queryset=Unit.objects.all(), label=gettext_lazy("单位"), empty_label=gettext_lazy("全部单位")
    )
    period = PlanNamedChoiceFilter(
        queryset=Period.objects.filter(plan__in=_listed_plans())
        .select_related("plan")
        .order_by("plan__start", "year", "quarter"),
        label=gettext_lazy("季度"),
        empty_label=gettext_lazy("全部季度"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        several = _listed_plans().count() > 1
        for name in ("period", "area"):
            if name in self.form.fields:
                self.form.fields[name].several_plans = several


class SubmissionQueueFilter(_QueueFilter):
    area = PlanNamedChoiceFilter(
        field_name="indicator__area",
        queryset=GoalArea.objects.filter(plan__in=_listed_plans())
        .select_related("plan")
        .order_by("plan__start", "position"),
        label=gettext_lazy("目标领域"),
        empty_label=gettext_lazy("全部领域"),
    )

    class Meta:
        model = Submission
        fields = ["plan", "unit", "period", "area"]


class TaskReportQueueFilter(_QueueFilter):
    class Meta:
        model = TaskReport
        fields = ["plan", "unit", "period"]
