"""What the audit log stores of a row: its values as JSON, sensitive fields masked, and the events a
TrackedModel's write makes of them. Pure functions of model instances; no writes.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any

from django.db import models

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


def safe_repr(obj: models.Model) -> str:
    """What the audit log names a row by: the model's `audit_repr()` if it declares one; for a model with
    confidential fields its kind and number only (its `str` might carry a case or a family's name);
    else `str(obj)`."""
    custom = getattr(obj, "audit_repr", None)
    if callable(custom):
        return str(custom())[:200]
    if any(getattr(f, "confidential", False) for f in obj._meta.concrete_fields):
        return f"{obj._meta.verbose_name} #{obj.pk}"[:200]
    return str(obj)[:200]


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The concrete field values of `obj` as JSON-able data, sensitive fields masked."""
    data: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        # A confidential field is read as stored (sealed): the audit log never decrypts.
        value = obj.__dict__.get(f.attname) if getattr(f, "confidential", False) else getattr(obj, f.attname)
        data[f.attname] = (
            REDACTED if getattr(f, "sensitive", False) and value not in (None, "") else jsonable(value)
        )
    return data


REDACTED_CHANGED = "***（已修改）"


def changes_between(old: models.Model, new: models.Model) -> dict[str, list[Any]]:
    """{field: [old, new]} between two states of one row; a changed sensitive field is marked, not shown."""
    return changes_since(snapshot(old), sensitive_state(old), new)


def sensitive_state(obj: models.Model) -> dict[str, Any]:
    """The sensitive fields' values as compared for a change (a confidential one by its ciphertext):
    taken before a write, for `changes_since`, since the snapshot masks them."""
    return {f.attname: _stored(obj, f) for f in obj._meta.concrete_fields if getattr(f, "sensitive", False)}


def changes_since(
    before: dict[str, Any], before_sensitive: dict[str, Any], obj: models.Model
) -> dict[str, list[Any]]:
    """{field: [old, new]} from a snapshot and sensitive state taken earlier to `obj` as it is now; a changed
    sensitive field is marked as changed, never shown (the snapshot alone would hide that it changed)."""
    changes = diff(before, snapshot(obj))
    for name, value in sensitive_state(obj).items():
        if before_sensitive.get(name) != value:
            changes[name] = [REDACTED, REDACTED_CHANGED]
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


def creation(obj: models.Model) -> dict[str, Any]:
    """The event a TrackedModel writes when `obj` is created, as `record_many` takes it."""
    return {"action": "create", "obj": obj, "changes": {k: [None, v] for k, v in snapshot(obj).items()}}


def update(obj: models.Model, changes: dict[str, Any]) -> dict[str, Any]:
    """The event a TrackedModel writes when `obj` changed by `changes` ({field: [old, new]})."""
    return {"action": "update", "obj": obj, "changes": changes}
