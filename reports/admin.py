from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from targets import admin as targets_admin
from targets.models import GoalArea, Indicator, Period, WorkPlan

from .models import ReopenRequest, Submission, TaskReport
from .standings import standings_refresh
from .tallies import tally_rebuild


class ReadOnlyAdmin(SimpleHistoryAdmin):
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


# --- the plan's admin pages (targets.admin), with what the reports keep from it -------------------------------------
# After the office saves a plan, a quarter, a goal area (its indicators inline) or an indicator, the stored standings
# whose target, baseline or thresholds changed are recomputed (a stale one is never shown, but the pages would
# compute it afresh on every request until the next rollup), and a changed due date recounts the reporting tallies.
# Registered here, in place of targets.admin's registrations, because targets must not depend on reports.
for model in (WorkPlan, Period, GoalArea, Indicator):
    admin.site.unregister(model)


class RefreshesStandings:
    def plan_of(self, obj) -> WorkPlan:
        return obj if isinstance(obj, WorkPlan) else obj.plan

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        plan = self.plan_of(form.instance)
        if {"due_days", "due_date_override"} & set(form.changed_data):
            tally_rebuild(plan=plan)
        standings_refresh(plan=plan)


@admin.register(WorkPlan)
class WorkPlanAdmin(RefreshesStandings, targets_admin.WorkPlanAdmin):
    pass


@admin.register(Period)
class PeriodAdmin(RefreshesStandings, targets_admin.PeriodAdmin):
    pass


@admin.register(GoalArea)
class GoalAreaAdmin(RefreshesStandings, targets_admin.GoalAreaAdmin):
    pass


@admin.register(Indicator)
class IndicatorAdmin(RefreshesStandings, targets_admin.IndicatorAdmin):
    pass
