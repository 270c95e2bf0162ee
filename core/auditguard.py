"""The audit log's storage rules: append-only in the database, purged only through one privileged path.

core/migrations/0002 installs the triggers (PostgreSQL: UPDATE/DELETE/TRUNCATE refused unless the
transaction set `jinguo.audit_purge`; SQLite: UPDATE refused, DELETE refused unless the one-row gate
table core_auditpurgegate is open). On SQLite a later migration that rebuilds core_auditevent would drop
its triggers: `ensure_triggers` (run after every migrate) puts them back.
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db import connections, transaction
from django.utils.translation import gettext_lazy as _

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


def purge_before(before: dt.date, *, today: dt.date, using: str = "default") -> int:
    """Delete the audit events before `before` (local midnight) and record the purge. Returns the count.

    Refuses (ValueError with a Chinese message) a `before` later than RETENTION_MONTHS ago.
    """
    from django.utils import timezone

    from core import audit

    limit = earliest_allowed_cutoff(today)
    if before > limit:
        raise ValueError(PURGE_TOO_RECENT_MESSAGE.format(months=RETENTION_MONTHS, limit=limit.isoformat()))
    cutoff = timezone.make_aware(dt.datetime.combine(before, dt.time.min))
    conn = connections[using]
    with transaction.atomic(using=using):
        with purge_gate(using), conn.cursor() as cur:
            cur.execute("DELETE FROM core_auditevent WHERE at < %s", [cutoff])
            count = cur.rowcount
        audit.record(
            "audit_purge",
            object_type="core.auditevent",
            changes={"before": before.isoformat(), "deleted": count},
            detail=PURGE_DONE_DETAIL.format(before=before.isoformat(), count=count),
        )
    return count


def flush_with_gate(sql_flush: Any) -> Any:
    """Wrap django.core.management.sql.sql_flush so the flush passes the triggers (tests only)."""

    def wrapped(style: Any, connection: Any, *args: Any, **kwargs: Any) -> list[str]:
        statements = sql_flush(style, connection, *args, **kwargs)
        if not statements:
            return statements
        return [*gate_open_sql(connection.vendor), *statements, *gate_close_sql(connection.vendor)]

    return wrapped
