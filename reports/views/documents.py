"""通报与评估: the list of generated documents with their progress, the office's requests, the downloads."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reports.documents.evaluation_files import evaluation_document_tables
from reports.documents.selectors import bulletin_periods, documents_visible_to
from reports.documents.services import document_request
from reports.models import Document
from reports.views.stored_files import stored_file_response
from reports.xlsx import download_response
from tasks.plan_choice import plan_for, plan_posted
from units.models import User


def document_list(request: HttpRequest) -> HttpResponse:
    plan = plan_for(request)
    documents = documents_visible_to(user=request.user, plan=plan)
    return render(
        request,
        "reports/documents.html",
        {
            "plan": plan,
            "documents": documents,
            "can_request": request.user.role == User.Role.OFFICE,
            "periods": bulletin_periods(plan=plan),
            "busy": any(d.state in (Document.State.QUEUED, Document.State.RUNNING) for d in documents),
        },
    )


@require_POST
def document_new(request: HttpRequest) -> HttpResponse:
    plan = plan_posted(request)
    if request.user.role != User.Role.OFFICE:
        raise PermissionDenied(_("只有领导小组办公室可以生成通报和评估报告"))
    kind = request.POST.get("kind", "")
    period = None
    if kind == Document.Kind.BULLETIN:
        period = plan.periods.filter(pk=request.POST.get("period") or 0).first()
    try:
        document = document_request(user=request.user, plan=plan, kind=kind, period=period)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        document.refresh_from_db(fields=["state"])  # with jobs run in-process (make run) it is written by now
        if document.state == Document.State.DONE:
            messages.success(request, _("%(document)s已生成，可以下载") % {"document": document})
        else:
            messages.success(
                request, _("已开始生成%(document)s，完成后可在下方下载") % {"document": document}
            )
    return redirect(f"{reverse('reports:document_list')}?plan={plan.pk}")


def document_status(request: HttpRequest, pk: int) -> JsonResponse:
    """What the list page polls while a document is being written."""
    document = _visible(request, pk)
    return JsonResponse(
        {
            "state": document.state,
            "label": document.get_state_display(),
            "progress": document.progress,
            "step": document.step,
        }  # fmt: skip
    )


def document_download(request: HttpRequest, pk: int) -> HttpResponse:
    document = _visible(request, pk)
    if document.state != Document.State.DONE or not document.file:
        raise Http404(_("文件不存在"))
    return stored_file_response(document.file, filename=document.file_label)


def document_table_download(request: HttpRequest, pk: int) -> HttpResponse:
    """One table of a generated 实施情况评估（Excel） as CSV or JSON (?export=csv|json, ?table=indicators|tasks|units,
    the first by default), as its stored workbook holds it; for whoever may download the workbook."""
    document = _visible(request, pk)
    fmt = request.GET.get("export")
    if fmt not in ("csv", "json"):
        raise Http404(_("请选择 CSV 或 JSON"))
    try:
        sheets = evaluation_document_tables(document=document)
    except ValidationError as error:
        raise Http404("；".join(error.messages)) from error
    filename = document.file_label.removesuffix(".xlsx")
    response = download_response(fmt=fmt, filename=filename, sheets=sheets, table=request.GET.get("table"))
    response["Cache-Control"] = "private, no-store"  # as the workbook's own download (stored_file_response)
    return response


def _visible(request: HttpRequest, pk: int) -> Document:
    """A document of any plan in the portal, when the user may see it (documents_visible_to), else 404."""
    document = get_object_or_404(Document.objects.select_related("plan"), pk=pk)
    return get_object_or_404(documents_visible_to(user=request.user, plan=document.plan), pk=pk)
