"""Who did what, when, from where: the audit trail's write side.

Requests set the actor through core.middleware.AuditContextMiddleware; commands and jobs use
`acting_as(...)`. Model writes of every `TrackedModel` record themselves; other events (log-in, export,
import, reads of sensitive records) call `record(...)`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import uuid
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import timezone


@dataclass(frozen=True)
class AuditContext:
    user_id: int | None
    username: str
    ip: str | None
    source: str  # web, api, command, job


_context: ContextVar[AuditContext | None] = ContextVar("jinguo_audit_context", default=None)


def current() -> AuditContext | None:
    return _context.get()


@contextlib.contextmanager
def acting_as(user: Any | None, *, ip: str | None = None, source: str = "command") -> Iterator[None]:
    """Attribute the writes inside the block to `user` (None for the system itself)."""
    if user is not None and getattr(user, "is_authenticated", False):
        ctx = AuditContext(user.pk, user.get_username(), ip, source)
    else:
        ctx = AuditContext(None, "system" if user is None else "anonymous", ip, source)
    token = _context.set(ctx)
    try:
        yield
    finally:
        _context.reset(token)


@contextlib.contextmanager
def attributed_to(acting_user: Any | None) -> Iterator[None]:
    """For services: attribute the writes to `acting_user` when given, else keep the caller's context."""
    if acting_user is None:
        yield
        return
    context = current()
    with acting_as(acting_user, source=context.source if context else "web"):
        yield


_PLAIN = (type(None), bool, int, float, str)


def jsonable(value: Any) -> Any:
    if type(value) in _PLAIN or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return str(value)


REDACTED = "***"


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The concrete field values of `obj` as JSON-able data, sensitive fields masked."""
    data: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        # A confidential field is read as stored (sealed): the audit log never decrypts.
        value = obj.__dict__.get(f.attname) if getattr(f, "confidential", False) else getattr(obj, f.attname)
        data[f.attname] = REDACTED if getattr(f, "sensitive", False) and value not in (None, "") else jsonable(value)
    return data


REDACTED_CHANGED = "***（已修改）"


def changes_between(old: models.Model, new: models.Model) -> dict[str, list[Any]]:
    """{field: [old, new]} between two states of one row; a changed sensitive field is marked, not shown."""
    changes = diff(snapshot(old), snapshot(new))
    for f in new._meta.concrete_fields:
        if getattr(f, "sensitive", False) and _stored(old, f) != _stored(new, f):
            changes[f.attname] = [REDACTED, REDACTED_CHANGED]
    return changes


def _stored(obj: models.Model, f: Any) -> Any:
    """A field's value for comparison; a confidential one by its ciphertext, a new value as typed."""
    if not getattr(f, "confidential", False):
        return getattr(obj, f.attname)
    value = obj.__dict__.get(f.attname)
    return getattr(value, "token", value)


def diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields that differ."""
    return {k: [old.get(k), v] for k, v in new.items() if old.get(k) != v}


def record(
    action: str,
    *,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int | None = None,
    object_repr: str = "",
    changes: dict[str, Any] | None = None,
    result: str = "success",
    federation_id: int | None = None,
    actor: Any | None = None,
    ip: str | None = None,
    detail: str = "",
) -> Any:
    """Append one event to the audit log."""
    event = build_event(action, obj=obj, object_type=object_type, object_id=object_id, object_repr=object_repr,
                        changes=changes, result=result, federation_id=federation_id, actor=actor, ip=ip,
                        detail=detail)
    event.save(force_insert=True)
    return event


def build_event(
    action: str,
    *,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int | None = None,
    object_repr: str = "",
    changes: dict[str, Any] | None = None,
    result: str = "success",
    federation_id: int | None = None,
    actor: Any | None = None,
    ip: str | None = None,
    detail: str = "",
) -> Any:
    """The event `record` appends, built but not saved."""
    from core.models import AuditEvent

    return AuditEvent(**event_values(action, obj=obj, object_type=object_type, object_id=object_id,
                                     object_repr=object_repr, changes=changes, result=result,
                                     federation_id=federation_id, actor=actor, ip=ip, detail=detail))


def event_values(
    action: str,
    *,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int | None = None,
    object_repr: str = "",
    changes: dict[str, Any] | None = None,
    result: str = "success",
    federation_id: int | None = None,
    actor: Any | None = None,
    ip: str | None = None,
    detail: str = "",
    context: AuditContext | None = None,
    jsonable_changes: bool = False,
) -> dict[str, Any]:
    """The field values of one event: who (the actor, else the context's), what, where from."""
    ctx = context if context is not None else current()
    if actor is not None and getattr(actor, "is_authenticated", False):
        actor_id, actor_name = actor.pk, actor.get_username()
    elif actor is not None and isinstance(actor, str):
        actor_id, actor_name = None, actor
    elif ctx is not None:
        actor_id, actor_name = ctx.user_id, ctx.username
    else:
        actor_id, actor_name = None, "system"
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = obj.pk if object_id is None else object_id
        object_repr = object_repr or str(obj)[:200]
        if federation_id is None:
            federation_id = getattr(obj, "federation_id", None)
    return {
        "actor_id": actor_id,
        "actor_name": actor_name[:150],
        "action": action,
        "object_type": object_type,
        "object_id": "" if object_id is None else str(object_id),
        "object_repr": object_repr[:200],
        "changes": (changes or {}) if jsonable_changes else jsonable(changes or {}),
        "result": result,
        "federation_id": federation_id,
        "ip": ip if ip is not None else (ctx.ip if ctx else None),
        "source": ctx.source if ctx else "system",
        "detail": detail[:500],
    }


def record_many(events: Iterable[dict[str, Any]], *, jsonable_changes: bool = False) -> int:
    """Append many events at once, for the bulk paths of the services (the ledger import).

    Each item holds `record`'s arguments (`action` included); the events are the ones `record` would
    write, inserted in batches. `jsonable_changes`: the changes are JSON-able already (`creation`,
    `update` of snapshots). Returns how many were written.
    """
    from core.bulk import insert_values
    from core.models import AuditEvent

    ctx = current()
    now = timezone.now()
    return insert_values(AuditEvent, ({"at": now, **event_values(**item, context=ctx, jsonable_changes=jsonable_changes)}
                                      for item in events))


def creation(obj: models.Model) -> dict[str, Any]:
    """The event a TrackedModel writes when `obj` is created, as `record_many` takes it."""
    return {"action": "create", "obj": obj, "changes": {k: [None, v] for k, v in snapshot(obj).items()}}


def update(obj: models.Model, changes: dict[str, Any]) -> dict[str, Any]:
    """The event a TrackedModel writes when `obj` changed by `changes` ({field: [old, new]})."""
    return {"action": "update", "obj": obj, "changes": changes}
