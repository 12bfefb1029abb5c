from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .models import Indicator


def indicator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = get_object_or_404(Indicator.objects.select_related("plan", "area"), pk=pk)
    links = indicator.task_links.select_related("task__section")
    responsibilities = (
        indicator.area.responsibilities.select_related("unit", "group") if indicator.area else []
    )
    return render(
        request,
        "targets/indicator_detail.html",
        {
            "indicator": indicator,
            "links": links,
            "responsibilities": responsibilities,
        },
    )
