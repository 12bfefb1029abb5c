from django.contrib import admin

from .models import AreaResponsibility, GoalArea, Indicator, WorkPlan


@admin.register(WorkPlan)
class WorkPlanAdmin(admin.ModelAdmin):
    list_display = ("title", "start", "end", "status", "due_days")
    list_filter = ("status",)
    search_fields = ("title",)


class AreaResponsibilityInline(admin.TabularInline):
    model = AreaResponsibility
    extra = 0
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
    inlines = (AreaResponsibilityInline, IndicatorInline)


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
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
        ("原文", {"fields": ("source_text",)}),
    )
