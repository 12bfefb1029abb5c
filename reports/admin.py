"""管理后台 for reporting: figures, task reports and reopen requests are shown with their history, never edited
there (they change only through the workflow's services, with their checks)."""

from django.contrib import admin

from targets.admin import ReadOnlyHistoryAdmin

from .models import ReopenRequest, Submission, TaskReport


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
