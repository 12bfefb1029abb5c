"""Report any approved figure changed behind the application's back (its checksum no longer matches)."""

from django.core.management.base import BaseCommand, CommandError

from reports.figures.integrity import figures_tampered


class Command(BaseCommand):
    help = "核对已审核数据的校验码，列出被绕过平台修改的数据；发现即以非零状态退出。"

    def handle(self, *args, **options) -> None:
        tampered = figures_tampered()
        for figure in tampered:
            self.stdout.write(f"校验不符：{figure}（数值 {figure.value}，编号 {figure.pk}）")
        if tampered:
            raise CommandError(f"{len(tampered)}项已审核数据的校验码不符，可能被绕过平台修改，请核查")
        self.stdout.write("已审核数据校验全部一致。")
