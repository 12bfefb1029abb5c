from django.urls import path

from . import views

app_name = "tasks"

urlpatterns = [
    path("plan/", views.plan_overview, name="plan_overview"),
    path("plans/<int:plan_id>/", views.plan_overview, name="plan_detail"),
    path("plans/switch/", views.plan_switch, name="plan_switch"),
    path("plans/<int:plan_id>/open/", views.plan_open_view, name="plan_open"),
    path("plans/<int:plan_id>/end/", views.plan_end_view, name="plan_end"),
    path("plans/<int:plan_id>/archive/", views.plan_archive_view, name="plan_archive"),
    path(
        "plans/<int:plan_id>/reporting-defaults/",
        views.plan_reporting_defaults_view,
        name="plan_reporting_defaults",
    ),
    path("plans/import/", views.plan_upload, name="plan_upload"),
    path("plans/import/<int:pk>/", views.plan_draft, name="plan_draft"),
]
