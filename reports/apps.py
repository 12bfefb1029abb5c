from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("填报与统计")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the audit of report items)
