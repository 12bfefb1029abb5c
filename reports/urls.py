from django.urls import path

from .views import (
    alerts,
    audit,
    dashboard,
    documents,
    excel,
    instructions,
    items,
    portal,
    quality,
    review,
    sheet,
    subjects,
    succession,
)

app_name = "reports"

REPORT = "report/<slug:unit_code>/<str:period_code>/"

urlpatterns = [
    path("", portal.home, name="home"),
    path("my/", portal.my_unit, name="my_unit"),
    path("units/", portal.unit_list, name="unit_list"),
    path("units/<slug:code>/", portal.unit_detail, name="unit_detail"),
    path("indicators/<int:pk>/", subjects.indicator_detail, name="indicator_detail"),
    path("tasks/<int:pk>/", subjects.task_detail, name="task_detail"),
    path("report/", sheet.report_index, name="report_index"),
    path(REPORT, sheet.sheet, name="sheet"),
    path(REPORT + "excel/", excel.template_download, name="sheet_excel"),
    path(REPORT + "excel/upload/", excel.upload, name="sheet_excel_upload"),
    path(REPORT + "<str:kind>/<int:pk>/", items.item_detail, name="item_detail"),
    path("evidence/<str:token>/", items.evidence_download, name="evidence_download"),
    path("evidence/<str:token>/delete/", items.evidence_remove, name="evidence_delete"),
    path("review/", review.review, name="review"),
    path("quality/", quality.quality_page, name="quality"),
    path("quality/check/", quality.quality_run, name="quality_run"),
    path("review/act/", review.review_act, name="review_act"),
    path("review/" + REPORT.removeprefix("report/") + "approve/", review.approve_sheet, name="approve_sheet"),
    path("reopen/<int:pk>/decide/", items.reopen_decide, name="reopen_decide"),
    path("dashboard/indicators/", dashboard.indicator_table, name="indicator_table"),
    path("dashboard/indicators/<int:pk>/", dashboard.indicator_progress, name="indicator_progress"),
    path("dashboard/reporting/", dashboard.heatmap, name="heatmap"),
    path("dashboard/tasks/", dashboard.tasks_board, name="task_board"),
    path("dashboard/units/", dashboard.league, name="league"),
    path("audit/", audit.audit_log, name="audit_log"),
    path("documents/", documents.document_list, name="document_list"),
    path("documents/new/", documents.document_new, name="document_new"),
    path("documents/<int:pk>/status/", documents.document_status, name="document_status"),
    path("documents/<int:pk>/download/", documents.document_download, name="document_download"),
    path("instructions/", instructions.instruction_list, name="instruction_list"),
    path("instructions/new/<str:kind>/<int:pk>/", instructions.instruction_new, name="instruction_new"),
    path("alerts/", alerts.alert_list, name="alert_list"),
    path("alerts/read/", alerts.alert_mark_read, name="alert_mark_read"),
    path("plans/<int:plan_id>/predecessor/", succession.plan_succession, name="plan_succession"),
]
