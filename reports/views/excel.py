"""Excel round trip of a unit's sheet: download the pre-filled template (?format=csv: its figures as CSV), upload
(a workbook or a CSV of figures), preview, confirm."""

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reports.views.scope import sheet_scope, sheet_url
from reports.workflow.excel import (
    XLSX_CONTENT_TYPE,
    sheet_import,
    sheet_template_csv,
    sheet_template_filename,
    sheet_template_xlsx,
)
from reports.workflow.excel.limits import MAX_UPLOAD_MB, PREVIEW_ROWS
from reports.workflow.excel.pending import pending_import_drop, pending_import_keep, pending_import_read
from reports.xlsx import CSV
from units.selectors import user_can_report_for, user_enters_for


def template_download(request: HttpRequest, unit_code: str, period_code: str) -> HttpResponse:
    unit, period = sheet_scope(request, unit_code, period_code)
    if request.GET.get("format") == "csv":
        response = HttpResponse(sheet_template_csv(unit=unit, period=period), content_type=CSV)
        filename = sheet_template_filename(unit=unit, period=period, kind="csv")
    else:
        response = HttpResponse(sheet_template_xlsx(unit=unit, period=period), content_type=XLSX_CONTENT_TYPE)
        filename = sheet_template_filename(unit=unit, period=period)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@require_POST
def upload(request: HttpRequest, unit_code: str, period_code: str) -> HttpResponse:
    """First post: a dry run of the uploaded file, shown as a preview. Second post (confirm): the real import."""
    unit, period = sheet_scope(request, unit_code, period_code)
    if not user_can_report_for(user=request.user, unit=unit):
        raise PermissionDenied(_("您只能上传本单位的填报表"))
    proxy_reason = request.POST.get(
        "proxy_reason", ""
    )  # 代填: the office's reason, carried to the confirmation
    if request.POST.get("action") == "confirm":
        kept = {"user_id": request.user.pk, "unit_code": unit.code, "period_code": period.code}
        token = request.POST.get("token", "")
        content = pending_import_read(**kept, token=token)
        if content is None:
            messages.error(request, _("上传的文件已失效，请重新上传"))
            return redirect(sheet_url(unit, period))
        result = sheet_import(
            user=request.user,
            unit=unit,
            period=period,
            content=content,
            dry_run=False,
            proxy_reason=proxy_reason,
        )
        if result.applied:
            pending_import_drop(**kept, token=token)
            messages.success(
                request,
                _(
                    "已导入：新增%(created)d项，修改%(updated)d项，不变%(unchanged)d项（均为草稿，请核对后提交）。"
                )
                % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
            )
            if result.notice_count:
                messages.warning(
                    request,
                    _(
                        "其中%(n)d项数据有数据质量提示（不符合校验规则或数值异常）。提交前请核对："
                        "不符合“错误”级规则的须改正数值，其他的须在说明中写明原因，提交时会逐项提示。"
                    )
                    % {"n": result.notice_count},
                )
            return redirect(sheet_url(unit, period))
    else:
        upload_file = request.FILES.get("file")
        if upload_file is None:
            messages.error(request, _("请选择要上传的文件（Excel 模板 .xlsx 或 CSV 文件）"))
            return redirect(sheet_url(unit, period))
        if upload_file.size > MAX_UPLOAD_MB * 1024 * 1024:
            messages.error(request, _("文件超过%(limit)dMB，请检查是否选错了文件") % {"limit": MAX_UPLOAD_MB})
            return redirect(sheet_url(unit, period))
        content = upload_file.read()
        result = sheet_import(
            user=request.user,
            unit=unit,
            period=period,
            content=content,
            dry_run=True,
            proxy_reason=proxy_reason,
            filename=upload_file.name,
        )
        token = ""
        if not result.has_errors:
            token = pending_import_keep(
                user_id=request.user.pk, unit_code=unit.code, period_code=period.code, content=content
            )
    return render(
        request,
        "reports/excel_preview.html",
        {
            "unit": unit,
            "period": period,
            "result": result,
            "preview": result.preview(limit=PREVIEW_ROWS),
            "token": token,
            "proxy_reason": proxy_reason,
            "proxy": user_enters_for(user=request.user, unit=unit),
            "filename": request.FILES.get("file"),
        },
    )
