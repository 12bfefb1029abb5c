"""管理后台 for reporting: figures, task reports and reopen requests are shown with their history, never edited
there (they change only through the workflow's services, with their checks). The office keeps the plans' validation
rules here, each change in the rule's history."""

from django.contrib import admin

from targets.admin import ReadOnlyHistoryAdmin
from units.models import User

from .models import ReopenRequest, Submission, TaskReport, ValidationRule


class ReadOnlyAdmin(ReadOnlyHistoryAdmin):
    """Figures change only through the portal's workflow (with its checks); the admin shows them and their history."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ("indicator", "unit", "period", "value", "status", "updated_at")
    list_filter = ("status", "period", "unit")
    list_select_related = ("indicator", "unit", "period")


@admin.register(TaskReport)
class TaskReportAdmin(ReadOnlyAdmin):
    list_display = ("task", "unit", "period", "progress", "status", "updated_at")
    list_filter = ("status", "progress", "period", "unit")
    list_select_related = ("task__section", "unit", "period")


@admin.register(ReopenRequest)
class ReopenRequestAdmin(admin.ModelAdmin):
    list_display = ("__str__", "requested_by", "requested_at", "decision")
    list_filter = ("decision",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ValidationRule)
class ValidationRuleAdmin(ReadOnlyHistoryAdmin):
    """校验规则: the office's (its role, not a permission granted account by account, as it keeps the plan)."""

    list_display = ("name", "plan", "indicator", "operator", "compare", "severity", "active")
    list_filter = ("plan", "severity", "active", "compare")
    search_fields = ("name", "indicator__code", "indicator__name")
    list_select_related = ("plan", "indicator")
    autocomplete_fields = ("indicator", "other_indicator")
    fields = (
        "plan",
        "name",
        "indicator",
        "operator",
        "compare",
        "other_indicator",
        "constant",
        "severity",
        "active",
    )

    def _office(self, request) -> bool:
        return request.user.is_authenticated and request.user.role == User.Role.OFFICE

    def has_module_permission(self, request) -> bool:
        return self._office(request) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._office(request)

    def has_add_permission(self, request) -> bool:
        return self._office(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._office(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._office(request)
