"""Who may call the API at all: a signed-in user (token or session) whose role opens the endpoint as it would open a
page (units.selectors.user_may_open, the rule DutySeparationMiddleware applies to every page). The system
administrator and the security auditor do no plan work (三员分立): every endpoint refuses them. What each endpoint
then shows is scoped by the selectors the pages use."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.permissions import BasePermission

from units.selectors import user_may_open, user_sees_all_units


class OpensLikeThePages(BasePermission):
    def has_permission(self, request, view) -> bool:
        user = request.user
        if not user.is_authenticated:
            return False  # DRF answers 401 (no token, no session) with WWW-Authenticate: Token
        if not user_may_open(user=user, view_name=request.resolver_match.view_name):
            self.message = _("%(role)s不处理工作方案和填报数据（三员分立）") % {
                "role": user.get_role_display()
            }
            return False
        return True


class SeesAllUnits(BasePermission):
    """The office and leaders: what the dashboards show (standings of the whole plan)."""

    message = gettext_lazy("只有领导小组办公室和领导可以查看统计看板")

    def has_permission(self, request, view) -> bool:
        return user_sees_all_units(user=request.user)
