"""The audit log is a hash chain (issue 14, item 8): rows are sealed after their transaction commits, a row changed
or removed after sealing is found by `verify_audit_chain`, the database lets no UPDATE through but the sealing one,
and on PostgreSQL it refuses TRUNCATE."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from tests.markers import postgresql_only
from units.audit import audit
from units.audit_chain import audit_chain_verify, audit_seal, row_hash
from units.models import AuditEvent

pytestmark = pytest.mark.django_db


def three_events() -> list[AuditEvent]:
    events = [audit(action="login", username=f"user-{n}", detail=f"第{n}次") for n in range(3)]
    audit_seal()
    return [AuditEvent.objects.get(pk=e.pk) for e in events]


def test_rows_are_sealed_in_order_and_the_chain_verifies():
    events = three_events()
    first = events[0].seq
    assert [e.seq for e in events] == [first, first + 1, first + 2] and all(e.chain for e in events)
    assert events[1].chain == row_hash(events[0].chain, events[1])
    out = io.StringIO()
    call_command("verify_audit_chain", stdout=out)
    assert "哈希链完整" in out.getvalue()
    assert audit_seal() == 0  # nothing left to seal


def test_a_row_written_in_a_transaction_is_sealed_once_it_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        event = audit(action="login", username="sealed-on-commit")
        audit(action="logout", username="sealed-on-commit")
    event.refresh_from_db()
    assert event.seq is not None and audit_chain_verify().intact


def test_the_sealing_update_is_the_only_update_the_database_allows():
    [first, *_rest] = three_events()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=first.pk).update(detail="改过")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=first.pk).update(chain="0" * 64)  # sealed already: not again
    unsealed = audit(action="login", username="late")
    with pytest.raises(DatabaseError), transaction.atomic():  # sealing, but changing the row too
        AuditEvent.objects.filter(pk=unsealed.pk).update(seq=999, chain="f" * 64, username="someone-else")


def _behind_the_triggers(sql: str, params: list) -> None:
    """What someone who can switch the database's triggers off could do."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE units_auditevent DISABLE TRIGGER USER")
            cursor.execute(sql, params)
            cursor.execute("ALTER TABLE units_auditevent ENABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER units_auditevent_no_update")
            cursor.execute(sql, params)


def test_a_row_changed_after_sealing_breaks_the_chain_where_it_was_changed():
    events = three_events()
    _behind_the_triggers("UPDATE units_auditevent SET detail = %s WHERE id = %s", ["改过", events[1].pk])
    check = audit_chain_verify()
    assert check.broken_at is not None and check.broken_at.pk == events[1].pk
    with pytest.raises(CommandError, match=f"第{events[1].seq}条"):
        call_command("verify_audit_chain", stdout=io.StringIO())


def test_a_row_removed_after_sealing_leaves_a_gap():
    events = three_events()
    _behind_the_triggers("DELETE FROM units_auditevent WHERE id = %s", [events[1].pk])
    check = audit_chain_verify()
    assert check.gap_after == events[0].seq
    with pytest.raises(CommandError, match="缺少记录"):
        call_command("verify_audit_chain", stdout=io.StringIO())


@postgresql_only("the TRUNCATE guard (see migration)")
def test_on_postgresql_the_log_cannot_be_truncated():
    three_events()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL ipcity.audit_truncate = 'deny'")  # as the portal's own connections are
        cursor.execute("TRUNCATE units_auditevent")
    assert AuditEvent.objects.count() >= 3


def test_the_nightly_check_writes_a_broken_chain_into_the_log():
    from reports.jobs import audit_chain_check_all

    events = three_events()
    assert audit_chain_check_all() is True
    _behind_the_triggers("UPDATE units_auditevent SET username = %s WHERE id = %s", ["x", events[2].pk])
    assert audit_chain_check_all() is False
    [finding] = AuditEvent.objects.filter(action="integrity", result="failure")
    assert f"第{events[2].seq}条" in finding.detail
