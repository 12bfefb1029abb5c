"""数据质量 (the office's): the figures marked 待核实 and not yet resolved, the approved figures that break a plan's
validation rules as the nightly check found them, the rules with how many each found, and a button to check again
now (after adding a rule)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reports.models import FollowUp, QualityIssue, ValidationRule
from reports.workflow.rules import quality_check
from tasks.plan_choice import plan_for, plan_posted
from units.selectors import user_can_review


def _check(request: HttpRequest) -> None:
    if not user_can_review(user=request.user):
        raise PermissionDenied(_("数据质量由领导小组办公室查看"))


def quality_page(request: HttpRequest) -> HttpResponse:
    _check(request)
    plan = plan_for(request)
    issues = QualityIssue.objects.filter(rule__plan=plan).select_related(
        "rule", "submission__indicator", "submission__unit", "submission__period"
    )
    rules = (
        ValidationRule.objects.filter(plan=plan).select_related("indicator").annotate(found=Count("issues"))
    )
    marks = FollowUp.objects.filter(submission__period__plan=plan, resolution="").select_related(
        "marked_by", "submission__indicator", "submission__unit", "submission__period"
    )
    return render(
        request, "reports/quality.html", {"plan": plan, "issues": issues, "rules": rules, "marks": marks}
    )


@require_POST
def quality_run(request: HttpRequest) -> HttpResponse:
    _check(request)
    plan = plan_posted(request)
    found = quality_check(plan=plan)
    messages.success(request, _("已检查完毕：发现%(n)d项不符合规则的数据。") % {"n": len(found)})
    return redirect(f"{reverse('reports:quality')}?plan={plan.pk}")
