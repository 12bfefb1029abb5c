"""An indicator's or a task's page: what the plan says of it (target, responsible units, source text) and its 批示
thread, as far as this user may read it."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from reports.instructions.selectors import instruction_thread
from targets.models import Indicator
from tasks.models import Task
from tasks.plan_choice import plan_show
from tasks.selectors import RESPONSIBLE


def indicator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = get_object_or_404(Indicator.objects.select_related("plan", "area"), pk=pk)
    plan_show(request, indicator.plan)
    return render(
        request,
        "reports/indicator_detail.html",
        {
            "indicator": indicator,
            "links": indicator.task_links.select_related("task__section"),
            "responsibilities": indicator.area.responsibilities.select_related(*RESPONSIBLE)
            if indicator.area
            else [],
            **instruction_thread(user=request.user, indicator=indicator),
        },
    )


def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(Task.objects.select_related("plan", "section"), pk=pk)
    plan_show(request, task.plan)
    return render(
        request,
        "reports/task_detail.html",
        {
            "task": task,
            "responsibilities": task.responsibilities.select_related(*RESPONSIBLE).prefetch_related(
                "group__members"
            ),
            "links": task.task_indicators.select_related("indicator__area"),
            **instruction_thread(user=request.user, task=task),
        },
    )
