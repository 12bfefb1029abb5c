"""Generated documents (季度通报, 实施情况评估): the office asks for one, a background job writes it while recording
its progress. Only the office asks for documents."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from reports.documents.bulletin import bulletin_data
from reports.documents.bulletin_docx import bulletin_docx
from reports.documents.evaluation import plan_evaluation
from reports.documents.evaluation_files import evaluation_docx, evaluation_xlsx
from reports.documents.selectors import bulletin_periods
from reports.models import Document
from reports.queue import document_after_commit
from targets.models import Period, WorkPlan
from targets.periods import portal_now
from units.models import User

STALE = datetime.timedelta(
    minutes=30
)  # a job queued or running this long is presumed lost; a new request may start


@transaction.atomic
def document_request(*, user: User, plan: WorkPlan, kind: str, period: Period | None = None) -> Document:
    """Queue a document. Asking again while the same one is being written returns that one (a double click
    starts one job). Raises PermissionDenied for anyone but the office, ValidationError for a bad request."""
    if user.role != User.Role.OFFICE:
        raise PermissionDenied(_("只有领导小组办公室可以生成通报和评估报告"))
    if kind not in Document.Kind.values:
        raise ValidationError(_("不认识的文档类别"))
    if kind == Document.Kind.BULLETIN:
        if period is None or period.plan_id != plan.pk or period not in bulletin_periods(plan=plan):
            raise ValidationError(_("请选择一个已经结束的季度"))
    else:
        period = None
    WorkPlan.objects.select_for_update().get(
        pk=plan.pk
    )  # two requests at once: one waits, then finds the other
    busy = Document.objects.filter(
        plan=plan,
        kind=kind,
        period=period,
        state__in=(Document.State.QUEUED, Document.State.RUNNING),
        created_at__gt=portal_now() - STALE,
    ).first()
    if busy:
        return busy
    document = Document.objects.create(
        plan=plan, kind=kind, period=period, created_by=user, created_at=portal_now()
    )
    document_after_commit(document.pk)
    return document


def _step(document: Document, progress: int, step: str) -> None:
    """Record progress where the list page reads it (outside any transaction: the page sees it at once)."""
    Document.objects.filter(pk=document.pk).update(progress=progress, step=step)


def _build(document: Document, step) -> tuple[bytes, bool]:
    if document.kind == Document.Kind.BULLETIN:
        step(10, _("正在汇总数据"))
        return bulletin_docx(bulletin_data(plan=document.plan, period=document.period), step=step)
    step(10, _("正在汇总数据"))
    evaluation = plan_evaluation(plan=document.plan)
    step(50, _("正在编排文档"))
    if document.kind == Document.Kind.EVALUATION_XLSX:
        return evaluation_xlsx(evaluation), False
    return evaluation_docx(evaluation), False


def document_write(*, document_id: int) -> str:
    """Write a queued document and store it; a failure is recorded with its reason. Safe to run twice: a document
    already written is left as it is. Returns the document's state."""
    with transaction.atomic():
        document = Document.objects.select_for_update().filter(pk=document_id).first()
        if document is None or document.state == Document.State.DONE:
            return document.state if document else "missing"
        document.state, document.progress, document.step = Document.State.RUNNING, 5, _("开始生成")
        document.save(update_fields=["state", "progress", "step"])
    try:
        content, charts = _build(document, lambda progress, step: _step(document, progress, step))
    except Exception as error:
        Document.objects.filter(pk=document.pk).update(
            state=Document.State.FAILED, error=f"{type(error).__name__}: {error}", finished_at=portal_now()
        )
        raise
    document.refresh_from_db()
    document.file.save(document.file_label, ContentFile(content), save=False)
    document.state, document.progress, document.step = Document.State.DONE, 100, ""
    document.charts, document.finished_at = charts, portal_now()
    document.save(update_fields=["file", "state", "progress", "step", "charts", "finished_at"])
    return document.state
