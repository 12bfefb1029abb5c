"""One figure or task report: its value, status, evidence, full history, and the workflow buttons."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reports.instructions.selectors import instructions_on
from reports.models import FollowUp, ReopenRequest, Status, Submission, TaskReport
from reports.views.scope import sheet_scope
from reports.views.stored_files import stored_file_response
from reports.workflow.comments import item_comment_add
from reports.workflow.drafts import item_save
from reports.workflow.evidence import evidence_add, evidence_delete
from reports.workflow.followups import follow_up_confirm, follow_up_mark
from reports.workflow.forms import EvidenceForm, ReasonForm
from reports.workflow.history import item_history
from reports.workflow.selectors import evidence_visible_to, unit_reports_indicator, unit_reports_task
from reports.workflow.services import (
    item_approve,
    item_forward,
    item_reopen,
    item_return,
    item_submit,
    item_unit_return,
    reopen_request_create,
    reopen_request_decide,
)
from targets.models import Indicator
from tasks.models import Task
from units.selectors import user_can_report_for, user_can_review, user_can_unit_review, user_enters_for

ACTIONS = (
    "submit",
    "approve",
    "return",
    "reopen",
    "request_reopen",
    "upload",
    "comment",
    "follow_up",
    "follow_up_confirm",
    "forward",
    "unit_return",
)


def _item(request: HttpRequest, unit_code: str, period_code: str, kind: str, pk: int):
    """The obligation's subject and its item (None before anything was saved); 404 outside the user's scope."""
    unit, period = sheet_scope(request, unit_code, period_code)
    if kind not in ("figure", "task"):
        raise Http404(_("未知类型"))
    if kind == "figure":
        subject = get_object_or_404(Indicator, pk=pk, plan=period.plan)
        if not unit_reports_indicator(unit=unit, indicator=subject):
            raise PermissionDenied(
                _("指标 %(code)s 不由%(unit)s报送") % {"code": subject.code, "unit": unit.name}
            )
        item = Submission.objects.filter(indicator=subject, unit=unit, period=period).first()
    else:
        subject = get_object_or_404(Task, pk=pk, plan=period.plan)
        if not unit_reports_task(unit=unit, task=subject):
            raise PermissionDenied(
                _("任务 %(code)s 不由%(unit)s报告") % {"code": subject.code, "unit": unit.name}
            )
        item = TaskReport.objects.filter(task=subject, unit=unit, period=period).first()
    return unit, period, subject, item


def item_detail(request: HttpRequest, unit_code: str, period_code: str, kind: str, pk: int) -> HttpResponse:
    unit, period, subject, item = _item(request, unit_code, period_code, kind, pk)
    if request.method == "POST":
        action = request.POST.get("action")
        if action not in ACTIONS:
            raise PermissionDenied(_("未知操作"))
        try:
            if item is None:
                if action != "upload":
                    raise ValidationError(_("此项还没有填报，请先在填报表中填写"))
                # Evidence can be attached before any figure is typed: an empty draft holds it.
                item = item_save(
                    user=request.user,
                    unit=unit,
                    period=period,
                    subject=subject,
                    data={},
                    expected_version=None,
                )
            _act(request, action, item)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        return redirect(request.get_full_path())
    return render(
        request,
        "reports/item.html",
        {
            "unit": unit,
            "period": period,
            "kind": kind,
            "subject": subject,
            "item": item,
            "history": item_history(item=item) if item else [],
            "evidence": list(item.evidence.all()) if item else [],
            "comments": list(item.comments.select_related("author")) if item else [],
            "follow_ups": list(item.follow_ups.select_related("marked_by", "resolved_by"))
            if kind == "figure" and item
            else [],
            "reopen_requests": list(item.reopen_requests.select_related("requested_by", "decided_by"))
            if item
            else [],
            "can_report": user_can_report_for(user=request.user, unit=unit),
            "can_review": user_can_review(user=request.user),
            "can_unit_review": user_can_unit_review(user=request.user, unit=unit),
            "proxy": user_enters_for(user=request.user, unit=unit),
            "reason_form": ReasonForm(),
            "evidence_form": EvidenceForm(),
            # The thread of this indicator or task, as far as it concerns this unit.
            "instructions": [
                i
                for i in instructions_on(
                    user=request.user, **{"indicator" if kind == "figure" else "task": subject}
                )
                if unit in i.units.all()
            ],
        },
    )


def _act(request: HttpRequest, action: str, item) -> None:
    user, reason = request.user, request.POST.get("reason", "")
    if action == "submit":
        done = item_submit(user=user, item=item, proxy_reason=request.POST.get("proxy_reason", ""))
        item.refresh_from_db(fields=["status"])
        waiting = _("本单位审核人") if item.status == Status.PENDING else _("领导小组办公室")
        messages.success(
            request,
            _("已提交，等待%(who)s审核。") % {"who": waiting}
            if done
            else _("此项已经提交过，无需重复提交。"),
        )
    elif action == "forward":
        done = item_forward(user=user, item=item)
        messages.success(request, _("已审核通过，报送领导小组办公室。") if done else _("此项已经报送过。"))
    elif action == "unit_return":
        done = item_unit_return(user=user, item=item, reason=reason)
        messages.success(request, _("已退回填报员。") if done else _("此项已经退回过。"))
    elif action == "approve":
        done = item_approve(user=user, item=item)
        messages.success(request, _("已审核通过并锁定。") if done else _("此项已经审核过。"))
    elif action == "return":
        done = item_return(user=user, item=item, reason=reason)
        messages.success(request, _("已退回填报单位。") if done else _("此项已经退回过。"))
    elif action == "reopen":
        done = item_reopen(user=user, item=item, reason=reason)
        messages.success(
            request, _("已重新打开，填报单位可以修改。") if done else _("此项不是已审核状态，无需重新打开。")
        )
    elif action == "request_reopen":
        reopen_request_create(user=user, item=item, reason=reason)
        messages.success(request, _("申请已提交，等待领导小组办公室处理。"))
    elif action == "follow_up":
        follow_up_mark(user=user, item=item, note=request.POST.get("note", ""))
        messages.success(request, _("已标记待核实，填报单位会看到。"))
    elif action == "follow_up_confirm":
        mark = get_object_or_404(FollowUp, pk=request.POST.get("mark") or 0, submission_id=item.pk)
        done = follow_up_confirm(user=user, mark=mark, reason=request.POST.get("reason", ""))
        messages.success(request, _("已确认数据无误。") if done else _("此项待核实已处理过。"))
    elif action == "comment":
        item_comment_add(user=user, item=item, text=request.POST.get("text", ""))
        messages.success(request, _("留言已发出。"))
    elif action == "upload":
        form = EvidenceForm(request.POST, request.FILES)
        if not form.is_valid():
            raise ValidationError(_("请选择要上传的文件"))
        evidence = evidence_add(user=user, item=item, upload=form.cleaned_data["file"])
        messages.success(request, _("已上传佐证材料“%(name)s”。") % {"name": evidence.original_name})


def evidence_download(request: HttpRequest, token: str) -> HttpResponse:
    """A supporting document, only for those who may see its item."""
    evidence = get_object_or_404(evidence_visible_to(user=request.user), token=token)
    return stored_file_response(
        evidence.file, filename=evidence.original_name, content_type=evidence.content_type
    )


@require_POST
def evidence_remove(request: HttpRequest, token: str) -> HttpResponse:
    evidence = get_object_or_404(evidence_visible_to(user=request.user), token=token)
    back = request.POST.get("next", "")
    try:
        evidence_delete(user=request.user, evidence=evidence)
        messages.success(request, _("已删除“%(name)s”。") % {"name": evidence.original_name})
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    safe = url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return redirect(back if back and safe else "/")


@require_POST
def reopen_decide(request: HttpRequest, pk: int) -> HttpResponse:
    reopen = get_object_or_404(ReopenRequest, pk=pk)
    try:
        reopen_request_decide(
            user=request.user,
            request=reopen,
            grant=request.POST.get("grant") == "1",
            note=request.POST.get("note", ""),
        )
        messages.success(request, _("已处理重新打开申请。"))
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    return redirect("reports:review")
