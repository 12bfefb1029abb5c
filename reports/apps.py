from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("填报与统计")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from reports.figures.rollup_sql import sqlite_functions
        from reports.figures.standings import plan_edited_refresh
        from targets.signals import plan_edited

        plan_edited.connect(plan_edited_refresh, dispatch_uid="reports.plan_edited_refresh")
        connection_created.connect(sqlite_functions, dispatch_uid="reports.sqlite_functions")
