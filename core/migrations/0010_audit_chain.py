"""The audit log's keyed hash chain (core.auditchain): seq, mac and chain on every event, the anchors of
purges, and on PostgreSQL the chain head's function (lock, then read) and the purge function.

Existing events are sealed in the order they were written (by id), seq 1, 2, 3, …; the append-only
triggers are lifted for that one UPDATE pass (SQLite: the UPDATE trigger dropped and re-created;
PostgreSQL: the trigger disabled inside this migration's transaction) and are back before it ends.
"""

import django.utils.timezone
from django.db import migrations, models

from core import auditchain
from core.auditguard import SQLITE_TRIGGERS, pg_purge_function

SQLITE_NO_UPDATE = "DROP TRIGGER IF EXISTS core_auditevent_no_update"
PG_TRIGGER = "core_auditevent_no_update_delete"


def seal_existing(apps, schema_editor):
    conn = schema_editor.connection
    AuditEvent = apps.get_model("core", "AuditEvent")
    events = AuditEvent.objects.using(conn.alias).order_by("id")
    if not events.exists():
        return
    key = auditchain.chain_key()
    fields = [f for f in auditchain.SEALED_FIELDS if f != "seq"]
    with conn.cursor() as cur:
        if conn.vendor == "sqlite":
            cur.execute(SQLITE_NO_UPDATE)
        elif conn.vendor == "postgresql":
            cur.execute(f"ALTER TABLE core_auditevent DISABLE TRIGGER {PG_TRIGGER}")
        previous, seq, batch = auditchain.GENESIS, 0, []
        for values in events.values("id", *fields).iterator(chunk_size=2000):
            seq += 1
            values["seq"] = seq
            mac = auditchain.event_mac(values, key)
            previous = auditchain.link(previous, mac, key)
            batch.append((seq, mac, previous, values["id"]))
            if len(batch) >= 2000:
                cur.executemany("UPDATE core_auditevent SET seq = %s, mac = %s, chain = %s WHERE id = %s", batch)
                batch = []
        if batch:
            cur.executemany("UPDATE core_auditevent SET seq = %s, mac = %s, chain = %s WHERE id = %s", batch)
        if conn.vendor == "sqlite":
            for sql in SQLITE_TRIGGERS:
                cur.execute(sql)
        elif conn.vendor == "postgresql":
            cur.execute(f"ALTER TABLE core_auditevent ENABLE TRIGGER {PG_TRIGGER}")


def restore_triggers(apps, schema_editor):
    # SQLite rebuilt the table for the NOT NULL and UNIQUE of seq: its triggers went with the old one.
    if schema_editor.connection.vendor == "sqlite":
        with schema_editor.connection.cursor() as cur:
            for sql in SQLITE_TRIGGERS:
                cur.execute(sql)


def pg_functions(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(auditchain.PG_HEAD_FUNCTION, None)
        with schema_editor.connection.cursor() as cur:
            cur.execute("SELECT current_schema()")
            (schema,) = cur.fetchone()
        schema_editor.execute(pg_purge_function(schema), None)


def pg_functions_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS core_audit_purge(bigint)", None)
        schema_editor.execute("DROP FUNCTION IF EXISTS core_auditevent_chain_head()", None)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0009_auditevent_origin"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditAnchor",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("seq", models.BigIntegerField(unique=True, verbose_name="已清理至序号")),
                ("chain", models.CharField(max_length=64, verbose_name="链值")),
                ("purged_before", models.DateField(verbose_name="清理日期")),
                ("deleted", models.BigIntegerField(default=0, verbose_name="清理条数")),
                ("at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="时间")),
                ("mac", models.CharField(max_length=64, verbose_name="校验值")),
            ],
            options={
                "verbose_name": "审计日志清理记录",
                "verbose_name_plural": "审计日志清理记录",
                "ordering": ["-seq"],
            },
        ),
        # Nullable first (SQLite adds such a column in place, its triggers kept), sealed, then required.
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.BigIntegerField(editable=False, null=True, verbose_name="序号"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="mac",
            field=models.CharField(editable=False, max_length=64, null=True, verbose_name="校验值"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="chain",
            field=models.CharField(editable=False, max_length=64, null=True, verbose_name="链值"),
        ),
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditevent",
            name="seq",
            field=models.BigIntegerField(editable=False, unique=True, verbose_name="序号"),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="mac",
            field=models.CharField(editable=False, max_length=64, verbose_name="校验值"),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="chain",
            field=models.CharField(editable=False, max_length=64, verbose_name="链值"),
        ),
        migrations.RunPython(restore_triggers, migrations.RunPython.noop),
        migrations.RunPython(pg_functions, pg_functions_drop),
    ]
