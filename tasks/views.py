from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from targets.models import WorkPlan
from units.models import User

from .drafts import plan_draft_confirm, plan_draft_create, plan_draft_discard, plan_draft_update
from .forms import PlanDraftForm, PlanUploadForm
from .lifecycle import plan_archive, plan_end, plan_open
from .models import PlanDraft
from .plan_choice import plan_for, plan_named, plan_show
from .selectors import draft_outline, plan_readiness, plan_structure
from .services import plan_reporting_defaults


def plan_overview(request: HttpRequest, plan_id: int | None = None) -> HttpResponse:
    is_office = request.user.role == User.Role.OFFICE
    if plan_id:
        plan = get_object_or_404(WorkPlan, pk=plan_id)
        plan_show(request, plan)  # a draft: 404 but for the office
    else:
        plan_named(request)  # a ?plan= that names no plan in the portal is a 404 here as everywhere
        try:
            plan = plan_for(request)
        except Http404:
            # Nothing opened yet: the office sees the draft it is completing.
            plan = WorkPlan.objects.order_by("-created_at").first() if is_office else None
            if plan is None:
                raise
    return render(
        request,
        "tasks/plan_overview.html",
        {
            **plan_structure(plan=plan),
            "is_office": is_office,
            "problems": plan_readiness(plan=plan).problems
            if is_office and plan.status == WorkPlan.Status.DRAFT
            else [],
        },
    )


# Pages that show a whole plan: switching plans stays on them. Any other page (a sheet, an indicator) belongs to
# one plan, so switching goes to the home page.
PLAN_PAGES = {
    "reports:home",
    "reports:my_unit",
    "reports:unit_detail",
    "reports:unit_list",
    "reports:report_index",
    "reports:review",
    "reports:indicator_table",
    "reports:heatmap",
    "reports:task_board",
    "reports:league",
    "reports:document_list",
    "reports:instruction_list",
    "reports:alert_list",
    "tasks:plan_overview",
    "public:publication",
}


def plan_switch(request: HttpRequest) -> HttpResponse:
    """The plan bar: show another plan from now on, on the same page when it is about a whole plan."""
    plan = plan_named(request)
    if plan is None:
        return redirect("reports:home")
    plan_show(request, plan)
    back = request.GET.get("next", "")
    try:
        match = resolve(back) if back.startswith("/") else None
    except Resolver404:
        match = None
    url = back if match is not None and match.view_name in PLAN_PAGES else reverse("reports:home")
    return redirect(f"{url}?plan={plan.pk}")


# Importing a plan from its text: upload → check and correct → confirm → open for reporting.


def _office_only(request: HttpRequest) -> None:
    if request.user.role != User.Role.OFFICE:
        raise PermissionDenied(_("只有领导小组办公室可以导入、开放、结束和归档工作方案"))


def plan_upload(request: HttpRequest) -> HttpResponse:
    _office_only(request)
    form = PlanUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            draft = plan_draft_create(user=request.user, name=upload.name, content=upload.read())
        except ValidationError as error:
            form.add_error("file", error.messages)
        else:
            return redirect("tasks:plan_draft", pk=draft.pk)
    drafts = PlanDraft.objects.filter(status=PlanDraft.Status.PENDING).select_related("uploaded_by")
    return render(request, "tasks/plan_upload.html", {"form": form, "drafts": drafts})


def plan_draft(request: HttpRequest, pk: int) -> HttpResponse:
    _office_only(request)
    draft = get_object_or_404(PlanDraft, pk=pk)
    if draft.status == PlanDraft.Status.CONFIRMED and draft.plan_id:
        return redirect("tasks:plan_detail", plan_id=draft.plan_id)
    form = PlanDraftForm(request.POST or None, draft=draft)
    action = request.POST.get("action", "save")
    if request.method == "POST" and action == "discard":
        plan_draft_discard(user=request.user, draft=draft)
        messages.success(request, _("已放弃此识别稿"))
        return redirect("tasks:plan_upload")
    if request.method == "POST" and form.is_valid():
        try:
            draft = plan_draft_update(
                user=request.user,
                draft=draft,
                changes=form.changes(),
                expected_version=form.cleaned_data["version"],
            )
            if action == "confirm":
                plan = plan_draft_confirm(user=request.user, draft=draft, expected_version=draft.version)
                messages.success(
                    request,
                    _("已建立方案《%(title)s》（草稿）。请补充基线值和各指标的报送单位，然后点击“开放填报”。")
                    % {"title": plan.title},
                )
                return redirect("tasks:plan_detail", plan_id=plan.pk)
        except ValidationError as error:
            form.add_error(None, error)  # one about a field (the title) goes to that field
        else:
            messages.success(request, _("修改已保存"))
            return redirect("tasks:plan_draft", pk=draft.pk)
    return render(
        request, "tasks/plan_draft.html", {"draft": draft, "form": form, **draft_outline(draft=draft)}
    )


def plan_open_view(request: HttpRequest, plan_id: int) -> HttpResponse:
    """开放填报: the page lists what is still missing and asks the office to confirm; what blocks refuses."""
    _office_only(request)
    plan = get_object_or_404(WorkPlan, pk=plan_id)
    if plan.status != WorkPlan.Status.DRAFT:
        return redirect("tasks:plan_detail", plan_id=plan.pk)
    if request.method == "POST":
        try:
            if plan_open(user=request.user, plan=plan, acknowledged=bool(request.POST.get("acknowledged"))):
                messages.success(request, _("《%(title)s》已开放填报") % {"title": plan.title})
            return redirect("tasks:plan_detail", plan_id=plan.pk)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
    running = WorkPlan.objects.filter(status=WorkPlan.Status.ACTIVE).exclude(pk=plan.pk)
    return render(
        request,
        "tasks/plan_open.html",
        {"plan": plan, "readiness": plan_readiness(plan=plan), "running": running},
    )


@require_POST
def plan_end_view(request: HttpRequest, plan_id: int) -> HttpResponse:
    _office_only(request)
    plan = get_object_or_404(WorkPlan, pk=plan_id)
    try:
        if plan_end(user=request.user, plan=plan, reason=request.POST.get("reason", "")):
            messages.success(
                request,
                _("《%(title)s》已结束，各单位不再填报；如需补报，可申请重新打开") % {"title": plan.title},
            )
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    return redirect("tasks:plan_detail", plan_id=plan.pk)


@require_POST
def plan_archive_view(request: HttpRequest, plan_id: int) -> HttpResponse:
    _office_only(request)
    plan = get_object_or_404(WorkPlan, pk=plan_id)
    if not request.POST.get("acknowledged"):
        messages.error(request, _("请勾选“归档后只能查看，不能再修改”后再归档"))
        return redirect("tasks:plan_detail", plan_id=plan.pk)
    try:
        if plan_archive(user=request.user, plan=plan):
            messages.success(request, _("《%(title)s》已归档，只能查看") % {"title": plan.title})
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    return redirect("tasks:plan_detail", plan_id=plan.pk)


@require_POST
def plan_reporting_defaults_view(request: HttpRequest, plan_id: int) -> HttpResponse:
    _office_only(request)
    plan = get_object_or_404(WorkPlan, pk=plan_id)
    done = plan_reporting_defaults(user=request.user, plan=plan)
    messages.success(
        request,
        _("已为%(n)d项指标预设报送单位（按方案写明的责任单位），请在管理后台核对调整") % {"n": done}
        if done
        else _("没有需要预设的指标"),
    )
    return redirect("tasks:plan_detail", plan_id=plan.pk)
