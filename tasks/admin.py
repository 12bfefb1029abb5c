from django.contrib import admin

from .models import Section, Task, TaskIndicator, TaskResponsibility


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ("__str__", "plan", "position")
    list_filter = ("plan",)
    fields = ("plan", "number", "title", "position")


class TaskResponsibilityInline(admin.TabularInline):
    model = TaskResponsibility
    extra = 0
    fields = ("unit", "group", "role", "position")
    autocomplete_fields = ("unit",)


class TaskIndicatorInline(admin.TabularInline):
    model = TaskIndicator
    extra = 0
    fields = ("indicator", "code", "wording", "position")
    raw_id_fields = ("indicator",)


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "kind", "section")
    list_filter = ("plan", "kind", "section")
    search_fields = ("title", "text")
    list_select_related = ("section",)
    fields = ("plan", "kind", "section", "number", "title", "text", "position")
    inlines = (TaskResponsibilityInline, TaskIndicatorInline)
