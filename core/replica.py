"""Reads on a streaming replica (PostgreSQL), writes and read-your-own-writes on the primary.

Active only when the settings define a database alias `replica` (DATABASE_REPLICA_URL) and install
`ReplicaRouter` and `ReplicaMiddleware`. Then:

* a request by a safe method (GET, HEAD, OPTIONS) reads from the replica: its pages and API reads;
* every write goes to the primary, and from the first write on, the rest of that request reads the
  primary too; so does everything inside a transaction on the primary (a service's checks read what it
  is about to change, under its locks);
* after a request that may have written (POST, PUT, PATCH, DELETE) the answer sets a short-lived cookie,
  and the same browser's requests read the primary until it expires: a user sees their own write at once,
  even while the replica is a moment behind;
* background jobs, commands and anything outside a request read the primary.

Domain-free: no app's model is named here.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
PRIMARY = "default"
COOKIE = "jinguo_primary"
# How long a browser reads the primary after it wrote (longer than the replica's usual lag).
STICKY_SECONDS = 10
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Always read and written on the primary, and their writes do not make a request "one that wrote"
# (requests renew their session; a session read from a lagging replica would log a user out).
PRIMARY_ONLY = frozenset({"sessions.session"})

_reading: contextvars.ContextVar[str] = contextvars.ContextVar("jinguo_replica_reading", default=PRIMARY)


def reads_from() -> str:
    """The alias reads go to now (outside a transaction on the primary)."""
    if _reading.get() != REPLICA or REPLICA not in connections.databases:
        return PRIMARY
    if connections[PRIMARY].in_atomic_block:
        return PRIMARY
    return REPLICA


@contextmanager
def replica_reads() -> Iterator[None]:
    """Reads inside the block go to the replica (until a write pins them to the primary)."""
    token = _reading.set(REPLICA)
    try:
        yield
    finally:
        _reading.reset(token)


class ReplicaRouter:
    """DATABASE_ROUTERS entry: reads as `reads_from()` says, writes and migrations on the primary."""

    def db_for_read(self, model: Any, **hints: Any) -> str:
        return PRIMARY if model._meta.label_lower in PRIMARY_ONLY else reads_from()

    def db_for_write(self, model: Any, **hints: Any) -> str:
        if model._meta.label_lower not in PRIMARY_ONLY:
            _reading.set(PRIMARY)  # the rest of this request reads what it wrote
        return PRIMARY

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # one database, two copies of it

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db != REPLICA


class ReplicaMiddleware:
    """Safe requests of a browser that has not just written read the replica; writing requests mark it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in SAFE_METHODS and COOKIE not in request.COOKIES:
            with replica_reads():
                return self.get_response(request)
        token = _reading.set(PRIMARY)
        try:
            response = self.get_response(request)
        finally:
            _reading.reset(token)
        if request.method not in SAFE_METHODS:
            response.set_cookie(
                COOKIE, "1", max_age=STICKY_SECONDS, httponly=True, samesite="Lax", secure=request.is_secure()
            )
        return response
