"""Excel round trip of a unit's sheet: download the pre-filled template, upload, preview, confirm."""

import secrets
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ..excel import XLSX_CONTENT_TYPE, sheet_import, sheet_template_filename, sheet_template_xlsx
from ..selectors import user_can_report_for
from .sheet import sheet_scope

MAX_UPLOAD = 5 * 1024 * 1024


def template_download(request: HttpRequest, unit_code: str, period_code: str) -> HttpResponse:
    unit, period = sheet_scope(request, unit_code, period_code)
    response = HttpResponse(sheet_template_xlsx(unit=unit, period=period), content_type=XLSX_CONTENT_TYPE)
    filename = sheet_template_filename(unit=unit, period=period)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _pending_path(request: HttpRequest, unit_code: str, period_code: str, token: str) -> Path:
    # The pending upload is bound to this user, unit and quarter; the token only picks among them.
    if not token.isalnum():
        raise PermissionDenied("无效的上传编号")
    return Path(settings.MEDIA_ROOT) / "imports" / f"{request.user.pk}-{unit_code}-{period_code}-{token}.xlsx"


@require_POST
def upload(request: HttpRequest, unit_code: str, period_code: str) -> HttpResponse:
    """First post: a dry run of the uploaded file, shown as a preview. Second post (confirm): the real import."""
    unit, period = sheet_scope(request, unit_code, period_code)
    if not user_can_report_for(user=request.user, unit=unit):
        raise PermissionDenied("您只能上传本单位的填报表")
    if request.POST.get("action") == "confirm":
        path = _pending_path(request, unit.code, period.code, request.POST.get("token", ""))
        if not path.exists():
            messages.error(request, "上传的文件已失效，请重新上传")
            return redirect("sheet", unit.code, period.code)
        result = sheet_import(
            user=request.user, unit=unit, period=period, content=path.read_bytes(), dry_run=False
        )
        if result.applied:
            path.unlink(missing_ok=True)
            messages.success(
                request,
                f"已导入：新增{result.created}项，修改{result.updated}项，不变{result.unchanged}项（均为草稿，请核对后提交）。",
            )
            return redirect("sheet", unit.code, period.code)
        token = request.POST["token"]
    else:
        upload_file = request.FILES.get("file")
        if upload_file is None:
            messages.error(request, "请选择要上传的 Excel 文件（.xlsx）")
            return redirect("sheet", unit.code, period.code)
        if upload_file.size > MAX_UPLOAD:
            messages.error(request, "文件超过5MB，请检查是否选错了文件")
            return redirect("sheet", unit.code, period.code)
        content = upload_file.read()
        result = sheet_import(user=request.user, unit=unit, period=period, content=content, dry_run=True)
        token = secrets.token_hex(12)
        if not result.has_errors:
            path = _pending_path(request, unit.code, period.code, token)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
    return render(
        request,
        "reports/excel_preview.html",
        {
            "unit": unit,
            "period": period,
            "result": result,
            "token": token,
            "filename": request.FILES.get("file"),
        },
    )
