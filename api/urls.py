"""The API's URLs: the REST API under /api/v1/, its OpenAPI schema and documentation page, and the portal page where a
user keeps the tokens programs sign in with."""

from django.urls import path

from .views import docs, plan, reporting, tokens

app_name = "api"

V1 = "api/v1/"

urlpatterns = [
    path(V1 + "plans/", plan.PlanList.as_view(), name="plan_list"),
    path(V1 + "plans/<int:pk>/", plan.PlanDetail.as_view(), name="plan_detail"),
    path(V1 + "quarters/", plan.QuarterList.as_view(), name="quarter_list"),
    path(V1 + "areas/", plan.AreaList.as_view(), name="area_list"),
    path(V1 + "indicators/", plan.IndicatorList.as_view(), name="indicator_list"),
    path(V1 + "indicators/<int:pk>/", plan.IndicatorDetail.as_view(), name="indicator_detail"),
    path(V1 + "tasks/", plan.TaskList.as_view(), name="task_list"),
    path(V1 + "tasks/<int:pk>/", plan.TaskDetail.as_view(), name="task_detail"),
    path(V1 + "units/", plan.UnitList.as_view(), name="unit_list"),
    path(V1 + "standings/", plan.StandingList.as_view(), name="standing_list"),
    path(V1 + "figures/", reporting.FigureList.as_view(), name="figure_list"),
    path(V1 + "figures/<int:pk>/", reporting.FigureDetail.as_view(), name="figure_detail"),
    path(V1 + "figures/<int:pk>/submit/", reporting.FigureSubmit.as_view(), name="figure_submit"),
    path(V1 + "task-reports/", reporting.TaskReportList.as_view(), name="task_report_list"),
    path(V1 + "task-reports/<int:pk>/", reporting.TaskReportDetail.as_view(), name="task_report_detail"),
    path(
        V1 + "task-reports/<int:pk>/submit/", reporting.TaskReportSubmit.as_view(), name="task_report_submit"
    ),
    path("api/schema/", docs.SchemaView.as_view(), name="schema"),
    path("api/docs/", docs.DocsView.as_view(), name="docs"),
    path("api/tokens/", tokens.tokens, name="tokens"),
]
