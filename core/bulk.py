"""What the bulk paths of the services share: one refusal that names every refused item.

A service's bulk function (`unit_bulk_create`, `vacancy_bulk_record`, ...) checks every item with the
same rule functions as its row-by-row twin before it writes anything; when any item breaks a rule it
raises `BulkRefused` with each item's key (whatever the caller passed: a ledger row, an index) and the
service's own refusal, and writes nothing. Callers turn the keys back into their own locations.

`create_tracked` and `update_tracked` write TrackedModel rows in batches with what their `save()` does
(versions, derived columns, one audit event per row), for those bulk paths.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Hashable, Iterable, Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, router
from django.dispatch import Signal
from django.utils import timezone

from core import audit
from core.dbinsert import BATCH, insert, insert_values
from core.fields import DerivedCharField
from core.tracked import ConcurrentEditError

__all__ = [
    "BATCH",
    "BulkRefused",
    "Refusals",
    "create_tracked",
    "gc_paused",
    "insert",
    "insert_values",
    "rows_written",
    "update_tracked",
]

# Sent after every bulk write of TrackedModel rows (sender = the model, objs = the rows, using = the
# database), inside the write's transaction: what a row's save signals tell their receivers, for a batch
# (an app that keeps data derived from those rows, such as committees' rate summary, listens).
rows_written = Signal()


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cycle collector paused for a bulk write: its full passes over the tens of thousands of
    rows, events and checks that such a write holds at once (none of them garbage) cost as much as
    building them. Reference counting still frees what is dropped; the collector runs again after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class BulkRefused(ValidationError):
    """Some items of a bulk write were refused; `refusals` lists (key, ValidationError) in item order."""

    def __init__(self, refusals: list[tuple[Hashable, ValidationError]]) -> None:
        super().__init__([error for _, error in refusals])
        self.refusals = refusals


class Refusals:
    """Collects the refusals of a bulk path's checks; `raise_if_any()` before the first write."""

    def __init__(self) -> None:
        self.items: list[tuple[Hashable, ValidationError]] = []

    def check(self, key: Hashable, rule: Callable[..., Any], **kwargs: Any) -> bool:
        """Runs one rule function for the item `key`; False (and recorded) when it refuses."""
        try:
            rule(**kwargs)
        except ValidationError as refused:
            self.items.append((key, refused))
            return False
        return True

    def add(self, key: Hashable, error: ValidationError) -> None:
        self.items.append((key, error))

    def raise_if_any(self) -> None:
        if self.items:
            raise BulkRefused(self.items)


def create_tracked[M: models.Model](model: type[M], objs: Iterable[M]) -> list[M]:
    """Inserts new TrackedModel rows in batches and writes the audit event each `save()` would have."""
    rows = list(objs)
    if rows:
        # One moment for the whole write (its rows are created in one transaction).
        now = timezone.now()
        for obj in rows:
            obj.created_at = obj.updated_at = now  # type: ignore[attr-defined]
        insert(model, rows)
        audit.record_many((audit.creation(obj) for obj in rows), jsonable_changes=True)
        rows_written.send(sender=model, objs=rows, using=router.db_for_write(model))
    return rows


def update_tracked[M: models.Model](
    model: type[M], versions: models.QuerySet, changes: Iterable[tuple[M, dict[str, Any]]]
) -> list[M]:
    """Applies {field: new value} to TrackedModel rows loaded earlier in this transaction, as their saves
    would: refuses the whole write (ConcurrentEditError) if any row moved on since it was loaded, bumps
    the versions, keeps derived columns, and writes one audit event per row with the old and new values.

    `versions` is a queryset that covers the rows (e.g. the federation's): it is locked (PostgreSQL) and
    read once for the version check.
    """
    pending = [(obj, values) for obj, values in changes if values]
    if not pending:
        return []
    current = dict(versions.select_for_update().values_list("pk", "version"))
    derived = [f for f in model._meta.concrete_fields if isinstance(f, DerivedCharField)]
    now = timezone.now()
    fields: set[str] = {"version", "updated_at"}
    events = []
    for obj, values in pending:
        if current.get(obj.pk) != obj.version:  # type: ignore[attr-defined]
            raise ConcurrentEditError()
        before, before_sensitive = audit.snapshot(obj), audit.sensitive_state(obj)
        for name, value in values.items():
            setattr(obj, name, value)
            fields.add(model._meta.get_field(name).attname)  # type: ignore[union-attr]
        for f in derived:
            if f.source in values:  # type: ignore[attr-defined]
                f.pre_save(obj, add=False)
                fields.add(f.attname)
        obj.version += 1  # type: ignore[attr-defined]
        obj.updated_at = now  # type: ignore[attr-defined]
        diff = audit.changes_since(before, before_sensitive, obj)
        diff.pop("version", None)
        diff.pop("updated_at", None)
        events.append(audit.update(obj, diff))
    rows = [obj for obj, _ in pending]
    model._default_manager.bulk_update(rows, sorted(fields), batch_size=BATCH)
    audit.record_many(events, jsonable_changes=True)
    rows_written.send(sender=model, objs=rows, using=router.db_for_write(model))
    return rows
