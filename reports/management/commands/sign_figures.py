"""Re-sign every approved figure with the current key: after rotating FIGURE_CHECKSUM_KEY (or SECRET_KEY), and only
after `check_figures` has shown everything consistent under the old key."""

from django.core.management.base import BaseCommand

from reports.figures.integrity import figures_sign


class Command(BaseCommand):
    help = "用当前密钥重新计算全部已审核数据的校验码（更换密钥后使用，之前请先用旧密钥运行 check_figures）。"

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"已重新签署{figures_sign()}项已审核数据。")
