from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The REST API (/api/v1/): other systems read the plan and its figures and write their own unit's figures through
    the reporting services."""

    name = "api"
    verbose_name = "接口"
