from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("填报与统计")

    def ready(self) -> None:
        from reports.figures.standings import plan_edited_refresh
        from targets.signals import plan_edited

        plan_edited.connect(plan_edited_refresh, dispatch_uid="reports.plan_edited_refresh")
