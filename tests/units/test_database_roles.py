"""docs/database-roles.sql: the role the portal connects as may read and write its tables but only add to the audit
log (and seal its rows) and to the figures' history; it cannot change or delete a logged row, nor TRUNCATE."""

from pathlib import Path

import pytest
from django.db import DatabaseError, connection, transaction

from tests.markers import postgresql_only
from units.audit import audit
from units.audit_chain import audit_seal
from units.models import AuditEvent

ROLES_SQL = Path(__file__).resolve().parents[2] / "docs" / "database-roles.sql"
ROLE = "ipcity_test_app"

pytestmark = [
    pytest.mark.django_db,
    postgresql_only("database roles and grants"),
]


def statements() -> list[str]:
    """The file's statements, for a role of the test's own in the test database."""
    text = "\n".join(line for line in ROLES_SQL.read_text().splitlines() if not line.startswith("--"))
    database = connection.settings_dict["NAME"]
    return [
        statement.strip().replace("ipcity_app", ROLE).replace("DATABASE ipcity ", f'DATABASE "{database}" ')
        for statement in text.split(";")
        if statement.strip()
    ]


@pytest.fixture
def as_the_portal(plan):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM pg_roles WHERE rolname = '{ROLE}'")
        if cursor.fetchone() is None:
            cursor.execute(f"CREATE ROLE {ROLE} NOLOGIN")
        for statement in statements():
            cursor.execute(statement)
        cursor.execute(f"SET ROLE {ROLE}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")


def refused(sql: str, params=()) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError:
        return True
    return False


def test_the_portals_role_writes_figures_and_adds_to_the_log_but_never_rewrites_it(as_the_portal):
    event = audit(action="login", username="role-test")
    assert audit_seal() >= 1  # the sealing update is granted
    assert AuditEvent.objects.get(pk=event.pk).seq is not None
    assert not refused("UPDATE reports_submission SET note = note WHERE id < 0")  # its own tables: yes
    assert refused("UPDATE units_auditevent SET detail = 'x' WHERE id = %s", [event.pk])
    assert refused("DELETE FROM units_auditevent WHERE id = %s", [event.pk])
    assert refused("TRUNCATE units_auditevent")
    assert refused("UPDATE reports_historicalsubmission SET value = 0 WHERE history_id < 0")
    assert refused("ALTER TABLE units_auditevent DISABLE TRIGGER USER")
