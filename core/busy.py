"""Small writes that a read-only request may skip rather than wait for another writer.

A session's renewal (core.sessions) and a token's last use (accounts.services.token_touch) are writes
made by requests that only read: on SQLite they queued behind the one writer, so that during a ledger
import of several seconds a page that happened to renew its session waited for the whole import. They
can as well be made by the next request: `try_write` runs them without waiting for SQLite's write lock
and reports whether it did. PostgreSQL locks rows, not the database: there they run as usual.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, OperationalError, connections


def try_write(write: Callable[[], Any], *, using: Any = DEFAULT_DB_ALIAS) -> bool:
    """Runs `write` unless another connection holds SQLite's write lock; False if it was skipped.

    `using` is an alias or a connection. Inside a transaction the lock is already ours or awaited by
    its BEGIN: `write` just runs.
    """
    conn = connections[using] if isinstance(using, str) else using
    if conn.vendor != "sqlite" or conn.in_atomic_block:
        write()
        return True
    conn.ensure_connection()
    with conn.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        (waits,) = cursor.fetchone()
        cursor.execute("PRAGMA busy_timeout = 0")
    try:
        write()
    except OperationalError as refused:
        if "locked" not in str(refused) and "busy" not in str(refused):
            raise
        return False
    finally:
        with conn.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {int(waits)}")
    return True
