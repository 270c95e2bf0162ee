"""Who did what, when, from where: the audit trail's write side.

Who is acting comes from core.auditcontext, what a row looks like in the log from core.auditvalues (both
handed on here, so callers keep one name: `audit.acting_as`, `audit.snapshot`). Model writes of every
`TrackedModel` record themselves; other events (log-in, export, import, reads of sensitive records) call
`record(...)`. Business actions (`action`) group the row events of one service call under one entry.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from core import auditchain
from core.auditcontext import (
    COMMAND_ORIGIN,
    JOB_ORIGIN,
    AuditContext,
    acting_as,
    attributed_to,
    current,
    in_command,
)
from core.auditmodels import AuditEvent
from core.auditvalues import (
    REDACTED,
    REDACTED_CHANGED,
    changes_between,
    changes_since,
    creation,
    diff,
    jsonable,
    safe_repr,
    sensitive_state,
    snapshot,
    update,
)
from core.dbinsert import insert_values
from core.registry import audit_action_labels

__all__ = [
    "COMMAND_ORIGIN",
    "JOB_ORIGIN",
    "REDACTED",
    "REDACTED_CHANGED",
    "AuditContext",
    "acting_as",
    "action",
    "attributed_to",
    "build_event",
    "changes_between",
    "changes_since",
    "creation",
    "current",
    "current_action",
    "diff",
    "event_values",
    "in_command",
    "jsonable",
    "record",
    "record_many",
    "safe_repr",
    "sensitive_state",
    "snapshot",
    "update",
]


# ---- one business action, one entry ----------------------------------------------------------------


@dataclass
class _ActionState:
    """The business action the writes of this call belong to; its entry is written with the first row."""

    name: str
    target: models.Model | None
    entry_id: int | None = None


_action: ContextVar[_ActionState | None] = ContextVar("jinguo_audit_action", default=None)


class action:
    """Groups every audit event written inside under one entry of the business action `name`.

    As a context manager: ``with audit.action("committees.term_reelect", target=committee): ...``.
    As a decorator of a keyword-only service: ``@audit.action("committees.term_reelect", target="committee")``
    where `target` names the keyword argument (or is a callable of the keyword arguments) that holds the
    object the action is about. Without a target the first row written is the action's object.

    The entry (action = `name`, the target as object) is written just before the first row event, so an
    action that writes nothing leaves nothing, and a refused one is rolled back with its rows. Row events
    carry the entry's id in `part_of`; the audit page lists the entry and expands it to its rows. An
    action inside another joins the outermost. `label` registers the action's name in the audit log
    (core.registry.audit_action_labels).
    """

    def __init__(self, name: str, *, target: Any = None, label: Any = None) -> None:
        self.name = name
        self.target = target
        if label is not None:
            audit_action_labels.register(name, label)

    def __enter__(self) -> None:
        target = self.target if isinstance(self.target, models.Model) else None
        self._scopes = [*getattr(self, "_scopes", []), _scope(self.name, target)]
        self._scopes[-1].__enter__()

    def __exit__(self, *exc: Any) -> None:
        scope = self._scopes.pop()
        scope.__exit__(*exc)

    def __call__[F: Callable[..., Any]](self, func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with _scope(self.name, self._target_of(kwargs)):
                return func(*args, **kwargs)

        wrapper.audit_action = self.name  # type: ignore[attr-defined]  # read by the test that names match
        return wrapper  # type: ignore[return-value]

    def _target_of(self, kwargs: dict[str, Any]) -> models.Model | None:
        if isinstance(self.target, str):
            found = kwargs.get(self.target)
        elif callable(self.target):
            found = self.target(kwargs)
        else:
            found = self.target
        return found if isinstance(found, models.Model) else None


@contextlib.contextmanager
def _scope(name: str, target: models.Model | None) -> Iterator[None]:
    outer = _action.get()
    if outer is not None:
        # Joins the outermost action; an entry first written in here goes if the block fails (rolled back).
        had_entry = outer.entry_id is not None
        try:
            yield
        except BaseException:
            if not had_entry:
                outer.entry_id = None
            raise
        return
    token = _action.set(_ActionState(name, target))
    try:
        with transaction.atomic():
            yield
    finally:
        _action.reset(token)


def current_action() -> str | None:
    """The name of the business action the writes belong to now, if any."""
    state = _action.get()
    return state.name if state is not None else None


def _part_of(first_row: dict[str, Any], context: AuditContext | None) -> int | None:
    """The id of the current action's entry, written now if this is its first row; None outside actions."""
    state = _action.get()
    if state is None:
        return None
    if state.entry_id is None:
        target = state.target
        values = _values(
            state.name,
            obj=target,
            object_type="" if target is not None else first_row["object_type"],
            object_id=None if target is not None else (first_row["object_id"] or None),
            object_repr="" if target is not None else first_row["object_repr"],
            federation_id=None if target is not None else first_row["federation_id"],
            context=context,
        )
        entry = AuditEvent(**values)
        entry.save(force_insert=True)
        state.entry_id = entry.pk
    return state.entry_id


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
    event = build_event(
        action,
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        changes=changes,
        result=result,
        federation_id=federation_id,
        actor=actor,
        ip=ip,
        detail=detail,
    )
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
    return AuditEvent(
        **event_values(
            action,
            obj=obj,
            object_type=object_type,
            object_id=object_id,
            object_repr=object_repr,
            changes=changes,
            result=result,
            federation_id=federation_id,
            actor=actor,
            ip=ip,
            detail=detail,
        )
    )


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
    """The field values of one event: who (the actor, else the context's), what, where from, and the
    business action it is part of (its entry written first if this is the action's first row)."""
    ctx = context if context is not None else current()
    values = _values(
        action,
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        changes=changes,
        result=result,
        federation_id=federation_id,
        actor=actor,
        ip=ip,
        detail=detail,
        context=ctx,
        jsonable_changes=jsonable_changes,
    )
    values["part_of"] = _part_of(values, ctx)
    return values


def _values(
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
    ctx = context
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
        object_repr = object_repr or safe_repr(obj)
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
        "origin": (ctx.origin if ctx else "")[:100],
        "detail": detail[:500],
    }


def record_many(events: Iterable[dict[str, Any]], *, jsonable_changes: bool = False) -> int:
    """Append many events at once, for the bulk paths of the services (the ledger import).

    Each item holds `record`'s arguments (`action` included); the events are the ones `record` would
    write, inserted in batches. `jsonable_changes`: the changes are JSON-able already (`creation`,
    `update` of snapshots). Returns how many were written.
    """
    ctx = current()
    now = timezone.now()
    with auditchain.in_transaction():
        # The values first (a business action's entry is written by the first of them), then the batch
        # sealed onto the chain with one read of its head, then inserted.
        rows = []
        shared: dict[str, Any] | None = None  # what the row events of the bulk paths share
        part_of: Any = _UNSET
        for item in events:
            obj = item.get("obj")
            if obj is None or item.keys() - _ROW_EVENT_KEYS:
                rows.append({"at": now, **event_values(**item, context=ctx, jsonable_changes=jsonable_changes)})
                continue
            # A row event (action, obj, changes): the same values as event_values gives, without working
            # out again per row what the batch shares (who, from where, the action's entry).
            if shared is None:
                shared = _values("", context=ctx)
                for name in ("action", "object_type", "object_id", "object_repr", "changes", "federation_id"):
                    shared.pop(name)
            changes = item.get("changes")
            values = {
                "at": now,
                **shared,
                "action": item["action"],
                "object_type": obj._meta.label_lower,
                "object_id": "" if obj.pk is None else str(obj.pk),
                "object_repr": safe_repr(obj)[:200],
                "changes": (changes or {}) if jsonable_changes else jsonable(changes or {}),
                "federation_id": getattr(obj, "federation_id", None),
            }
            if part_of is _UNSET:
                part_of = _part_of(values, ctx)
            values["part_of"] = part_of
            rows.append(values)
        if not rows:
            return 0
        return insert_values(AuditEvent, auditchain.assign(rows))


_ROW_EVENT_KEYS = frozenset({"action", "obj", "changes"})
_UNSET = object()
