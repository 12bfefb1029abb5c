from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Unit, UnitGroup, User
from .privileges import (
    PRIVILEGED_ROLES,
    account_deactivate,
    activation_request,
    password_set_by_administrator,
    role_change_request,
    second_factor_reset_request,
)

# Authenticators are bound by their owners and removed by the 重置验证器 action below, never edited here (their
# secrets would show).
admin.site.unregister(TOTPDevice)
# Django's permission groups are not used: what an account may do follows its role (units.services).
admin.site.unregister(Group)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    """Units, for the system administrator. The office changes only how a unit's figures are reviewed: its own
    单位审核 and the county a town or department reports under (its sub-units)."""

    list_display = ("name", "full_name", "kind", "code", "unit_review", "parent", "needs_review", "position")
    list_filter = ("kind", "unit_review", "needs_review")
    search_fields = ("name", "full_name", "code")
    ordering = ("position", "id")
    fields = (
        "code",
        "name",
        "full_name",
        "kind",
        "aliases",
        "position",
        "needs_review",
        "unit_review",
        "parent",
    )
    OFFICE_FIELDS = ("unit_review", "parent")

    def _office(self, request) -> bool:
        return request.user.is_authenticated and request.user.role == User.Role.OFFICE

    def has_change_permission(self, request, obj=None) -> bool:
        return self._office(request) or super().has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if self._office(request):
            return [name for name in self.fields if name not in self.OFFICE_FIELDS]
        return super().get_readonly_fields(request, obj)


@admin.register(UnitGroup)
class UnitGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "member_count")
    fields = ("name", "members", "note", "position")
    filter_horizontal = ("members",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("members")

    @admin.display(description=_("成员数"))
    def member_count(self, obj: UnitGroup) -> int:
        return len(obj.members.all())


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    """Accounts, for the system administrator. The role, the unit and whether an account is active change through
    units.privileges (the office, auditor and administrator roles, and resetting their authenticators, only with the
    auditor's approval); the superuser and staff flags, permissions and groups follow the role and are not shown. A
    password set here is one the account must replace at its next sign-in."""

    list_display = ("username", "first_name", "role", "unit", "has_second_factor", "is_active", "last_login")
    actions = ("reset_second_factor",)
    list_filter = ("role", "is_active", "unit__kind")
    search_fields = ("username", "first_name", "unit__name")
    list_select_related = ("unit",)
    readonly_fields = ("last_login", "date_joined", "must_change_password")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("first_name", "last_name", "email")}),
        (_("平台角色"), {"fields": ("role", "unit", "is_active")}),
        (_("登录"), {"fields": ("last_login", "date_joined", "must_change_password")}),
    )
    add_fieldsets = (
        *UserAdmin.add_fieldsets,
        (_("平台角色"), {"fields": ("role", "unit")}),
    )

    def get_queryset(self, request):
        bound = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).annotate(second_factor_bound=Exists(bound))

    @admin.display(description=_("已绑定验证器"), boolean=True)
    def has_second_factor(self, obj: User) -> bool:
        return obj.second_factor_bound

    def save_model(self, request, obj: User, form, change: bool) -> None:
        wanted = (obj.role, obj.unit, obj.is_active)
        if change:
            held = User.objects.get(pk=obj.pk)
            obj.role, obj.unit, obj.is_active = held.role, held.unit, held.is_active
            obj.is_staff, obj.is_superuser = held.is_staff, held.is_superuser
        else:
            held = None
            obj.is_staff = obj.is_superuser = False
            obj.is_active = obj.role not in PRIVILEGED_ROLES  # a privileged account waits for the approval
        super().save_model(request, obj, form, change)
        role, unit, active = wanted
        try:
            if held is None or (role, unit) != (held.role, held.unit):
                done = role_change_request(by=request.user, user=obj, role=role, unit=unit)
                self._tell(request, done, _("角色已设为%(role)s。") % {"role": obj.get_role_display()})
            if held is not None and active != held.is_active:
                if active:
                    self._tell(request, activation_request(by=request.user, user=obj), _("账号已启用。"))
                else:
                    account_deactivate(by=request.user, user=obj)
        except (ValidationError, PermissionDenied) as error:
            self.message_user(request, "；".join(getattr(error, "messages", [str(error)])), messages.ERROR)
        obj.refresh_from_db()

    def _tell(self, request, pending, done: str) -> None:
        if pending is None:
            self.message_user(request, done, messages.SUCCESS)
        else:
            self.message_user(
                request,
                _("已提交“%(request)s”的申请，安全审计员批准后生效。") % {"request": pending},
                messages.WARNING,
            )

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            password_set_by_administrator(by=request.user, user=self.get_object(request, id))
            self.message_user(
                request, _("该密码为一次性密码：账号下次登录时须设置自己的新密码。"), messages.WARNING
            )
        return response

    @admin.action(description=_("重置验证器（下次登录时重新绑定）"), permissions=["change"])
    def reset_second_factor(self, request, queryset) -> None:
        done = asked = 0
        for user in queryset:
            try:
                pending = second_factor_reset_request(by=request.user, user=user)
            except ValidationError as error:
                self.message_user(request, "；".join(error.messages), messages.ERROR)
                continue
            asked, done = asked + (pending is not None), done + (pending is None)
        if done:
            message = ngettext(
                "已重置%(count)d个账号的验证器，其下次登录时需重新绑定。",
                "已重置%(count)d个账号的验证器，其下次登录时需重新绑定。",
                done,
            )
            self.message_user(request, message % {"count": done}, messages.SUCCESS)
        if asked:
            self.message_user(
                request,
                _("%(count)d个账号须经安全审计员批准后重置验证器，已提交申请。") % {"count": asked},
                messages.WARNING,
            )
