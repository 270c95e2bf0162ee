"""What the audit log stores of a row: its values as JSON, sensitive fields masked, and the events a
TrackedModel's write makes of them. Pure functions of model instances; no writes.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any

from django.db import models
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute

_PLAIN = (type(None), bool, int, float, str)
_PLAIN_SET = frozenset(_PLAIN)


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
    # obj.__class__, not type(obj): a lazy request.user is a SimpleLazyObject that reports its model here.
    if _plan(obj.__class__).confidential:
        return f"{obj._meta.verbose_name} #{obj.pk}"[:200]
    return str(obj)[:200]


class _Plan:
    """How a model's rows are snapshotted: its concrete fields' attnames and which are confidential or
    sensitive (read once per model, not once per row and field)."""

    def __init__(self, model: type[models.Model]) -> None:
        fields = model._meta.concrete_fields
        self.fields = [(f.attname, bool(getattr(f, "confidential", False)), bool(getattr(f, "sensitive", False)))
                       for f in fields]
        self.confidential = any(c for _, c, _ in self.fields)
        # Rows of models whose fields are all plain (not masked, read through Django's own descriptors,
        # which give the loaded value as it is) are read straight from the instance.
        plain_descriptors = (DeferredAttribute, ForeignKeyDeferredAttribute)
        self.special = any(c or s for _, c, s in self.fields) or any(
            getattr(f, "descriptor_class", DeferredAttribute) not in plain_descriptors for f in fields)
        self.attnames = [a for a, _, _ in self.fields]


_plans: dict[type[models.Model], _Plan] = {}


def _plan(model: type[models.Model]) -> _Plan:
    plan = _plans.get(model)
    if plan is None:
        plan = _plans[model] = _Plan(model)
    return plan


_DATES = (dt.date, dt.datetime, dt.time)


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The concrete field values of `obj` as JSON-able data, sensitive fields masked."""
    plan = _plan(obj.__class__)
    data: dict[str, Any] = {}
    loaded = obj.__dict__
    if not plan.special:
        for attname in plan.attnames:
            value = loaded[attname] if attname in loaded else getattr(obj, attname)
            kind = type(value)
            if kind in _PLAIN_SET:
                data[attname] = value
            elif kind in _DATES:
                data[attname] = value.isoformat()
            else:
                data[attname] = jsonable(value)
        return data
    for attname, confidential, sensitive in plan.fields:
        # A confidential field is read as stored (sealed): the audit log never decrypts.
        value = loaded.get(attname) if confidential else getattr(obj, attname)
        data[attname] = REDACTED if sensitive and value not in (None, "") else jsonable(value)
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
    changes = snapshot(obj)
    for k, v in changes.items():
        changes[k] = [None, v]
    return {"action": "create", "obj": obj, "changes": changes}


def update(obj: models.Model, changes: dict[str, Any]) -> dict[str, Any]:
    """The event a TrackedModel writes when `obj` changed by `changes` ({field: [old, new]})."""
    return {"action": "update", "obj": obj, "changes": changes}
