"""The demo's public page (演示数据, demo mode only): see public.demo. Does nothing when the plan is published already."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from public.demo import publication_demo


class Command(BaseCommand):
    help = "演示用的政务公开（仅演示模式）：以办公室账号公开正在执行的方案各目标领域的指标，截至已到报送期限的最近一个季度。"

    def handle(self, *args, **options) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("演示数据只能在演示模式（DEMO_MODE）下生成")
        publication = publication_demo()
        if publication is None:
            self.stdout.write("未做任何修改（方案已设置公开，或没有正在执行的方案、演示账号 office）。")
            return
        self.stdout.write(
            f"已公开《{publication.plan.title}》的{publication.indicators.count()}项指标，"
            f"截至{publication.through.label}：/public/"
        )
