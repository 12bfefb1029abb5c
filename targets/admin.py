from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import AreaResponsibility, GoalArea, Indicator, Period, WorkPlan


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ("__str__", "plan", "due_date", "due_date_override")
    list_filter = ("plan",)
    fields = ("plan", "year", "quarter", "due_date_override")
    readonly_fields = ("plan", "year", "quarter")

    def has_add_permission(self, request) -> bool:
        return False  # quarters come from the plan's period


@admin.register(WorkPlan)
class WorkPlanAdmin(admin.ModelAdmin):
    list_display = ("title", "start", "end", "status", "due_days")
    list_filter = ("status",)
    search_fields = ("title",)
    fieldsets = (
        (None, {"fields": ("title", "issuer", "start", "end", "status", "due_days")}),
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
class GoalAreaAdmin(admin.ModelAdmin):
    list_display = ("number", "headline", "name", "plan")
    list_filter = ("plan",)
    fields = ("plan", "number", "name", "headline", "text", "position")
    inlines = (AreaResponsibilityInline, IndicatorInline)


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
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
    fieldsets = (
        (None, {"fields": ("plan", "area", "code", "name", "uom", "position")}),
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
        ("基线", {"fields": ("baseline_value", "baseline_date")}),
        ("报送", {"fields": ("reporting_units", "numerator_label", "denominator_label")}),
        ("原文", {"fields": ("source_text",)}),
    )
