"""The audit log is append-only in the database too, not only in the ORM (core.models.AppendOnlyQuerySet).

PostgreSQL: a trigger refuses UPDATE, DELETE and TRUNCATE of core_auditevent; DELETE and TRUNCATE pass
only inside a transaction that ran `SET LOCAL jinguo.audit_purge = 'on'` (manage.py purge_audit).
SQLite: triggers refuse UPDATE always and DELETE unless the one-row gate table core_auditpurgegate is
open, which purge_audit does inside its own transaction and closes before committing.
"""

from django.db import migrations

PG_FORWARD = [
    """
    CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$
    BEGIN
        IF TG_OP IN ('DELETE', 'TRUNCATE') AND current_setting('jinguo.audit_purge', true) = 'on' THEN
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            RETURN NULL;
        END IF;
        RAISE EXCEPTION 'core_auditevent is append-only: % refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER core_auditevent_no_update_delete BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only()
    """,
    """
    CREATE TRIGGER core_auditevent_no_truncate BEFORE TRUNCATE ON core_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION core_auditevent_append_only()
    """,
]
PG_BACKWARD = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent",
    "DROP TRIGGER IF EXISTS core_auditevent_no_update_delete ON core_auditevent",
    "DROP FUNCTION IF EXISTS core_auditevent_append_only()",
]
SQLITE_FORWARD = [
    "CREATE TABLE IF NOT EXISTS core_auditpurgegate (id INTEGER PRIMARY KEY CHECK (id = 1), open INTEGER NOT NULL DEFAULT 0)",
    "INSERT OR IGNORE INTO core_auditpurgegate (id, open) VALUES (1, 0)",
    """
    CREATE TRIGGER IF NOT EXISTS core_auditevent_no_update BEFORE UPDATE ON core_auditevent
    BEGIN SELECT RAISE(ABORT, 'core_auditevent is append-only: UPDATE refused'); END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS core_auditevent_no_delete BEFORE DELETE ON core_auditevent
    WHEN COALESCE((SELECT open FROM core_auditpurgegate WHERE id = 1), 0) != 1
    BEGIN SELECT RAISE(ABORT, 'core_auditevent is append-only: DELETE refused'); END
    """,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_delete",
    "DROP TRIGGER IF EXISTS core_auditevent_no_update",
    "DROP TABLE IF EXISTS core_auditpurgegate",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql, None)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(
            _run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
