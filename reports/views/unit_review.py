"""单位审核: a unit head's queue of what its unit's reporters (and its sub-units) submitted, passed on to the office
or returned to the reporter."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reports.views.review import _ids
from reports.workflow.selectors import unit_review_queue, unit_review_queue_task_reports
from reports.workflow.services import items_unit_review
from units.models import User


def _check(request: HttpRequest) -> None:
    if request.user.role != User.Role.UNIT_HEAD:
        raise PermissionDenied(_("只有单位审核人可以使用单位审核"))


def unit_review(request: HttpRequest) -> HttpResponse:
    _check(request)
    return render(
        request,
        "reports/unit_review.html",
        {
            "figures": list(unit_review_queue(user=request.user)),
            "task_reports": list(unit_review_queue_task_reports(user=request.user)),
        },
    )


@require_POST
def unit_review_act(request: HttpRequest) -> HttpResponse:
    """Pass on ("forward") or return the ticked items, all or none; only items of this head's queue are taken."""
    _check(request)
    action = request.POST.get("action")
    figures = list(unit_review_queue(user=request.user).filter(pk__in=_ids(request, "figure")))
    reports = list(
        unit_review_queue_task_reports(user=request.user).filter(pk__in=_ids(request, "task_report"))
    )
    if not figures and not reports:
        messages.error(request, _("请先勾选要处理的项目（或所选项目已由他人处理）"))
        return redirect("reports:unit_review")
    try:
        done = items_unit_review(
            user=request.user,
            figures=figures,
            task_reports=reports,
            action=action,
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as error:
        messages.error(request, _("%(errors)s（本次未处理任何项目）") % {"errors": "；".join(error.messages)})
        return redirect("reports:unit_review")
    if action == "forward":
        messages.success(request, _("已审核通过%(n)d项，报送领导小组办公室。") % {"n": done})
    else:
        messages.success(request, _("已退回%(n)d项给填报员。") % {"n": done})
    return redirect("reports:unit_review")
