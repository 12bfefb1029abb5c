"""The office's review queue: approve or return submitted figures and task reports."""

from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reports.dashboards.exports import REVIEW_TABLES, export_format, export_response, review_queue_export
from reports.models import Submission, TaskReport
from reports.views.scope import sheet_scope
from reports.workflow.filters import SubmissionQueueFilter, TaskReportQueueFilter
from reports.workflow.selectors import (
    reopen_requests_pending,
    review_queue,
    review_queue_by_plan,
    review_queue_task_reports,
)
from reports.workflow.services import items_review, sheet_approve
from units.selectors import user_can_review


def _check(request: HttpRequest) -> None:
    if not user_can_review(user=request.user):
        raise PermissionDenied(_("只有领导小组办公室可以审核"))


def _next_url(request: HttpRequest) -> str:
    """The page the form was on (the queue filtered as it was), never another site."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("reports:review")


def _back(request: HttpRequest) -> HttpResponse:
    return redirect(_next_url(request))


# Approving or returning this many items at once is first confirmed on a page that lists them (the queue's script
# asks in a dialog instead and sends confirmed=1): a click on the wrong button should not lock a whole quarter.
CONFIRM_FROM = 2


def _confirmed(request: HttpRequest) -> bool:
    return request.POST.get("confirmed") == "1"


def _confirm(
    request: HttpRequest, *, action: str, figures: list, task_reports: list, question: str, back: str
) -> HttpResponse:
    """The confirmation page: what will be approved or returned, sent again as ticked with confirmed=1."""
    count = len(figures) + len(task_reports)
    return render(
        request,
        "reports/review_confirm.html",
        {
            "action": action,
            "figures": figures,
            "task_reports": task_reports,
            "question": question,
            "confirm_label": (
                _("确认审核通过（%(n)d项）") if action == "approve" else _("确认退回（%(n)d项）")
            )
            % {"n": count},
            "reason": request.POST.get("reason", ""),
            "back": back,
        },
    )


def _ids(request: HttpRequest, name: str) -> list[int]:
    """The ticked items' ids; anything but an id (the form sends nothing else) is a bad request (400)."""
    values = request.POST.getlist(name)
    if not all(value.isascii() and value.isdigit() and len(value) <= 18 for value in values):
        raise BadRequest(_("无效的项目编号"))
    return [int(value) for value in values]


def review(request: HttpRequest) -> HttpResponse:
    """The queue, filtered by unit, quarter and area; ?export=xlsx (csv, json) downloads the same rows."""
    _check(request)
    figures = SubmissionQueueFilter(request.GET, queryset=review_queue(user=request.user))
    task_reports = TaskReportQueueFilter(request.GET, queryset=review_queue_task_reports(user=request.user))
    if export_format(request.GET):
        export = review_queue_export(figures=figures.qs, task_reports=task_reports.qs)
        return export_response(export, params=request.GET)
    queues = review_queue_by_plan(figures=figures.qs, task_reports=task_reports.qs)
    return render(
        request,
        "reports/review.html",
        {
            "filters": figures,
            "queues": queues,
            "figure_count": sum(len(q.figures) for q in queues),
            "task_report_count": sum(len(q.task_reports) for q in queues),
            "reopen_requests": reopen_requests_pending(),
            "download_tables": REVIEW_TABLES,
        },
    )


@require_POST
def review_act(request: HttpRequest) -> HttpResponse:
    """Approve or return the selected items. All selected or none: one refusal stops the batch."""
    _check(request)
    action = request.POST.get("action")
    figures = list(
        Submission.objects.filter(pk__in=_ids(request, "figure")).select_related(
            "indicator", "unit", "period"
        )
    )
    reports = list(
        TaskReport.objects.filter(pk__in=_ids(request, "task_report")).select_related(
            "task__section", "unit", "period"
        )
    )
    if not figures and not reports:
        messages.error(request, _("请先勾选要处理的项目"))
        return _back(request)
    count = len(figures) + len(reports)
    if action in ("approve", "return") and count >= CONFIRM_FROM and not _confirmed(request):
        question = _("确定审核通过以下%(n)d项？") if action == "approve" else _("确定退回以下%(n)d项？")
        return _confirm(
            request,
            action=action,
            figures=figures,
            task_reports=reports,
            question=question % {"n": count},
            back=_next_url(request),
        )
    try:
        done = items_review(
            user=request.user,
            figures=figures,
            task_reports=reports,
            action=action,
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as error:
        messages.error(request, _("%(errors)s（本次未处理任何项目）") % {"errors": "；".join(error.messages)})
        return _back(request)
    verb = _("审核通过") if action == "approve" else _("退回")
    # A colleague may have handled some of the ticked items a moment ago: only what this request did is counted.
    before = len(figures) + len(reports) - done
    text = _("已%(verb)s%(n)d项。") % {"verb": verb, "n": done}
    if before:
        text += _("另有%(n)d项此前已%(verb)s。") % {"n": before, "verb": verb}
    messages.success(request, text)
    return _back(request)


@require_POST
def approve_sheet(request: HttpRequest, unit_code: str, period_code: str) -> HttpResponse:
    """Approve every submitted item of one unit's quarterly sheet. Several are first listed for confirmation; the
    confirmation sends exactly those (to review_act), so an item submitted meanwhile is not approved unseen."""
    _check(request)
    unit, period = sheet_scope(request, unit_code, period_code)
    if not _confirmed(request):
        figures = list(review_queue(user=request.user).filter(unit=unit, period=period))
        reports = list(review_queue_task_reports(user=request.user).filter(unit=unit, period=period))
        count = len(figures) + len(reports)
        if count >= CONFIRM_FROM:
            return _confirm(
                request,
                action="approve",
                figures=figures,
                task_reports=reports,
                question=_("确定审核通过%(unit)s%(period)s全部已提交的%(n)d项？")
                % {"unit": unit.name, "period": period.label, "n": count},
                back=reverse("reports:review"),
            )
    count = sheet_approve(user=request.user, unit=unit, period=period)
    messages.success(
        request,
        _("已审核通过%(unit)s%(period)s的%(n)d项。")
        % {"unit": unit.name, "period": period.label, "n": count},
    )
    return redirect("reports:review")
