from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import AreaResponsibility, GoalArea, Indicator, Period, WorkPlan
from .signals import plan_edited


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """An admin whose history (django-simple-history) is read, never written: its "revert" form shows no button and
    refuses a POST, so no earlier version is saved back around the checks of the portal's services."""

    def revert_disabled(self, request, obj=None) -> bool:
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied(_("修改记录只能查看，不能恢复"))
        return super().history_form_view(request, object_id, version_id, extra_context)


class TellsPlanEdited:
    """After a save, tells the apps built on the plan (targets.signals.plan_edited) which plan was edited."""

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        instance = form.instance
        plan = instance if isinstance(instance, WorkPlan) else instance.plan
        changed = {"due_days", "due_date_override"} & set(form.changed_data)
        plan_edited.send(sender=type(instance), plan=plan, due_dates_changed=bool(changed))


@admin.register(Period)
class PeriodAdmin(TellsPlanEdited, admin.ModelAdmin):
    list_display = ("__str__", "plan", "due_date", "due_date_override")
    list_filter = ("plan",)
    fields = ("plan", "year", "quarter", "due_date_override")
    readonly_fields = ("plan", "year", "quarter")

    def has_add_permission(self, request) -> bool:
        return False  # quarters come from the plan's period


@admin.register(WorkPlan)
class WorkPlanAdmin(TellsPlanEdited, admin.ModelAdmin):
    list_display = ("title", "start", "end", "status", "due_days")
    list_filter = ("status",)
    search_fields = ("title",)
    # The status changes only through the plan page (tasks.lifecycle: checked, confirmed and audited).
    readonly_fields = ("status", "opened_at", "ended_at")
    fieldsets = (
        (
            None,
            {"fields": ("title", "issuer", "start", "end", "status", "opened_at", "ended_at", "due_days")},
        ),
        ("进度判断（预警、滞后）", {"fields": ("amber_ratio", "rate_amber_points")}),
        ("实施情况评估（基本达成）", {"fields": ("verdict_basic_ratio", "verdict_rate_points")}),
        ("原文", {"fields": ("source_text",), "classes": ("collapse",)}),
    )


class AreaResponsibilityInline(admin.TabularInline):
    model = AreaResponsibility
    extra = 0
    fields = ("unit", "group", "role", "position")
    autocomplete_fields = ("unit",)


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ("code", "name", "uom", "kind", "comparison", "target_value", "factor", "target_date")
    show_change_link = True


@admin.register(GoalArea)
class GoalAreaAdmin(TellsPlanEdited, admin.ModelAdmin):
    list_display = ("number", "headline", "name", "plan")
    list_filter = ("plan",)
    fields = ("plan", "number", "name", "headline", "text", "position")
    inlines = (AreaResponsibilityInline, IndicatorInline)


@admin.register(Indicator)
class IndicatorAdmin(TellsPlanEdited, ReadOnlyHistoryAdmin):
    list_display = (
        "code",
        "name",
        "uom",
        "kind",
        "comparison",
        "target_value",
        "factor",
        "baseline_value",
        "area",
    )
    list_filter = ("plan", "kind", "area")
    search_fields = ("code", "name")
    list_select_related = ("area",)
    filter_horizontal = ("reporting_units",)
    readonly_fields = ("baseline_source",)
    fieldsets = (
        (None, {"fields": ("plan", "area", "code", "name", "uom", "decimals", "position")}),
        (
            "目标",
            {
                "fields": (
                    "kind",
                    "direction",
                    "comparison",
                    "target_value",
                    "factor",
                    "target_date",
                    "aggregation",
                )
            },
        ),
        ("基线", {"fields": ("baseline_value", "baseline_date", "baseline_source")}),
        ("报送", {"fields": ("reporting_units", "numerator_label", "denominator_label")}),
        ("原文", {"fields": ("source_text",)}),
    )

    def save_model(self, request, obj, form, change) -> None:
        """A baseline entered by hand is the office's own, no longer the one carried from the predecessor plan."""
        if {"baseline_value", "baseline_date"} & set(form.changed_data):
            obj.baseline_source = ""
        super().save_model(request, obj, form, change)
