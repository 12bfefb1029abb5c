from django.apps import AppConfig


class PublicConfig(AppConfig):
    """What anyone may read without signing in (政务公开: the published indicators at /public/), and the portal's
    使用说明 for each role."""

    name = "public"
    verbose_name = "公开与帮助"
