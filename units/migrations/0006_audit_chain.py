"""The audit log's hash chain (units.audit_chain) and a TRUNCATE guard (issue 14, item 8).

Each row gets `seq` and `chain`, set once when it is sealed. The append-only triggers are replaced: an UPDATE is let
through only when it seals a row (sets `seq` and `chain` where they were empty, nothing else changes); TRUNCATE is
refused on PostgreSQL too, unless the session says `ipcity.audit_truncate = allow` (the test suite's flush between
tests does; see ipcity/settings/test.py). The portal's own database role is not allowed to UPDATE anything but those
two columns, nor to DELETE or TRUNCATE (docs/database-roles.sql): the triggers guard against everyone else.
Nullable columns without defaults and a conditional unique index: the table is not rebuilt on SQLite.
"""

from django.db import migrations, models

COLUMNS = (
    "id", "at", "user_id", "username", "role", "unit", "action", "object_type", "object_id", "object_repr",
    "result", "ip", "peer_ip", "path", "detail",
)  # fmt: skip
UNCHANGED_PG = " AND ".join(f"NEW.{c} IS NOT DISTINCT FROM OLD.{c}" for c in COLUMNS)
UNCHANGED_SQLITE = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in COLUMNS)

POSTGRES_GUARD = f"""
DROP TRIGGER IF EXISTS units_auditevent_no_update ON units_auditevent;
CREATE OR REPLACE FUNCTION units_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF OLD.seq IS NULL AND NEW.seq IS NOT NULL AND NEW.chain IS NOT NULL AND {UNCHANGED_PG} THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION '审计日志只能追加，不能修改或删除 (audit log is append-only)';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER units_auditevent_no_update BEFORE UPDATE OR DELETE ON units_auditevent
    FOR EACH ROW EXECUTE FUNCTION units_auditevent_append_only();
CREATE OR REPLACE FUNCTION units_auditevent_no_truncate() RETURNS trigger AS $$
BEGIN
    IF current_setting('ipcity.audit_truncate', true) = 'allow' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '审计日志只能追加，不能清空 (audit log is append-only)';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS units_auditevent_no_truncate ON units_auditevent;
CREATE TRIGGER units_auditevent_no_truncate BEFORE TRUNCATE ON units_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION units_auditevent_no_truncate();
"""
POSTGRES_BACK = """
DROP TRIGGER IF EXISTS units_auditevent_no_truncate ON units_auditevent;
DROP FUNCTION IF EXISTS units_auditevent_no_truncate();
DROP TRIGGER IF EXISTS units_auditevent_no_update ON units_auditevent;
CREATE OR REPLACE FUNCTION units_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '审计日志只能追加，不能修改或删除 (audit log is append-only)';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER units_auditevent_no_update BEFORE UPDATE OR DELETE ON units_auditevent
    FOR EACH ROW EXECUTE FUNCTION units_auditevent_append_only();
"""
# SQLite runs one statement at a time.
SQLITE_GUARD = [
    "DROP TRIGGER IF EXISTS units_auditevent_no_update",
    f"""CREATE TRIGGER units_auditevent_no_update BEFORE UPDATE ON units_auditevent
WHEN NOT (OLD.seq IS NULL AND NEW.seq IS NOT NULL AND NEW.chain IS NOT NULL AND {UNCHANGED_SQLITE})
BEGIN
    SELECT RAISE(ABORT, '审计日志只能追加，不能修改 (audit log is append-only)');
END""",
]
SQLITE_BACK = [
    "DROP TRIGGER IF EXISTS units_auditevent_no_update",
    """CREATE TRIGGER units_auditevent_no_update BEFORE UPDATE ON units_auditevent
BEGIN
    SELECT RAISE(ABORT, '审计日志只能追加，不能修改 (audit log is append-only)');
END""",
]


def _run(schema_editor, postgres: str, sqlite: list[str]) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(postgres)
    elif vendor == "sqlite":
        for statement in sqlite:
            schema_editor.execute(statement)


def guard(apps, schema_editor):
    _run(schema_editor, POSTGRES_GUARD, SQLITE_GUARD)


def unguard(apps, schema_editor):
    _run(schema_editor, POSTGRES_BACK, SQLITE_BACK)


class Migration(migrations.Migration):
    dependencies = [
        ("units", "0005_auditevent_peer_ip"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="chain",
            field=models.CharField(
                blank=True, editable=False, max_length=64, null=True, verbose_name="链哈希"
            ),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.BigIntegerField(blank=True, editable=False, null=True, verbose_name="链序号"),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(
                condition=models.Q(("seq__isnull", False)), fields=("seq",), name="audit_sealed_once"
            ),
        ),
        migrations.RunPython(guard, unguard),
    ]
