import django_filters

from targets.models import GoalArea, Period
from units.models import Unit

from .models import Submission, TaskReport


class SubmissionQueueFilter(django_filters.FilterSet):
    unit = django_filters.ModelChoiceFilter(queryset=Unit.objects.all(), label="单位", empty_label="全部单位")
    period = django_filters.ModelChoiceFilter(
        queryset=Period.objects.all(), label="季度", empty_label="全部季度"
    )
    area = django_filters.ModelChoiceFilter(
        field_name="indicator__area",
        queryset=GoalArea.objects.all(),
        label="目标领域",
        empty_label="全部领域",
    )

    class Meta:
        model = Submission
        fields = ["unit", "period", "area"]


class TaskReportQueueFilter(django_filters.FilterSet):
    unit = django_filters.ModelChoiceFilter(queryset=Unit.objects.all(), label="单位", empty_label="全部单位")
    period = django_filters.ModelChoiceFilter(
        queryset=Period.objects.all(), label="季度", empty_label="全部季度"
    )

    class Meta:
        model = TaskReport
        fields = ["unit", "period"]
