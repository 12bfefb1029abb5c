"""Check the audit log's hash chain (units.audit_chain): seal what is not sealed yet, then recompute every row's hash
in sequence order; a changed or removed row makes the command say where and exit non-zero."""

from django.core.management.base import BaseCommand, CommandError

from units.audit_chain import audit_chain_verify, audit_seal


class Command(BaseCommand):
    help = "核验审计日志的哈希链：先封存尚未封存的记录，再逐条重算；发现被修改或删除的记录时指出位置并以非零状态退出。"

    def handle(self, *args, **options) -> None:
        sealed = audit_seal()
        check = audit_chain_verify()
        if check.broken_at is not None:
            event = check.broken_at
            raise CommandError(
                f"审计日志第{event.seq}条（编号 {event.pk}，{event.at:%Y-%m-%d %H:%M:%S} {event.action}）"
                "与哈希链不符：该条或其前一条在封存后被修改"
            )
        if check.gap_after is not None:
            raise CommandError(f"审计日志第{check.gap_after}条之后缺少记录：封存后的记录被删除")
        self.stdout.write(f"审计日志哈希链完整：已核验{check.sealed}条（本次封存{sealed}条）。")
