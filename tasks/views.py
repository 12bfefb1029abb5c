from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from targets.models import WorkPlan

from .models import Task
from .selectors import RESPONSIBLE, plan_current, plan_structure


def plan_overview(request: HttpRequest, plan_id: int | None = None) -> HttpResponse:
    plan = get_object_or_404(WorkPlan, pk=plan_id) if plan_id else plan_current()
    if plan is None:
        raise Http404("还没有工作方案")
    return render(request, "tasks/plan_overview.html", plan_structure(plan=plan))


def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(Task.objects.select_related("plan", "section"), pk=pk)
    return render(
        request,
        "tasks/task_detail.html",
        {
            "task": task,
            "responsibilities": task.responsibilities.select_related(*RESPONSIBLE).prefetch_related(
                "group__members"
            ),
            "links": task.task_indicators.select_related("indicator__area"),
        },
    )
