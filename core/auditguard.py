"""The audit log's storage rules: append-only in the database, purged only through one privileged path.

core/migrations/0002 installs the triggers (PostgreSQL: UPDATE/DELETE/TRUNCATE refused unless the
transaction set `jinguo.audit_purge`; SQLite: UPDATE refused, DELETE refused unless the one-row gate
table core_auditpurgegate is open). On SQLite a later migration that rebuilds core_auditevent would drop
its triggers: `ensure_triggers` (run after every migrate) puts them back.

The triggers stop honest code only: whoever can open the gate or drop a trigger can delete. What makes
that visible is the hash chain (core.auditchain): a purge deletes the oldest stretch of the chain and
leaves a sealed anchor. What stops it on PostgreSQL is the grants (manage.py pg_roles_setup): the
application's role may not DELETE, and purges through `core_audit_purge`, the owner's SECURITY DEFINER
function (`pg_purge_function`, installed by core/migrations/0010).
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db import connections, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import audit, auditchain, auditverify
from core.auditmodels import AuditAnchor

RETENTION_MONTHS = 6

PURGE_TOO_RECENT_MESSAGE = _("审计日志至少保留 {months} 个月：清理日期不得晚于 {limit}。")
PURGE_DONE_DETAIL = "清理 {before} 之前的审计日志 {count} 条"

SQLITE_TRIGGERS = [
    "CREATE TABLE IF NOT EXISTS core_auditpurgegate "
    "(id INTEGER PRIMARY KEY CHECK (id = 1), open INTEGER NOT NULL DEFAULT 0)",
    "INSERT OR IGNORE INTO core_auditpurgegate (id, open) VALUES (1, 0)",
    "CREATE TRIGGER IF NOT EXISTS core_auditevent_no_update BEFORE UPDATE ON core_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'core_auditevent is append-only: UPDATE refused'); END",
    "CREATE TRIGGER IF NOT EXISTS core_auditevent_no_delete BEFORE DELETE ON core_auditevent "
    "WHEN COALESCE((SELECT open FROM core_auditpurgegate WHERE id = 1), 0) != 1 "
    "BEGIN SELECT RAISE(ABORT, 'core_auditevent is append-only: DELETE refused'); END",
]


def ensure_triggers(using: str = "default", **_: Any) -> None:
    """Re-create the SQLite triggers if a table rebuild dropped them (PostgreSQL keeps its own)."""
    conn = connections[using]
    if conn.vendor != "sqlite" or "core_auditevent" not in conn.introspection.table_names():
        return
    with conn.cursor() as cur:
        for sql in SQLITE_TRIGGERS:
            cur.execute(sql)


def gate_open_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return ["SET LOCAL jinguo.audit_purge = 'on'"]
    if vendor == "sqlite":
        return ["UPDATE core_auditpurgegate SET open = 1 WHERE id = 1"]
    return []


def gate_close_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return ["SET LOCAL jinguo.audit_purge = 'off'"]
    if vendor == "sqlite":
        return ["UPDATE core_auditpurgegate SET open = 0 WHERE id = 1"]
    return []


@contextlib.contextmanager
def purge_gate(using: str = "default") -> Iterator[None]:
    """Inside one transaction: open the gate, run the block, close the gate (closed on error too)."""
    conn = connections[using]
    with transaction.atomic(using=using):
        with conn.cursor() as cur:
            for sql in gate_open_sql(conn.vendor):
                cur.execute(sql)
        try:
            yield
        finally:
            with conn.cursor() as cur:
                for sql in gate_close_sql(conn.vendor):
                    cur.execute(sql)


def months_ago(today: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months earlier (clamped to the month's last day)."""
    y, m = divmod(today.year * 12 + today.month - 1 - months, 12)
    m += 1
    return dt.date(y, m, min(today.day, calendar.monthrange(y, m)[1]))


def earliest_allowed_cutoff(today: dt.date) -> dt.date:
    return months_ago(today, RETENTION_MONTHS)


PURGE_PROBLEMS_MESSAGE = _(
    "审计日志校验未通过（{summary}），为保留证据不予清理：请先运行 verify_audit 查明；"
    "确认后可加 --accept-problems 清理，问题将记入本次清理的审计记录。"
)


def purge_range(cutoff: Any, using: str = "default") -> tuple[int, str, int] | None:
    """(seq, chain, count) of the last event a purge before `cutoff` deletes, and how many it deletes:
    the oldest stretch of the chain whose events are all older than the cutoff (a prefix, so that the
    chain still verifies from the purge's anchor); None when nothing goes."""
    conn = connections[using]
    with conn.cursor() as cur:
        cur.execute("SELECT MIN(seq) FROM core_auditevent WHERE at >= %s", [cutoff])
        (young,) = cur.fetchone()
        if young is None:
            cur.execute("SELECT seq, chain FROM core_auditevent ORDER BY seq DESC LIMIT 1")
        else:
            cur.execute(
                "SELECT seq, chain FROM core_auditevent WHERE seq < %s ORDER BY seq DESC LIMIT 1", [young]
            )
        row = cur.fetchone()
        if row is None:
            return None
        cur.execute("SELECT COUNT(*) FROM core_auditevent WHERE seq <= %s", [row[0]])
        return int(row[0]), str(row[1]), int(cur.fetchone()[0])


def has_purge_function(using: str = "default") -> bool:
    conn = connections[using]
    if conn.vendor != "postgresql":
        return False
    with conn.cursor() as cur:
        cur.execute("SELECT to_regprocedure('core_audit_purge(bigint)') IS NOT NULL")
        return bool(cur.fetchone()[0])


def purge_before(
    before: dt.date, *, today: dt.date, using: str = "default", accept_problems: bool = False
) -> int:
    """Delete the audit events before `before` (local midnight) and record the purge. Returns the count.

    Refuses (ValueError with a Chinese message) a `before` later than RETENTION_MONTHS ago, and a purge
    of a stretch of the chain that does not verify (its evidence would go with it) unless
    `accept_problems`, when the problems are written into the purge's own event. Deletes the oldest
    stretch of the chain (core.auditchain) whose events are all older than the cutoff, after recording
    its anchor; on PostgreSQL through the SECURITY DEFINER function core_audit_purge when it exists
    (the application's role may not delete: manage.py pg_roles_setup), else through the purge gate.
    """
    limit = earliest_allowed_cutoff(today)
    if before > limit:
        raise ValueError(PURGE_TOO_RECENT_MESSAGE.format(months=RETENTION_MONTHS, limit=limit.isoformat()))
    cutoff = timezone.make_aware(dt.datetime.combine(before, dt.time.min))
    conn = connections[using]
    changes: dict[str, Any] = {"before": before.isoformat(), "deleted": 0}
    with transaction.atomic(using=using):
        auditchain.head(using)  # the chain's lock (PostgreSQL; SQLite's write transaction holds it already)
        found = purge_range(cutoff, using)
        count = 0
        if found is not None:
            upto, last_chain, count = found
            report = auditverify.verify(using, upto=upto)
            if not report.ok:
                if not accept_problems:
                    raise ValueError(PURGE_PROBLEMS_MESSAGE.format(summary=report.summary))
                changes["problems"] = [p.message for p in report.problems[:50]]
                changes["problem_count"] = report.problem_count
            anchor = {
                "seq": upto,
                "chain": last_chain,
                "purged_before": before,
                "deleted": count,
                "at": timezone.now(),
            }
            AuditAnchor.objects.using(using).create(**anchor, mac=auditchain.anchor_mac(anchor))
            with conn.cursor() as cur:
                if has_purge_function(using):
                    cur.execute("SELECT core_audit_purge(%s)", [upto])
                    count = int(cur.fetchone()[0])
                else:
                    with purge_gate(using):
                        cur.execute("DELETE FROM core_auditevent WHERE seq <= %s", [upto])
                        count = cur.rowcount
            changes.update(deleted=count, upto=upto)
        audit.record(
            "audit_purge",
            object_type="core.auditevent",
            changes=changes,
            detail=PURGE_DONE_DETAIL.format(before=before.isoformat(), count=count),
        )
    return count


def pg_purge_function(schema: str = "public") -> str:
    """The purge function of PostgreSQL: runs as its owner (SECURITY DEFINER), deletes the events up to
    `upto` only when none of them is younger than RETENTION_MONTHS and the purge's anchor is recorded,
    and passes the append-only trigger for that DELETE alone. The application's role may EXECUTE it and
    may not DELETE (manage.py pg_roles_setup)."""
    quoted = '"' + schema.replace('"', '""') + '"'
    return f"""
CREATE OR REPLACE FUNCTION {quoted}.core_audit_purge(upto bigint) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {quoted}, pg_temp AS $$
DECLARE
    deleted bigint;
    last_chain varchar;
BEGIN
    PERFORM pg_advisory_xact_lock({auditchain.PG_LOCK_KEY});
    IF EXISTS (SELECT 1 FROM {quoted}.core_auditevent
               WHERE seq <= upto AND at >= now() - interval '{RETENTION_MONTHS} months') THEN
        RAISE EXCEPTION 'core_audit_purge: events of the last {RETENTION_MONTHS} months are kept'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT chain INTO last_chain FROM {quoted}.core_auditevent WHERE seq <= upto ORDER BY seq DESC LIMIT 1;
    IF last_chain IS NULL THEN
        RETURN 0;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM {quoted}.core_auditanchor a WHERE a.seq = upto AND a.chain = last_chain) THEN
        RAISE EXCEPTION 'core_audit_purge: no anchor recorded for seq %', upto
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    PERFORM set_config('jinguo.audit_purge', 'on', true);
    DELETE FROM {quoted}.core_auditevent WHERE seq <= upto;
    GET DIAGNOSTICS deleted = ROW_COUNT;
    PERFORM set_config('jinguo.audit_purge', 'off', true);
    RETURN deleted;
END
$$
"""  # noqa: S608 - the schema is quoted as an identifier; the rest are constants


def flush_with_gate(sql_flush: Any) -> Any:
    """Wrap django.core.management.sql.sql_flush so the flush passes the triggers (tests only)."""

    def wrapped(style: Any, connection: Any, *args: Any, **kwargs: Any) -> list[str]:
        statements = sql_flush(style, connection, *args, **kwargs)
        if not statements:
            return statements
        return [*gate_open_sql(connection.vendor), *statements, *gate_close_sql(connection.vendor)]

    return wrapped
