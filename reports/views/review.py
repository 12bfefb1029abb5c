"""The office's review queue: approve or return submitted figures and task reports."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ..exports import review_queue_xlsx
from ..filters import SubmissionQueueFilter, TaskReportQueueFilter
from ..models import Status, Submission, TaskReport
from ..selectors import reopen_requests_pending, review_queue, review_queue_task_reports, user_can_review
from ..services import item_approve, item_return
from .sheet import sheet_scope


def _check(request: HttpRequest) -> None:
    if not user_can_review(user=request.user):
        raise PermissionDenied("只有领导小组办公室可以审核")


def review(request: HttpRequest) -> HttpResponse:
    """The queue, filtered by unit, quarter and area; ?export=xlsx downloads the same rows."""
    _check(request)
    figures = SubmissionQueueFilter(request.GET, queryset=review_queue(user=request.user))
    task_reports = TaskReportQueueFilter(request.GET, queryset=review_queue_task_reports(user=request.user))
    if request.GET.get("export") == "xlsx":
        return review_queue_xlsx(figures=figures.qs, task_reports=task_reports.qs)
    sheets = sorted(
        {(item.unit, item.period) for item in [*figures.qs, *task_reports.qs]},
        key=lambda pair: (pair[1].year, pair[1].quarter, pair[0].position),
    )
    return render(
        request,
        "reports/review.html",
        {
            "figures": figures,
            "task_reports": task_reports,
            "sheets": sheets,
            "reopen_requests": reopen_requests_pending(),
        },
    )


@require_POST
def review_act(request: HttpRequest) -> HttpResponse:
    """Approve or return the selected items. All selected or none: one refusal stops the batch."""
    _check(request)
    action = request.POST.get("action")
    figures = list(Submission.objects.filter(pk__in=request.POST.getlist("figure")))
    reports = list(TaskReport.objects.filter(pk__in=request.POST.getlist("task_report")))
    if not figures and not reports:
        messages.error(request, "请先勾选要处理的项目")
        return redirect(request.POST.get("next") or "review")
    done = 0
    try:
        with transaction.atomic():
            for item in figures + reports:
                if action == "approve":
                    done += item_approve(user=request.user, item=item)
                elif action == "return":
                    done += item_return(user=request.user, item=item, reason=request.POST.get("reason", ""))
                else:
                    raise ValidationError("未知操作")
    except ValidationError as error:
        messages.error(request, "；".join(error.messages) + "（本次未处理任何项目）")
    else:
        verb = "审核通过" if action == "approve" else "退回"
        # A colleague may have handled some of the ticked items a moment ago: only what this request did is counted.
        before = len(figures) + len(reports) - done
        messages.success(request, f"已{verb}{done}项。" + (f"另有{before}项此前已{verb}。" if before else ""))
    return redirect(request.POST.get("next") or "review")


@require_POST
def approve_sheet(request: HttpRequest, unit_code: str, period_code: str) -> HttpResponse:
    """Approve every submitted item of one unit's quarterly sheet."""
    _check(request)
    unit, period = sheet_scope(request, unit_code, period_code)
    count = 0
    with transaction.atomic():
        for model in (Submission, TaskReport):
            for item in model.objects.filter(unit=unit, period=period, status=Status.SUBMITTED):
                count += item_approve(user=request.user, item=item)
    messages.success(request, f"已审核通过{unit.name}{period.label}的{count}项。")
    return redirect("review")
