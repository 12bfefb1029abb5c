import django_filters
from django.utils.translation import gettext_lazy

from reports.models import Submission, TaskReport
from targets.models import GoalArea, Period
from units.models import Unit


class SubmissionQueueFilter(django_filters.FilterSet):
    unit = django_filters.ModelChoiceFilter(
        queryset=Unit.objects.all(), label=gettext_lazy("单位"), empty_label=gettext_lazy("全部单位")
    )
    period = django_filters.ModelChoiceFilter(
        queryset=Period.objects.all(), label=gettext_lazy("季度"), empty_label=gettext_lazy("全部季度")
    )
    area = django_filters.ModelChoiceFilter(
        field_name="indicator__area",
        queryset=GoalArea.objects.all(),
        label=gettext_lazy("目标领域"),
        empty_label=gettext_lazy("全部领域"),
    )

    class Meta:
        model = Submission
        fields = ["unit", "period", "area"]


class TaskReportQueueFilter(django_filters.FilterSet):
    unit = django_filters.ModelChoiceFilter(
        queryset=Unit.objects.all(), label=gettext_lazy("单位"), empty_label=gettext_lazy("全部单位")
    )
    period = django_filters.ModelChoiceFilter(
        queryset=Period.objects.all(), label=gettext_lazy("季度"), empty_label=gettext_lazy("全部季度")
    )

    class Meta:
        model = TaskReport
        fields = ["unit", "period"]
