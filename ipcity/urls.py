"""The portal's URLs: sign-in, language and the operators' probes (/healthz, /readyz, /metrics) here, each app's
pages under its namespace (reports:sheet, tasks:plan_overview, units:account_list), and 管理后台 at ADMIN_URL."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from ipcity import health, metrics

admin.site.site_header = "知识产权强市建设工作平台 · 管理后台"
admin.site.site_title = "管理后台"
admin.site.index_title = "后台管理"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    # For the load balancer and the operators, without sign-in (served by ipcity.health.ProbeMiddleware).
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("", include("units.urls")),
    path("", include("tasks.urls")),
    path("", include("reports.urls")),
    path("", include("api.urls")),
    path("", include("public.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
]

# The portal's own error pages (ipcity.errors), Chinese first with the header and a way back.
handler400 = "ipcity.errors.bad_request"
handler403 = "ipcity.errors.permission_denied"
handler404 = "ipcity.errors.page_not_found"
handler500 = "ipcity.errors.server_error"
