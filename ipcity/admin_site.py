"""管理后台's site: Django's AdminSite, except that a signed-in user it is not for (a leader, a reporter) gets the
portal's 403 page saying whom it is for, instead of a second sign-in form (issue 15, item 8). Signed out, its
sign-in form is offered as before."""

from functools import update_wrapper

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache


class PortalAdminSite(admin.AdminSite):
    def admin_view(self, view, cacheable=False):
        guarded = super().admin_view(view, cacheable)

        def refuse_or_serve(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            self.refuse_signed_in_outsider(request)
            return guarded(request, *args, **kwargs)

        return update_wrapper(refuse_or_serve, guarded)

    # As AdminSite.login: never cached, open to signed-out users (LoginRequiredMiddleware lets them through).
    @method_decorator(never_cache)
    @login_not_required
    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        self.refuse_signed_in_outsider(request)
        return super().login(request, extra_context)

    def refuse_signed_in_outsider(self, request: HttpRequest) -> None:
        """Signed in, but not staff (has_permission: the office and the system administrator): 403 with the reason."""
        if request.user.is_authenticated and not self.has_permission(request):
            raise PermissionDenied(_("管理后台仅供领导小组办公室和系统管理员使用"))
