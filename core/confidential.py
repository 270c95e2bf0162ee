"""Confidential records (a hotline case): no query outside an active scope, no decryption undeclared.

Two safety nets beside the scoping rules, for the few models whose contents only the fewest may read
(pretix's django-scopes is the model for the first):

1. A confidential model's manager refuses to query unless a scope is active. Every request activates
   its user's scope (core.middleware.AuditContextMiddleware); a job or a command enters
   `system_scope(reason)` explicitly, which is itself recorded in the audit log. A query that forgot
   both raises `ScopeError` instead of silently reading every row.

2. Its confidential fields (core.fields.ConfidentialTextField / ConfidentialCharField) load sealed: the
   ciphertext stays in memory and reading the attribute raises `ConfidentialAccessError`, unless the
   code declared the read with `reading(purpose)` (a view, a service, an export). Inside, the first
   access of each field of each row decrypts it and records a `decrypt` event in the audit log naming
   the row and the purpose, never the contents. A list page that only shows masked identities needs
   no declaration, and cannot decrypt by accident.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, Self

from django.db import models

from core import audit
from core.scoping import Scope, ScopedQuerySet, scope_for


class ScopeError(RuntimeError):
    """A confidential model was queried with no scope active (a request, or an explicit system scope)."""


class ConfidentialAccessError(PermissionError):
    """A confidential field was read outside a declared read (core.confidential.reading)."""


SYSTEM_SCOPE = Scope(user_id=0, is_superuser=True)

# The active scope: a Scope, or a callable that yields one on first use (a request's lazy user).
_active: ContextVar[Scope | Callable[[], Scope] | None] = ContextVar("jinguo_active_scope", default=None)


@dataclass
class _Read:
    purpose: str
    decrypted: set[tuple[str, Any, str]] = field(default_factory=set)


_reading: ContextVar[_Read | None] = ContextVar("jinguo_confidential_read", default=None)


def active_scope() -> Scope | None:
    value = _active.get()
    if value is None or isinstance(value, Scope):
        return value
    resolved = value()
    _active.set(resolved)
    return resolved


@contextlib.contextmanager
def activate(scope_or_user: Any) -> Iterator[None]:
    """Makes a scope active for the block: a Scope, a user, or a callable returning a Scope (lazy)."""
    value: Any = scope_or_user if isinstance(scope_or_user, Scope) or callable(scope_or_user) else scope_for(
        scope_or_user)
    token = _active.set(value)
    try:
        yield
    finally:
        _active.reset(token)


@contextlib.contextmanager
def system_scope(reason: str) -> Iterator[Scope]:
    """A job or command that must reach confidential rows says why; the entry is in the audit log."""
    audit.record("system_scope", object_type="core.confidential", object_repr=reason[:200], detail=reason[:500])
    token = _active.set(SYSTEM_SCOPE)
    try:
        yield SYSTEM_SCOPE
    finally:
        _active.reset(token)


@contextlib.contextmanager
def reading(purpose: str) -> Iterator[None]:
    """Declares that the block decrypts confidential fields for `purpose` (a short Chinese phrase)."""
    outer = _reading.get()
    token = _reading.set(outer if outer is not None else _Read(purpose))
    try:
        yield
    finally:
        _reading.reset(token)


def reads_confidential(purpose: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator form of `reading`, for a view function, a view method or a service."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with reading(purpose):
                return func(*args, **kwargs)

        return wrapper

    return decorate


def note_decryption(obj: models.Model, field_name: str) -> None:
    """Called by a confidential field as it decrypts: refuses outside a declared read, records once inside."""
    current = _reading.get()
    if current is None:
        raise ConfidentialAccessError(
            f"{obj._meta.label}.{field_name} is confidential: declare the read with core.confidential.reading()"
        )
    key = (obj._meta.label_lower, obj.pk, field_name)
    if key in current.decrypted:
        return
    current.decrypted.add(key)
    audit.record(
        "decrypt",
        object_type=obj._meta.label_lower,
        object_id=obj.pk,
        object_repr=audit_label(obj),
        federation_id=getattr(obj, "federation_id", None),
        detail=f"{field_name}：{current.purpose}"[:500],
    )


def audit_label(obj: models.Model) -> str:
    """How the audit log names a confidential row: its kind and number, never its contents."""
    return f"{obj._meta.verbose_name} #{obj.pk}"


class ConfidentialQuerySet(ScopedQuerySet):
    """A scoped queryset that refuses to run outside an active scope. A superuser gets no bypass."""

    superuser_sees_all = False

    def _require_scope(self) -> None:
        if active_scope() is None:
            raise ScopeError(f"{self.model.__name__} queried outside an active scope (request or system_scope)")

    def _fetch_all(self) -> None:
        self._require_scope()
        super()._fetch_all()  # type: ignore[misc]

    def iterator(self, *args: Any, **kwargs: Any) -> Any:
        self._require_scope()
        return super().iterator(*args, **kwargs)

    def count(self) -> int:
        self._require_scope()
        return super().count()

    def exists(self) -> bool:
        self._require_scope()
        return super().exists()

    def aggregate(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self._require_scope()
        return super().aggregate(*args, **kwargs)

    def update(self, **kwargs: Any) -> int:
        self._require_scope()
        return super().update(**kwargs)

    def delete(self) -> Any:
        self._require_scope()
        return super().delete()

    def permitted(self, user: Any, action: str = "view") -> Self:
        self._require_scope()
        return super().permitted(user, action)
