from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path
from django.views.i18n import set_language

from reports import views as report_views
from targets import views as target_views
from tasks import views as task_views
from units import views as unit_views

admin.site.site_header = "知识产权强市建设工作平台 · 管理后台"
admin.site.site_title = "管理后台"
admin.site.index_title = "后台管理"

urlpatterns = [
    path("", report_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("plan/", task_views.plan_overview, name="plan_overview"),
    path("plans/<int:plan_id>/", task_views.plan_overview, name="plan_detail"),
    path("indicators/<int:pk>/", target_views.indicator_detail, name="indicator_detail"),
    path("tasks/<int:pk>/", task_views.task_detail, name="task_detail"),
    path("my/", report_views.my_unit, name="my_unit"),
    path("units/", report_views.unit_list, name="unit_list"),
    path("units/<slug:code>/", report_views.unit_detail, name="unit_detail"),
    path("accounts/", unit_views.account_list, name="account_list"),
    path("admin/", admin.site.urls),
]
