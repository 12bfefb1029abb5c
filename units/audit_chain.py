"""The audit log as a hash chain: each row, once sealed, carries a sequence number and a SHA-256 over the previous
sealed row's hash and its own contents, so a row changed or removed after sealing — even by someone who can switch
the database's triggers off — breaks the chain from that row on, and `verify_audit_chain` says where.

Rows are sealed right after the transaction that wrote them commits (`audit_seal_after_commit`, queued by
units.audit.audit), in one short transaction of their own under a lock, in the order they are sealed (not their
id order: a transaction that began earlier may commit later). Nothing else about a row may change: the append-only
triggers (units/migrations) let an UPDATE through only when it sets an unsealed row's `seq` and `chain`, and the
portal's database role may update those two columns only (docs/database-roles.sql). A row left unsealed (a worker
killed between commit and seal) is sealed by the next seal, or by the nightly verification.
"""

import hashlib
import json
import logging
from dataclasses import dataclass

from django.db import connection, transaction

from .models import AuditEvent

GENESIS = "0" * 64
# The columns a row's hash covers, in this order (never reorder: old hashes would no longer verify).
SEALED_FIELDS = (
    "at", "user_id", "username", "role", "unit", "action", "object_type", "object_id", "object_repr", "result",
    "ip", "peer_ip", "path", "detail",
)  # fmt: skip
LOCK_KEY = 804_2025  # pg_advisory_xact_lock key of the sealing transaction
# Each seal's last sequence number and hash go to this logger: routed off the machine (AUDIT_SYSLOG_ADDRESS, see
# ipcity/settings/base.py), they anchor the chain's end, so even rows removed from its tail are noticed.
logger = logging.getLogger("ipcity.audit")


def row_hash(previous: str, event: AuditEvent) -> str:
    """The chain value of `event` after the row whose chain value is `previous`."""
    values = {name: getattr(event, name) for name in SEALED_FIELDS}
    values["at"] = event.at.isoformat(timespec="microseconds")
    canonical = json.dumps([previous, values], ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _last_sealed() -> tuple[int, str]:
    last = AuditEvent.objects.filter(seq__isnull=False).order_by("-seq").values_list("seq", "chain").first()
    return last or (0, GENESIS)


@transaction.atomic
def audit_seal() -> int:
    """Seal every row not sealed yet, oldest id first, continuing the chain. One sealer at a time (an advisory
    lock on PostgreSQL; SQLite has one writer anyway). Returns how many rows were sealed. Safe to run twice."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
    seq, previous = _last_sealed()
    sealed = 0
    for event in AuditEvent.objects.filter(seq__isnull=True).order_by("id").iterator(chunk_size=1000):
        seq += 1
        previous = row_hash(previous, event)
        AuditEvent.objects.filter(pk=event.pk, seq__isnull=True).update(seq=seq, chain=previous)
        sealed += 1
    if sealed:
        logger.info("audit chain sealed to seq=%d hash=%s (%d rows)", seq, previous, sealed)
    return sealed


def audit_seal_after_commit() -> None:
    """Seal the rows this transaction wrote once it has committed (once per transaction)."""
    pending = connection.run_on_commit
    if any(getattr(callback, "audit_seal", False) for _, callback, _ in pending):
        return

    def seal() -> None:
        audit_seal()

    seal.audit_seal = True
    transaction.on_commit(seal)


@dataclass
class ChainCheck:
    sealed: int  # rows checked
    unsealed: int  # rows not sealed yet (written a moment ago, or left by a crash)
    broken_at: AuditEvent | None  # the first row whose hash does not follow, if any
    gap_after: int | None  # a sequence number followed by a missing one (a sealed row removed), if any

    @property
    def intact(self) -> bool:
        return self.broken_at is None and self.gap_after is None


def audit_chain_verify() -> ChainCheck:
    """Recompute the chain over every sealed row in sequence order: the first row whose stored hash differs, or the
    first gap in the sequence (a removed row), is reported."""
    previous, expected, checked = GENESIS, 1, 0
    for event in AuditEvent.objects.filter(seq__isnull=False).order_by("seq").iterator(chunk_size=2000):
        if event.seq != expected:
            return ChainCheck(checked, _unsealed(), None, expected - 1)
        if event.chain != row_hash(previous, event):
            return ChainCheck(checked, _unsealed(), event, None)
        previous, expected, checked = event.chain, expected + 1, checked + 1
    return ChainCheck(checked, _unsealed(), None, None)


def _unsealed() -> int:
    return AuditEvent.objects.filter(seq__isnull=True).count()
