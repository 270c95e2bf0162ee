"""Who is acting: the actor, address and origin that every audit event of a request, command or job carries.

Requests set it through core.middleware.AuditContextMiddleware; commands and jobs use `acting_as(...)`.
The ground floor of the audit trail: it imports nothing of the project.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class AuditContext:
    user_id: int | None
    username: str
    ip: str | None
    source: str  # web, api, command, job
    # Where a write came from when there is no address: "命令行：load_demo", "后台任务：ledger_import".
    origin: str = ""


_context: ContextVar[AuditContext | None] = ContextVar("jinguo_audit_context", default=None)


def current() -> AuditContext | None:
    return _context.get()


@contextlib.contextmanager
def acting_as(
    user: Any | None, *, ip: str | None = None, source: str = "command", origin: str | None = None
) -> Iterator[None]:
    """Attribute the writes inside the block to `user` (None for the system itself). The source address
    and origin not given are the enclosing context's (a request's address, a command's name)."""
    outer = current()
    if ip is None and outer is not None:
        ip = outer.ip
    if origin is None:
        origin = outer.origin if outer is not None else ""
    if user is not None and getattr(user, "is_authenticated", False):
        ctx = AuditContext(user.pk, user.get_username(), ip, source, origin)
    else:
        ctx = AuditContext(None, "system" if user is None else "anonymous", ip, source, origin)
    token = _context.set(ctx)
    try:
        yield
    finally:
        _context.reset(token)


@contextlib.contextmanager
def in_command(name: str) -> Iterator[None]:
    """The writes of a management command: no address, the origin "命令行：<name>" (core.apps wraps every
    command's execute in this)."""
    with acting_as(None, source="command", origin=f"{COMMAND_ORIGIN}：{name}"):
        yield


COMMAND_ORIGIN = "命令行"
JOB_ORIGIN = "后台任务"


@contextlib.contextmanager
def attributed_to(acting_user: Any | None) -> Iterator[None]:
    """For services: attribute the writes to `acting_user` when given, else keep the caller's context."""
    if acting_user is None:
        yield
        return
    context = current()
    with acting_as(acting_user, source=context.source if context else "web"):
        yield
