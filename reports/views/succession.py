"""接续上一方案: the office names the plan a plan follows, checks which indicator follows which and the baseline each
would carry, previews a changed mapping, and carries them (reports.figures.succession)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from reports.figures.succession import plan_succeed, succession_matches
from targets.models import WorkPlan
from units.models import User


def _chosen(request: HttpRequest, plan: WorkPlan) -> dict[int, int | None] | None:
    """The mapping the form posted (follow-<indicator id> → predecessor indicator id, "" for none)."""
    if request.method != "POST":
        return None
    chosen = {}
    for indicator_id in plan.indicators.values_list("pk", flat=True):
        value = request.POST.get(f"follow-{indicator_id}")
        if value is not None:
            chosen[indicator_id] = int(value) if value.isdigit() else None
    return chosen


def plan_succession(request: HttpRequest, plan_id: int) -> HttpResponse:
    if request.user.role != User.Role.OFFICE:
        raise PermissionDenied(_("只有领导小组办公室可以设置上一方案"))
    plan = get_object_or_404(WorkPlan, pk=plan_id)
    candidates = list(
        WorkPlan.objects.exclude(pk=plan.pk)
        .exclude(status=WorkPlan.Status.DRAFT)
        .filter(start__lt=plan.start)
        .order_by("-start")
    )
    wanted = request.POST.get("predecessor") or request.GET.get("predecessor") or plan.predecessor_id
    predecessor = next(
        (p for p in candidates if str(p.pk) == str(wanted)), candidates[0] if candidates else None
    )
    chosen = _chosen(request, plan)
    if request.method == "POST" and request.POST.get("action") == "carry" and predecessor is not None:
        try:
            carried = plan_succeed(user=request.user, plan=plan, predecessor=predecessor, chosen=chosen)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(
                request,
                _(
                    "已将《%(title)s》设为上一方案，承接基线%(n)d项。基线可在管理后台修改，修改记入指标修改记录"
                )
                % {"title": predecessor.title, "n": len(carried)},
            )
            return redirect("tasks:plan_detail", plan_id=plan.pk)
    matches = succession_matches(plan=plan, predecessor=predecessor, chosen=chosen) if predecessor else []
    return render(
        request,
        "reports/plan_succession.html",
        {
            "plan": plan,
            "candidates": candidates,
            "predecessor": predecessor,
            "matches": matches,
            "previous": list(predecessor.indicators.order_by("position", "pk")) if predecessor else [],
            "carrying": sum(1 for m in matches if m.value is not None and not m.keeps_own),
        },
    )
