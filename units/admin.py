from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Unit, UnitGroup, User


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "full_name", "kind", "code", "needs_review", "position")
    list_filter = ("kind", "needs_review")
    search_fields = ("name", "full_name", "code")
    ordering = ("position", "id")


@admin.register(UnitGroup)
class UnitGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "member_count")
    filter_horizontal = ("members",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("members")

    @admin.display(description=_("成员数"))
    def member_count(self, obj: UnitGroup) -> int:
        return len(obj.members.all())


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    list_display = ("username", "first_name", "role", "unit", "is_active", "last_login")
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
