from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Unit, UnitGroup, User
from .second_factor import second_factor_reset

# Authenticators are bound by their owners and removed by the 重置验证器 action below, never edited here (their
# secrets would show).
admin.site.unregister(TOTPDevice)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "full_name", "kind", "code", "needs_review", "position")
    list_filter = ("kind", "needs_review")
    search_fields = ("name", "full_name", "code")
    ordering = ("position", "id")
    fields = ("code", "name", "full_name", "kind", "aliases", "position", "needs_review")


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
    list_display = ("username", "first_name", "role", "unit", "has_second_factor", "is_active", "last_login")
    actions = ("reset_second_factor",)
    list_filter = ("role", "is_active", "unit__kind")
    search_fields = ("username", "first_name", "unit__name")
    list_select_related = ("unit",)
    fieldsets = (
        *UserAdmin.fieldsets,
        (_("平台角色"), {"fields": ("role", "unit")}),
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

    @admin.action(description=_("重置验证器（下次登录时重新绑定）"), permissions=["change"])
    def reset_second_factor(self, request, queryset) -> None:
        for user in queryset:
            second_factor_reset(user=user, by=request.user)
        count = len(queryset)
        message = ngettext(
            "已重置%(count)d个账号的验证器，其下次登录时需重新绑定。",
            "已重置%(count)d个账号的验证器，其下次登录时需重新绑定。",
            count,
        )
        self.message_user(request, message % {"count": count}, messages.SUCCESS)
