"""Test helpers for the replica alias (core.replica): which alias each statement went to, and waiting for a
streaming replica to replay what the primary has written."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import OperationalError, connections

from core.replica import PRIMARY, REPLICA


@dataclass
class Statements:
    """The SQL each alias ran while `on_each_alias()` was open."""

    primary: list[str] = field(default_factory=list)
    replica: list[str] = field(default_factory=list)

    def touched(self, alias: str, table: str) -> bool:
        return any(table in sql for sql in (self.primary if alias == PRIMARY else self.replica))

    def writes(self, alias: str) -> list[str]:
        return [
            sql for sql in (self.primary if alias == PRIMARY else self.replica)
            if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        ]


def _recorder(into: list[str]) -> Callable[..., Any]:
    def record(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        into.append(sql)
        return execute(sql, params, many, context)

    return record


@contextmanager
def on_each_alias() -> Iterator[Statements]:
    """Records every statement of the primary and of the replica alias inside the block."""
    seen = Statements()
    with connections[PRIMARY].execute_wrapper(_recorder(seen.primary)), \
            connections[REPLICA].execute_wrapper(_recorder(seen.replica)):
        yield seen


def is_streaming_replica() -> bool:
    """Whether the replica alias is a real standby (PostgreSQL in recovery), not the primary under a second name."""
    if REPLICA not in connections.databases or connections[REPLICA].vendor != "postgresql":
        return False
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        return bool(cursor.fetchone()[0])


def primary_lsn() -> str:
    with connections[PRIMARY].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        return str(cursor.fetchone()[0])


def replica_caught_up(timeout: float = 30.0) -> float:
    """Waits until the replica has replayed the primary's WAL up to now; returns the seconds it took.

    A no-op (0.0) when the replica alias is not a standby. Raises AssertionError after `timeout` seconds.
    The test database may not exist on the replica yet (its CREATE DATABASE not replayed): retried too.
    """
    if REPLICA not in connections.databases or connections[REPLICA].vendor != "postgresql":
        return 0.0
    target = primary_lsn()
    started = time.monotonic()
    last = "no answer"
    while True:
        try:
            with connections[REPLICA].cursor() as cursor:
                cursor.execute(
                    "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text,"
                    " coalesce(pg_last_wal_replay_lsn() >= %s::pg_lsn, false)",
                    [target],
                )
                in_recovery, replayed, done = cursor.fetchone()
            if not in_recovery or done:
                return time.monotonic() - started
            last = f"replayed {replayed}"
        except OperationalError as error:
            connections[REPLICA].close()
            last = str(error).strip()
        if time.monotonic() - started > timeout:
            raise AssertionError(f"the replica did not replay the primary's WAL up to {target} in {timeout:.0f} s ({last})")
        time.sleep(0.02)
