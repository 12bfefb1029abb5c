from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path
from django.views.i18n import set_language

from reports.views import (
    alerts,
    audit,
    dashboard,
    documents,
    excel,
    instructions,
    items,
    portal,
    review,
    sheet,
)
from targets import views as target_views
from tasks import views as task_views
from units import views as unit_views

admin.site.site_header = "知识产权强市建设工作平台 · 管理后台"
admin.site.site_title = "管理后台"
admin.site.index_title = "后台管理"

REPORT = "report/<slug:unit_code>/<str:period_code>/"

urlpatterns = [
    path("", portal.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", unit_views.PasswordChange.as_view(), name="password_change"),
    path("second-factor/", unit_views.second_factor_verify, name="second_factor_verify"),
    path("second-factor/setup/", unit_views.second_factor_setup, name="second_factor_setup"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("plan/", task_views.plan_overview, name="plan_overview"),
    path("plans/<int:plan_id>/", task_views.plan_overview, name="plan_detail"),
    path("plans/<int:plan_id>/open/", task_views.plan_open_view, name="plan_open"),
    path(
        "plans/<int:plan_id>/reporting-defaults/",
        task_views.plan_reporting_defaults_view,
        name="plan_reporting_defaults",
    ),
    path("plans/import/", task_views.plan_upload, name="plan_upload"),
    path("plans/import/<int:pk>/", task_views.plan_draft, name="plan_draft"),
    path("indicators/<int:pk>/", target_views.indicator_detail, name="indicator_detail"),
    path("tasks/<int:pk>/", task_views.task_detail, name="task_detail"),
    path("my/", portal.my_unit, name="my_unit"),
    path("units/", portal.unit_list, name="unit_list"),
    path("units/<slug:code>/", portal.unit_detail, name="unit_detail"),
    path("report/", sheet.report_index, name="report_index"),
    path(REPORT, sheet.sheet, name="sheet"),
    path(REPORT + "excel/", excel.template_download, name="sheet_excel"),
    path(REPORT + "excel/upload/", excel.upload, name="sheet_excel_upload"),
    path(REPORT + "<str:kind>/<int:pk>/", items.item_detail, name="item_detail"),
    path("evidence/<str:token>/", items.evidence_download, name="evidence_download"),
    path("evidence/<str:token>/delete/", items.evidence_remove, name="evidence_delete"),
    path("review/", review.review, name="review"),
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
    path("accounts/", unit_views.account_list, name="account_list"),
    path("admin/", admin.site.urls),
]
