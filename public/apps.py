from django.apps import AppConfig


class PublicConfig(AppConfig):
    """What anyone may read without signing in (政务公开: the published indicators at /public/), and the portal's
    使用说明 for each role."""

    name = "public"
    verbose_name = "公开与帮助"

    def ready(self) -> None:
        from public.services import publication_plan_edited
        from targets.signals import plan_edited

        plan_edited.connect(publication_plan_edited, dispatch_uid="public.publication_plan_edited")
